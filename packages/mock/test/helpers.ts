import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import {
  deref,
  listOperations,
  loadDocument,
  type ApiDialect,
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
};

export const doc: OpenApiDocument = loadDocument();
export const ops: Operation[] = listOperations(doc).map(({ object, method, path, operationId, dialect }) => ({
  ...object,
  method,
  path,
  operationId,
  dialect,
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
export const validBody = (op: Operation) =>
  op.requestBody ? JSON.stringify({ username: 'user@example.com' }) : undefined;

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

/** A request to `op` that passes every check: lowercase bearer (as the cf CLI sends) and a valid body. */
export function validRequest(op: Operation, headers: Record<string, string> = {}) {
  const body = validBody(op);
  return call(op.method, examplePath(op), {
    headers: { authorization: 'bearer test-token', ...(body && { 'content-type': 'application/json' }), ...headers },
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
