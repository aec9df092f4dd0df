import http from 'node:http';
import https from 'node:https';

/** One request as the checks and the fuzzer send it: path with query, raw headers and body. */
export interface PlainRequest {
  method: string;
  /** Concrete path (percent-encoded) with query, without the server's base path. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** Sends one request; rejects when no HTTP answer comes back (refused, reset, timeout, unparsable). */
export function send(server: string, request: PlainRequest, timeoutMs = 10_000): Promise<PlainResponse> {
  const base = new URL(server);
  const client = base.protocol === 'https:' ? https : http;
  const basePath = base.pathname.replace(/\/+$/, '');
  return new Promise((resolve, reject) => {
    const body = Buffer.from(request.body ?? '', 'utf8');
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(body.length);
    const req = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: request.method,
        path: `${basePath}${request.path}`,
        headers,
        agent: base.protocol === 'https:' ? agents.https : agents.http,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.end(body);
  });
}

/** A network error in a line: `connect ECONNREFUSED 127.0.0.1:9`. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message ?? (error as Error).message ?? String(error);
}

/** Whether anything answers HTTP at `server` (any status counts); the reason when not. */
export async function reachability(
  server: string,
): Promise<{ reachable: true } | { reachable: false; reason: string }> {
  try {
    await send(server, { method: 'GET', path: '/', headers: {} }, 10_000);
    return { reachable: true };
  } catch (error) {
    return { reachable: false, reason: describeNetworkError(error) };
  }
}

/**
 * A curl command line for the request. Secrets (keys of `placeholders`) become references to
 * their environment variables (`"Authorization: bearer ${CF_ADMIN_TOKEN}"`), so the line runs
 * where those are set and prints no token.
 */
export function curlOf(server: string, request: PlainRequest, placeholders: Map<string, string> = new Map()): string {
  // Control characters go in $'...' as escapes, so the line can be pasted and printed.
  const quote = (text: string) =>
    /[\u0000-\u001f\u007f]/.test(text)
      ? `$'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`
      : `'${text.replaceAll("'", `'\\''`)}'`;
  const withPlaceholders = (text: string) => {
    let result = quote(text);
    for (const [secret, variable] of placeholders) {
      if (secret && result.includes(secret)) result = result.split(secret).join(`'"\${${variable}}"'`);
    }
    return result.replace(/^''|''$/g, '');
  };
  const base = server.replace(/\/+$/, '');
  const parts = ['curl', '-i', '-X', request.method, quote(`${base}${request.path}`)];
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', withPlaceholders(`${name}: ${value}`));
  if (request.body !== undefined) parts.push('--data-binary', withPlaceholders(request.body));
  return parts.join(' ');
}
