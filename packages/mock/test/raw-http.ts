import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** The header section as sent, byte for byte (latin1). */
  head: string;
  headers: Map<string, string>;
  body: string;
}

/**
 * Sends bytes as they are on a fresh connection (what an HTTP client would refuse to send) and
 * reads the first answer. Rejects when none comes within 5 s or the connection closes without one.
 */
export function rawExchange(url: string, request: Buffer | string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 5 s'));
    }, 5_000);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (end < 0 || !status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const head = text.slice(0, end);
      const headers = new Map<string, string>();
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      const body = Buffer.from(text.slice(end + 4), 'latin1').toString('utf8');
      resolve({ status: Number(status[1]), head, headers, body });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    socket.on('error', (error) => (chunks.length ? finish() : (clearTimeout(timer), reject(error))));
    socket.write(request);
  });
}

/** One request with `Connection: close`; the body's length is counted in bytes. */
export function rawRequest(
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Buffer {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (bytes) lines.push(`Content-Length: ${bytes.length}`);
  // Header values are written as latin1, so a test can send bytes above 0x7f in them.
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return bytes ? Buffer.concat([head, bytes]) : head;
}
