import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  /** The request body's `username`, when it is a JSON object with one. */
  username: unknown;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A server in front of a correct one that breaks some answers: `before` may answer instead of
 * the upstream server, `after` may change the upstream's answer.
 */
export async function startBrokenServer(
  upstream: string,
  defect: { before?: (exchange: Exchange) => Answer | undefined; after?: (exchange: Exchange, answer: Answer) => void },
): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let username: unknown;
      try {
        username = (JSON.parse(body.toString('utf8')) as { username?: unknown }).username;
      } catch {
        username = undefined;
      }
      const exchange: Exchange = { method: req.method ?? 'GET', path: req.url ?? '/', username };
      const reply = (answer: Answer) => {
        const headers = { ...answer.headers };
        delete headers['content-length'];
        delete headers['transfer-encoding'];
        delete headers['connection'];
        delete headers['keep-alive'];
        res.writeHead(answer.status, { ...headers, 'content-length': String(Buffer.byteLength(answer.body)) });
        res.end(answer.body);
      };
      const early = defect.before?.(exchange);
      if (early) return reply(early);
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          const answerChunks: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          upstreamRes.on('end', () => {
            const answer: Answer = {
              status: upstreamRes.statusCode ?? 502,
              headers: { ...upstreamRes.headers },
              body: Buffer.concat(answerChunks).toString('utf8'),
            };
            defect.after?.(exchange, answer);
            reply(answer);
          });
        },
      );
      forward.on('error', (error) => reply({ status: 502, headers: {}, body: error.message }));
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
