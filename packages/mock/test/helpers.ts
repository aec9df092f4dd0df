import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import {
  deref,
  listOperations,
  loadDocument,
  type ApiDialect,
  type DialectErrors,
  type OpenApiDocument,
  type OperationObject,
  type ResponseObject as Response,
} from '@org-membership-api/spec';
import { inject } from 'vitest';

/** An operation as the bundle holds it (references unresolved), with its method, path and dialect. */
export type Operation = OperationObject & {
  method: string;
  path: string;
  operationId: string;
  dialect: ApiDialect | undefined;
  /** The dialect's answers to the kinds of rejected requests this operation can meet. */
  errors: DialectErrors;
};

export const doc: OpenApiDocument = loadDocument();
export const ops: Operation[] = listOperations(doc).map(({ object, method, path, operationId, dialect, errors }) => ({
  ...object,
  method,
  path,
  operationId,
  dialect,
  errors,
}));

/** A path of `op` with valid parameters (the contract's own parameter examples). */
export function examplePath(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = (op.parameters ?? []).map((p) => deref(doc, p)).find((p) => p.name === name);
    return String(parameter?.example);
  });
}

export function responses(op: Operation): Array<[number, Response]> {
  return Object.entries(op.responses).map(([status, ref]) => [Number(status), deref(doc, ref)]);
}

export function examplesOf(response: Response): Array<[string, unknown]> {
  // JSON first; Cloud Controller's 429 is JSON sent as text/plain.
  const examples = (response.content?.['application/json'] ?? response.content?.['text/plain'])?.examples ?? {};
  return Object.entries(examples).map(([name, ref]) => [name, deref(doc, ref).value]);
}

export function exampleOf(op: Operation, status: number, name: string): unknown {
  const found = examplesOf(deref(doc, op.responses[String(status)]!)).find(([key]) => key === name);
  if (!found) throw new Error(`${op.operationId}: no ${status} example ${name}`);
  return found[1];
}

/** The success the mock answers with when nothing is asked for: the lowest 2xx. */
export function defaultSuccess(op: Operation): [number, Response] {
  return responses(op)
    .filter(([status]) => status >= 200 && status < 300)
    .sort(([a], [b]) => a - b)[0]!;
}

function bundleValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormatsPlugin.default(ajv);
  ajv.addSchema({ components: doc.components }, 'bundle');
  return (schema: unknown, value: unknown) =>
    ajv.validate(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"bundle#/components/')), value);
}
const validateBody = bundleValidator();

/** Whether the contract's request body schema of `op` accepts `body` (what Prism checks). */
export function bodyFitsContract(op: Operation, body: unknown): boolean {
  const media = op.requestBody && deref(doc, op.requestBody).content['application/json'];
  if (!media) throw new Error(`${op.operationId} takes no JSON body`);
  return validateBody(media.schema, body);
}

export const isCloudController = (op: Operation) => op.dialect?.id === 'cloudController';
export const isMembers = (op: Operation) => op.dialect?.id === 'members';

/** The media type of the operation's request body, if it takes one. */
export const bodyType = (op: Operation) =>
  op.requestBody ? Object.keys(deref(doc, op.requestBody).content)[0] : undefined;
/** Whether the operation takes a JSON body (the role operations by username). */
export const takesJson = (op: Operation) => bodyType(op) === 'application/json';
/** Whether the client authenticates with HTTP Basic (UAA's token endpoint) rather than a bearer token. */
export const usesBasic = (op: Operation) =>
  (op.security ?? []).some((requirement) =>
    Object.keys(requirement).some((name) => {
      const scheme = deref(doc, doc.components!.securitySchemes![name]!) as { type: string; scheme?: string };
      return scheme.type === 'http' && scheme.scheme === 'basic';
    }),
  );
/** Whether the operation needs a bearer token (not open to anyone, not HTTP Basic). */
export const needsBearer = (op: Operation) => (op.security ?? []).length > 0 && !usesBasic(op);

/** A body the operation accepts: a username as JSON, or the password grant form-encoded. */
export const validBody = (op: Operation) =>
  bodyType(op) === 'application/json'
    ? JSON.stringify({ username: 'user@example.com' })
    : bodyType(op) === 'application/x-www-form-urlencoded'
      ? 'grant_type=password&password=admin&username=admin'
      : undefined;

/** Headers of a request the operation accepts: its credentials and the body's type. */
export function requestHeaders(op: Operation, extra: Record<string, string> = {}): Record<string, string> {
  const type = bodyType(op);
  return {
    authorization: usesBasic(op) ? 'Basic Y2Y6' : 'bearer t',
    // `/` answers JSON only to a client that asks for it (a browser gets the docs); text/plain is the rate limiter's 429.
    ...(op.path === '/' && { accept: 'application/json, text/plain' }),
    ...(type && { 'content-type': type }),
    ...extra,
  };
}

/**
 * An example as the mock serves it from `base`: the URLs the contract marks as the server's own
 * (`x-self-urls` of the response) name the mock's origin.
 */
export function asServed(op: Operation, status: number, value: unknown, base: string = inject('mockUrl')): unknown {
  const response = deref(doc, op.responses[String(status)]!) as unknown as Record<string, unknown>;
  const selfUrls = response['x-self-urls'] as Record<string, string> | undefined;
  if (!selfUrls || value === undefined) return value;
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const [pointer, path] of Object.entries(selfUrls)) {
    const keys = pointer.split('/').slice(1);
    const last = keys.pop()!;
    const parent = keys.reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, copy);
    parent[last] = `${base}${path}`;
  }
  return copy;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Sends one request to the mock; never waits more than 5 s (a hang fails the test). */
export async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string; base?: string } = {},
): Promise<Answer> {
  const response = await fetch((init.base ?? inject('mockUrl')) + path, {
    method,
    headers: init.headers ?? {},
    ...(init.body !== undefined && { body: init.body }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A request to `op` that passes every check: lowercase bearer (as the cf CLI sends) or Basic, and a valid body. */
export function validRequest(op: Operation, headers: Record<string, string> = {}) {
  const body = validBody(op);
  return call(op.method, examplePath(op), {
    headers: requestHeaders(op, headers),
    ...(body !== undefined && { body }),
  });
}

/** Every header the contract marks required on `response` is there, with its example value. */
export function expectDocumentedHeaders(response: Response, headers: Headers): string[] {
  const problems: string[] = [];
  for (const [name, ref] of Object.entries(response.headers ?? {})) {
    const header = deref(doc, ref);
    const value = headers.get(name);
    if (header.required && value === null) problems.push(`${name} missing`);
    if (value !== null && header.example !== undefined && value !== String(header.example))
      problems.push(`${name}: ${value}`);
  }
  return problems;
}

export { deref, type Response };
