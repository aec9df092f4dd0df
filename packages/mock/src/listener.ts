import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NO_METHOD_MATCHED_ERROR } from '@stoplight/prism-http';
import { problemFrom } from './stages/reply.js';

export interface Listener {
  url: string;
  /** Stops listening: idle keep-alive connections go at once, requests in flight get a second. */
  close(): Promise<void>;
}

/** How long requests in flight may take to finish once the mock is closing. */
const closeGraceMs = 1_000;

// Node hands CONNECT to a 'connect' listener and, without one, drops the connection unanswered.
const connectRefused = problemFrom(NO_METHOD_MATCHED_ERROR, 'The mock is not a proxy: CONNECT is not served.');
const connectAnswer =
  `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/problem+json\r\n` +
  `Content-Length: ${Buffer.byteLength(connectRefused.body!)}\r\nConnection: close\r\n\r\n${connectRefused.body}`;

/** The listener's life cycle, apart from request handling: start on a port, answer, close. */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: { host: string; port: number },
): Promise<Listener> {
  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(connectAnswer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), closeGraceMs).unref();
      }),
  };
}
