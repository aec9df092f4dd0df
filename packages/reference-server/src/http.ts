import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export type RequestBody = { kind: 'complete'; bytes: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

/** Reads at most `limit` bytes; a longer body is left unread (the connection is then closed). */
export function readBody(req: IncomingMessage, limit: number): Promise<RequestBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: RequestBody): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'complete', bytes: Buffer.concat(chunks, size) });
    const onError = (): void => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

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

export function sendJson(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': JSON_CONTENT_TYPE,
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
