import {
  dialectForPath,
  errorsForOperation,
  loadDocument,
  readApiDialects,
  type ApiDialect,
  type ErrorExampleRef,
  type OpenApiDocument,
} from '@org-membership-api/spec';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';

/** One operation of the contract as Prism reads it. */
export type Operation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];

/** A response taken verbatim from the contract: status, headers and serialized example. */
export interface DocumentedResponse {
  status: number;
  headers: Record<string, string | number>;
  body: string | undefined;
}

/** Names one example of one documented status. */
export type ExampleRef = ErrorExampleRef;

/**
 * How each API of the contract answers requests the mock rejects before or after Prism,
 * in that API's own documented error shape: its dialect in the contract (`x-api-dialects`),
 * narrowed to the kinds of rejection the operation can meet (errorsForOperation).
 */
export interface ApiPolicy {
  name: string;
  /** No `Authorization`, or one of another scheme; none: the operation is open to anyone. */
  missingToken?: ExampleRef;
  /** A path parameter that breaks its schema (malformed guid or uuid); none: Prism's pick. */
  invalidPathParameter?: ExampleRef;
  /** A body or query parameter that breaks its schema, or a body that is not JSON; none: Prism's pick. */
  invalidRequest?: ExampleRef;
}

function policyOf(dialect: ApiDialect, operation: Operation, document: OpenApiDocument): ApiPolicy {
  const request = operation.request;
  const traits = {
    secured: requiresToken(operation),
    pathParameters: (request?.path?.length ?? 0) > 0,
    input: (request?.query?.length ?? 0) > 0 || request?.body !== undefined,
  };
  const object = document.paths?.[operation.path]?.[operation.method as 'get'] ?? {};
  // A kind whose answer the operation does not document cannot reach it (its query takes any
  // value, e.g. the removals by user guid, whose 400 is another error): Prism's own pick stands there.
  const documents = (ref: ExampleRef | undefined) =>
    ref && exampleNames(operation, ref.status).includes(ref.example) ? ref : undefined;
  const errors = errorsForOperation(dialect, operation.path, traits, object);
  const missingToken = errors.missingToken;
  const invalidPathParameter = documents(errors.invalidPathParameter);
  const invalidRequest = documents(errors.invalidRequest);
  if (traits.secured && !missingToken)
    throw new Error(`x-api-dialects: ${dialect.id} needs a missingToken error for the mock`);
  return {
    name: dialect.name,
    ...(missingToken && { missingToken }),
    ...(invalidPathParameter && { invalidPathParameter }),
    ...(invalidRequest && { invalidRequest }),
  };
}

// Each operation's policy, from the dialect table of the bundle it was loaded from.
const policies = new WeakMap<Operation, ApiPolicy>();

/** The operations of a bundle, each with the policy of the dialect that claims its path. */
export async function loadOperations(
  specPath: string,
  document: OpenApiDocument = loadDocument(specPath),
): Promise<Operation[]> {
  const dialects = readApiDialects(document);
  const operations = await getHttpOperationsFromSpec(specPath);
  for (const operation of operations) {
    const dialect = dialectForPath(dialects, operation.path);
    if (dialect) policies.set(operation, policyOf(dialect, operation, document));
  }
  return operations;
}

export const isJson = (mediaType: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(mediaType);

function findResponse(operation: Operation, status: number) {
  return operation.responses.find((response) => response.code === String(status));
}

/** The example names the contract gives `status` of `operation` (JSON first, then any other media type). */
export function exampleNames(operation: Operation, status: number): string[] {
  // JSON first; else any media type (Cloud Controller's 429 is JSON sent as text/plain).
  const contents = findResponse(operation, status)?.contents ?? [];
  const content = contents.find((c) => isJson(c.mediaType)) ?? contents[0];
  return (content?.examples ?? []).map((example) => example.key);
}

/** The status Prism answers when no particular one is asked for. */
export function lowestSuccess(operation: Operation): number {
  const successes = operation.responses.map((r) => Number(r.code)).filter((code) => code >= 200 && code < 300);
  return Math.min(...successes);
}

/** Builds the contract's response `status`/`example` of `operation`, or throws naming what is missing. */
export function documentedResponse(operation: Operation, ref: ExampleRef): DocumentedResponse {
  const response = findResponse(operation, ref.status);
  if (!response)
    throw new Error(`${operation.iid ?? operation.path}: the contract documents no ${ref.status} response`);
  const headers: Record<string, string | number> = {};
  for (const header of response.headers ?? []) {
    const example = header.examples?.[0];
    if (example && 'value' in example && (typeof example.value === 'string' || typeof example.value === 'number')) {
      headers[header.name] = example.value;
    }
  }
  const content = response.contents?.find((c) => isJson(c.mediaType));
  if (!content) return { status: ref.status, headers, body: undefined };
  const example = content.examples?.find((e) => e.key === ref.example);
  if (!example || !('value' in example)) {
    throw new Error(`${operation.iid ?? operation.path}: response ${ref.status} has no example named ${ref.example}`);
  }
  headers['Content-Type'] = content.mediaType;
  return { status: ref.status, headers, body: JSON.stringify(example.value) };
}

/** The policy of the operation's API; undefined when no dialect of the contract claims its path. */
export function policyFor(operation: Operation): ApiPolicy | undefined {
  return policies.get(operation);
}

/** Whether the operation declares any security requirement (an empty one means anonymous access). */
export function requiresToken(operation: Operation): boolean {
  const alternatives = operation.security ?? [];
  return alternatives.length > 0 && alternatives.every((schemes) => schemes.length > 0);
}

/** Whether the operation takes a body that must be JSON. */
export function takesJsonBody(operation: Operation): boolean {
  const contents = operation.request?.body?.contents ?? [];
  return contents.length > 0 && contents.every((content) => isJson(content.mediaType));
}
