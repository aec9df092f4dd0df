// The operations of a bundle with everything resolved that their readers need: parameters,
// request body and documented responses (headers, content types, named examples with their
// values). The mock, the contract checks, the docs check and the benchmarks all list
// operations from here, so that a new path file in openapi/ reaches them as data.
import { deref } from './deref.cjs';
import {
  dialectForPath,
  errorsForOperation,
  readApiDialects,
  type ApiDialect,
  type DialectErrors,
} from './dialects.js';
import {
  httpMethods,
  type ExampleObject,
  type HeaderObject,
  type MaybeRef,
  type MediaTypeObject,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type RequestBodyObject,
  type ResponseObject,
  type Schema,
  type SecurityRequirement,
  type ServerObject,
} from './document.js';

export interface NamedExample {
  name: string;
  summary: string | undefined;
  value: unknown;
}

export interface DocumentedContent {
  mediaType: string;
  schema: MaybeRef<Schema> | undefined;
  /** Named examples in the contract's order; a single `example` is named `example`. */
  examples: NamedExample[];
}

export interface DocumentedHeader {
  name: string;
  required: boolean;
  schema: MaybeRef<Schema> | undefined;
  example: unknown;
}

export interface DocumentedResponse {
  /** As the contract writes it: `201`, `4XX`, `default`. */
  status: string;
  description: string;
  headers: DocumentedHeader[];
  content: DocumentedContent[];
}

export interface ContractOperation {
  /** Upper case: `PUT`. */
  method: string;
  /** The path template as the contract spells it: `/v2/organizations/{guid}/users`. */
  path: string;
  /** The operationId, or `METHOD path` when there is none. */
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  /** The operation's own requirement, else the document's (an empty list: anonymous). */
  security: SecurityRequirement[];
  /** The operation's servers, else its path's, else the document's. */
  servers: ServerObject[];
  /** The path's and the operation's parameters (the operation's win), resolved. */
  parameters: ParameterObject[];
  requestBody: { required: boolean; content: DocumentedContent[] } | undefined;
  responses: DocumentedResponse[];
  /** The API family the path belongs to (`x-api-dialects`); undefined when none claims it. */
  dialect: ApiDialect | undefined;
  /** The dialect's documented answers to the kinds of rejected requests this operation can meet (errorsForOperation). */
  errors: DialectErrors;
  /** The operation object as the bundle holds it (references unresolved, `x-` extensions kept). */
  object: OperationObject;
}

function examplesOf(document: OpenApiDocument, media: MediaTypeObject): NamedExample[] {
  if (media.examples) {
    return Object.entries(media.examples).map(([name, raw]) => {
      const example = deref<ExampleObject>(document, raw) ?? {};
      return { name, summary: example.summary, value: example.value };
    });
  }
  return media.example === undefined ? [] : [{ name: 'example', summary: undefined, value: media.example }];
}

function contentOf(document: OpenApiDocument, content: Record<string, MediaTypeObject> = {}): DocumentedContent[] {
  return Object.entries(content).map(([mediaType, media]) => ({
    mediaType,
    schema: media.schema,
    examples: examplesOf(document, media),
  }));
}

function responseOf(document: OpenApiDocument, status: string, raw: MaybeRef<ResponseObject>): DocumentedResponse {
  const response = deref<ResponseObject>(document, raw);
  return {
    status,
    description: response.description,
    headers: Object.entries(response.headers ?? {}).map(([name, rawHeader]) => {
      const header = deref<HeaderObject>(document, rawHeader);
      return { name, required: header.required === true, schema: header.schema, example: header.example };
    }),
    content: contentOf(document, response.content),
  };
}

function parametersOf(document: OpenApiDocument, ...lists: Array<Array<MaybeRef<ParameterObject>> | undefined>) {
  const byKey = new Map<string, ParameterObject>();
  for (const list of lists)
    for (const raw of list ?? []) {
      const parameter = deref<ParameterObject>(document, raw);
      byKey.set(`${parameter.in} ${parameter.name}`, parameter);
    }
  return [...byKey.values()];
}

