// Helpers every measured subject uses: capture an answer to replay it, run with servers, compare.
import { request as httpRequest } from 'node:http';
import type { Request } from 'autocannon';
import type { LoadResult } from './load.js';
import type { ServerProcess } from './processes.js';
import type { CannedAnswer } from './serve.js';

/** Captures one answer of `url` to `request`, to be replayed byte for byte by a bare server. */
export function capture(url: string, request: Request): Promise<CannedAnswer> {
  // A connection of its own (no keep-alive pool), so that the server can stop at once later.
  return new Promise((resolve, reject) => {
    const headers = {
      ...request.headers,
      ...(request.body !== undefined && { 'content-length': String(Buffer.byteLength(request.body)) }),
    };
    const req = httpRequest(url + request.path, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(res.headers)) {
          if (
            value !== undefined &&
            !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(key)
          )
            headers[key] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('base64') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

export function ratio(results: LoadResult[], subject: string, baseline: string): number {
  const of = (name: string) => results.find((r) => r.name === name)!.reqPerSec.median;
  return of(subject) / of(baseline);
}

export async function withServers<T>(
  starting: Array<Promise<ServerProcess>>,
  body: (servers: ServerProcess[]) => Promise<T>,
): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const servers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await body(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
