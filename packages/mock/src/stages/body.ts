import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { takesJsonBody, type ApiPolicy, type Operation } from '../contract.js';

/** Bodies above this get an error at once (the rest is drained unread): a role change by username is under 1 KiB. */
export const maxBodyBytes = 64 * 1024;

/** Past this much, an oversized body is no longer drained but the connection closed. */
const maxDrainBytes = 16 * 1024 * 1024;

export type RawBody = Buffer | 'too-large';

/** Whether the answer must close the connection: the client announced more than will be drained. */
export function closesConnection(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > maxDrainBytes;
}

/**
 * The body stage's reading half: the body up to maxBodyBytes. Past that it settles at once
 * with 'too-large' (so the answer goes out without waiting) and drains the rest, so that the
 * client is not reset before it has read that answer.
 */
export function readBody(req: IncomingMessage): Promise<RawBody> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxDrainBytes) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBodyBytes;
    if (tooLarge) resolve('too-large');
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxDrainBytes) req.socket.destroy();
      else if (!tooLarge && size > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve('too-large');
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The body and headers Prism validates. */
export interface PrismBody {
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The body stage's parsing half. A body the operation does not take is dropped, as most
 * servers ignore it (Prism would answer 415). Where the API documents an error for a body that
 * is not JSON, the body is parsed as JSON whatever the Content-Type says, as Cloud Controller
 * does (its own published examples send JSON as application/x-www-form-urlencoded); 'not-json'
 * when it is not. Every other rule is the contract's, checked by Prism.
 */
export function parseBody(
  operation: Operation,
  dialect: ApiPolicy,
  raw: Buffer,
  requestHeaders: IncomingHttpHeaders,
): PrismBody | 'not-json' {
  const headers = requestHeaders as Record<string, string>;
  if (!operation.request?.body) {
    const { 'content-type': _type, 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
    return { body: null, headers: rest };
  }
  if (raw.length === 0) return { body: null, headers };
  const text = raw.toString('utf8');
  if (!dialect.invalidRequest || !takesJsonBody(operation)) return { body: text, headers };
  try {
    return { body: JSON.parse(text), headers: { ...headers, 'content-type': 'application/json' } };
  } catch {
    return 'not-json';
  }
}