/** Every operation of the bundle, in the order of its paths and of the HTTP methods. */
export function listOperations(document: OpenApiDocument): ContractOperation[] {
  const dialects = readApiDialects(document);
  const operations: ContractOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of httpMethods) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const requestBody = operation.requestBody && deref<RequestBodyObject>(document, operation.requestBody);
      const parameters = parametersOf(document, item.parameters, operation.parameters);
      const security = operation.security ?? document.security ?? [];
      const dialect = dialectForPath(dialects, path);
      const traits = {
        secured: security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0),
        pathParameters: parameters.some((parameter) => parameter.in === 'path'),
        input: requestBody !== undefined || parameters.some((parameter) => parameter.in === 'query'),
      };
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method.toUpperCase()} ${path}`,
        summary: operation.summary ?? '',
        description: operation.description ?? '',
        tags: operation.tags ?? [],
        deprecated: operation.deprecated === true,
        security,
        servers: operation.servers ?? item.servers ?? document.servers ?? [],
        parameters,
        requestBody: requestBody && {
          required: requestBody.required === true,
          content: contentOf(document, requestBody.content),
        },
        responses: Object.entries(operation.responses ?? {}).map(([status, raw]) => responseOf(document, status, raw)),
        dialect,
        errors: dialect ? errorsForOperation(dialect, path, traits, operation) : {},
        object: operation,
      });
    }
  }
  return operations;
}

/** The documented response of `status`, or undefined. */
export function responseFor(operation: ContractOperation, status: number | string): DocumentedResponse | undefined {
  return operation.responses.find((response) => response.status === String(status));
}

const isJson = (mediaType: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(mediaType);

/** The JSON content of a response or request body (the first JSON media type), if any. */
export function jsonContent(content: DocumentedContent[]): DocumentedContent | undefined {
  return content.find((entry) => isJson(entry.mediaType));
}

/**
 * The value of the named example of response `status`, or undefined: from its JSON content, else
 * from its only other one (Cloud Controller's 429 is a JSON body sent as text/plain).
 */
export function exampleValue(operation: ContractOperation, status: number | string, name: string): unknown {
  const response = responseFor(operation, status);
  const content = response && (jsonContent(response.content) ?? response.content[0]);
  return content?.examples.find((example) => example.name === name)?.value;
}

const isForm = (mediaType: string) => /^application\/x-www-form-urlencoded\b/i.test(mediaType);

/** An example value as the body of its media type: a form's fields URL-encoded, else JSON or the text itself. */
function bodyText(mediaType: string, value: unknown): string {
  if (typeof value === 'string' && !isJson(mediaType)) return value;
  if (isForm(mediaType) && typeof value === 'object' && value !== null && !Array.isArray(value))
    return new URLSearchParams(Object.entries(value).map(([key, field]) => [key, String(field)])).toString();
  return JSON.stringify(value);
}

/** The statuses of the documented successes (2xx), lowest first. */
export function successStatuses(operation: ContractOperation): number[] {
  return operation.responses
    .map((response) => Number(response.status))
    .filter((status) => status >= 200 && status < 300)
    .sort((a, b) => a - b);
}

export interface ExampleRequest {
  /** The path with every path parameter replaced by its example (percent-encoded). */
  path: string;
  /** Query parameters that have an example. */
  query: Record<string, string>;
  /** The first example of the request body, serialized, with its media type. */
  body: { mediaType: string; text: string } | undefined;
}

/** A request the contract itself shows for `operation`: parameter examples and the first body example. */
export function exampleRequest(operation: ContractOperation): ExampleRequest {
  const parameters = new Map(operation.parameters.map((parameter) => [`${parameter.in} ${parameter.name}`, parameter]));
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const example = parameters.get(`path ${name}`)?.example;
    if (example === undefined) throw new Error(`${operation.operationId}: path parameter ${name} has no example`);
    return encodeURIComponent(String(example));
  });
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters)
    if (parameter.in === 'query' && parameter.example !== undefined) query[parameter.name] = String(parameter.example);
  const content = operation.requestBody?.content ?? [];
  const media = jsonContent(content) ?? content[0];
  const first = media?.examples[0];
  const body =
    media && first
      ? {
          mediaType: media.mediaType,
          text: bodyText(media.mediaType, first.value),
        }
      : undefined;
  return { path, query, body };
}
