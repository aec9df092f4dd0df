import type { IncomingHttpHeaders } from 'node:http';
import { deref, type OpenApiDocument, type ResponseObject } from '@org-membership-api/spec';
import type { Operation } from '../contract.js';
import type { Reply } from './reply.js';

/**
 * A response's `x-self-urls`: JSON Pointers into its body whose values are URLs of servers the
 * mock stands in for itself (Cloud Controller's authorization endpoint, UAA's own URL), each
 * with the path that follows the origin.
 */
export const selfUrlsExtension = 'x-self-urls';

/** Host names and IP literals with an optional port: nothing else goes into a URL. */
const plainHost = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The self-URL stage: where the contract marks URLs as the server's own, the mock writes its
 * own origin there, as the client reached it (`Host`), so that a client following them (the cf
 * CLI to `/login`, `/oauth/token`, `/Users`) comes back to the mock. The contract's examples
 * keep their documented values. Without a usable `Host` the answer goes out as documented.
 */
export function createSelfUrlStage(operations: Operation[], document: OpenApiDocument) {
  const byOperation = new Map<Operation, Map<number, Record<string, string>>>();
  for (const operation of operations) {
    const raw = document.paths?.[operation.path]?.[operation.method as 'get']?.responses ?? {};
    for (const [status, ref] of Object.entries(raw)) {
      const selfUrls = (deref<ResponseObject>(document, ref) as unknown as Record<string, unknown>)[selfUrlsExtension];
      if (!selfUrls || typeof selfUrls !== 'object') continue;
      const statuses = byOperation.get(operation) ?? new Map<number, Record<string, string>>();
      statuses.set(Number(status), selfUrls as Record<string, string>);
      byOperation.set(operation, statuses);
    }
  }

  return function withSelfUrls(operation: Operation, headers: IncomingHttpHeaders, reply: Reply): Reply {
    const pointers = byOperation.get(operation)?.get(reply.status);
    const host = headers.host;
    if (!pointers || reply.body === undefined || !host || !plainHost.test(host)) return reply;
    let body: unknown;
    try {
      body = JSON.parse(reply.body);
    } catch {
      return reply;
    }
    const origin = `http://${host}`;
    for (const [pointer, path] of Object.entries(pointers)) setAt(body, pointer, `${origin}${path}`);
    return { ...reply, body: JSON.stringify(body) };
  };
}

/** Sets the string at a JSON Pointer whose parent exists (a generated body may lack it: left alone). */
function setAt(root: unknown, pointer: string, value: string): void {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  let at = root;
  for (const key of keys) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  if (last !== undefined && at && typeof at === 'object' && typeof (at as Record<string, unknown>)[last] === 'string')
    (at as Record<string, unknown>)[last] = value;
}
