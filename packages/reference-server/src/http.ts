import { randomUUID } from 'node:crypto';
import { dialectById, dialectForPath, sourceApiDialects, type ApiDialect } from '@org-membership-api/spec';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

/**
 * `malformed`: the HTTP framing of the body broke (a bad chunk, or it timed out) — the
 * connection is then answered and closed; `aborted`: the client went away.
 */
export type RequestBody =
  { kind: 'complete'; bytes: Buffer } | { kind: 'too_large' } | { kind: 'malformed' } | { kind: 'aborted' };

/** Signals, per request whose body is being read, that the connection's parser failed on it. */
export const bodyFailures = new WeakMap<IncomingMessage, () => void>();

/**
 * Reads at most `limit` bytes. A longer body is answered at once and the rest is read and
 * dropped, up to `drainLimit` bytes (past that the connection is dropped), so that a client
 * still sending receives the answer instead of a reset.
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<RequestBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: RequestBody): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      bodyFailures.delete(req);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > drainLimit) {
        req.off('data', onData);
        req.socket.destroy();
      }
      if (settled) return;
      if (size > limit) settle({ kind: 'too_large' });
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ kind: 'complete', bytes: Buffer.concat(chunks, size) }));
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
    bodyFailures.set(req, () => settle({ kind: 'malformed' }));
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) settle({ kind: 'too_large' });
  });
}

/** What the server routes by: the request's path and its query. */
export interface RequestTarget {
  /** The path, percent-encoded as a URL spells it, with its dot segments as sent. */
  pathname: string;
  /** `?` and the query, or empty. */
  search: string;
  searchParams: URLSearchParams;
}

// A `.` or `..` path segment (also percent-encoded), which the URL parser would resolve away.
const dotSegment = /(?<=\/)(?:\.|%2e){1,2}(?=\/|$)/gi;

/**
 * A request target in origin form (`/v2/...?x`) or absolute form (`http://host/v2/...`, which
 * HTTP/1.1 servers must accept); undefined for authority form, `*` and the rest. Parsed as a
 * URL, but with dot segments kept: Rack routes the path as sent, so `/v2/spaces/G/managers/.`
 * names the user guid `.` (and is asked for a token first), not `/v2/spaces/G/managers/`.
 */
export function targetUrl(target: string | undefined): RequestTarget | undefined {
  if (!target || !(target.startsWith('/') || /^https?:\/\//i.test(target))) return undefined;
  const pathStart = target.startsWith('/') ? 0 : target.indexOf('/', target.indexOf('//') + 2);
  const pathEnd = pathStart < 0 ? -1 : target.slice(pathStart).search(/[?#]/);
  const dots: string[] = [];
  // A placeholder no client can have sent: a fresh uuid, only where there are dot segments.
  let nonce = '';
  const dotPlaceholder = (index: number) => `%00${(nonce ||= randomUUID())}.${index}%00`;
  const protectedTarget =
    pathStart < 0
      ? target
      : target.slice(0, pathStart) +
        (pathEnd < 0 ? target.slice(pathStart) : target.slice(pathStart, pathStart + pathEnd)).replace(
          dotSegment,
          (segment) => dotPlaceholder(dots.push(segment) - 1),
        ) +
        (pathEnd < 0 ? '' : target.slice(pathStart + pathEnd));
  try {
    const url = new URL(protectedTarget.startsWith('/') ? `http://localhost${protectedTarget}` : protectedTarget);
    const pathname = dots.reduce((path, segment, index) => path.replace(dotPlaceholder(index), segment), url.pathname);
    return { pathname, search: url.search, searchParams: url.searchParams };
  } catch {
    return undefined;
  }
}

// The API families of the contract (x-api-dialects): request-id header and unknown-route
// answer. A path of neither answers in the member API's shape.
const dialects = sourceApiDialects();
const fallbackDialect = dialectById(dialects, 'members');

/** The API a request path belongs to, picked once per request. */
export function apiDialectOf(path: string): ApiDialect {
  return dialectForPath(dialects, path) ?? fallbackDialect;
}

export const isCloudController = (dialect: ApiDialect): boolean => dialect.id === 'cloudController';

/** The member API answers its errors as problem details; the other APIs send the contract's bodies as they are. */
export const isMemberApi = (dialect: ApiDialect): boolean => dialect.id === fallbackDialect.id;

/**
 * A client-supplied request id reduced to word characters and dashes, at most 255 long,
 * as Cloud Controller does before it prefixes its own uuid.
 */
export function sanitizeRequestId(value: string | string[] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (!first) return '';
  return first.replace(/[^\w-]/g, '').slice(0, 255);
}

/** `X-VCAP-Request-ID`: `<client id>::<uuid>` when the client sent one, else a uuid. */
export function vcapRequestId(req: IncomingMessage): string {
  const client = sanitizeRequestId(req.headers['x-vcap-request-id']) || sanitizeRequestId(req.headers['x-request-id']);
  return client ? `${client}::${randomUUID()}` : randomUUID();
}

/** `X-Request-Id`: the client's own id when it is sane, else a fresh uuid. */
export function memberRequestId(req: IncomingMessage): string {
  const client = req.headers['x-request-id'];
  const value = Array.isArray(client) ? client[0] : client;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: unknown,
  contentType = JSON_CONTENT_TYPE,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** No Content-Type and no Content-Length: a 204 has no body. */
export function sendNoContent(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(204, headers);
  res.end();
}

export type BearerToken = { kind: 'none' } | { kind: 'bearer'; token: string };

/** The scheme is case-insensitive; anything that is not a non-empty bearer token counts as none. */
export function bearerToken(req: IncomingMessage): BearerToken {
  const header = req.headers.authorization;
  if (!header) return { kind: 'none' };
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'none' };
}

/** A short, printable rendering of client input for error messages. */
export function excerpt(value: string, max = 64): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}...` : printable;
}
