import { connect, type Socket } from 'node:net';

// A bare TCP client: HTTP clients refuse to send what these tests send (pipelined garbage,
// absolute-form targets, CONNECT to a path, a body they keep writing after the answer).

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  responses: RawResponse[];
  /** Bytes after the last complete response (a truncated answer). */
  rest: string;
  /** The socket's error, if it ended with one (EPIPE, ECONNRESET). */
  error: string | undefined;
  /** Who ended the exchange: the server (FIN or reset), or the client after `idleMs` of silence. */
  closedBy: 'server' | 'idle';
}

/** Splits a byte stream into HTTP/1.1 responses (bodies framed by Content-Length, or none). */
export function parseResponses(raw: Buffer): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  let offset = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', offset, 'latin1');
    if (end < 0) break;
    const [statusLine, ...lines] = raw.subarray(offset, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
    if (!Number.isInteger(status)) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (raw.length < end + 4 + length) break;
    responses.push({ status, headers, body: raw.subarray(end + 4, end + 4 + length).toString('utf8') });
    offset = end + 4 + length;
  }
  return { responses, rest: raw.subarray(offset).toString('latin1') };
}

export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // As HTTP clients do, keep sending the request after the server's FIN.
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends `chunks` one after another (a function chunk runs between writes, e.g. to wait),
 * then (with `end`) half-closes, and reads until the connection is closed or `idleMs` pass
 * without data.
 */
export async function exchange(
  url: string,
  chunks: Array<string | Buffer | ((received: () => Buffer) => Promise<void>)>,
  { idleMs = 1_500, end = false }: { idleMs?: number; end?: boolean } = {},
): Promise<RawExchange> {
  const socket = await openSocket(url);
  const received: Buffer[] = [];
  let error: string | undefined;
  let closedBy: RawExchange['closedBy'] = 'server';
  let writesDone = false;
  const idle = () => {
    closedBy = 'idle';
    socket.destroy();
  };
  const closed = new Promise<void>((resolve) => {
    let timer = setTimeout(idle, idleMs);
    socket.on('data', (data: Buffer) => {
      received.push(data);
      clearTimeout(timer);
      timer = setTimeout(idle, idleMs);
    });
    // The server's FIN: done once our own writes are.
    socket.on('end', () => {
      if (writesDone) socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const all = () => Buffer.concat(received);
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    if (typeof chunk === 'function') {
      await chunk(all);
      continue;
    }
    await new Promise<void>((resolve) => {
      socket.write(chunk, (e) => {
        if (e) error ??= (e as NodeJS.ErrnoException).code ?? e.message;
        resolve();
      });
    });
  }
  writesDone = true;
  if ((end || socket.readableEnded) && !socket.destroyed) socket.end();
  await closed;
  return { ...parseResponses(all()), error, closedBy };
}

/** A request in origin form (or whatever `target` is), with Content-Length for a body. */
export function request(method: string, target: string, headers: Record<string, string> = {}, body?: string): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}
