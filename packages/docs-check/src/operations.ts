// Reads the operations, and the example values a reader must be able to see, from a bundle
// (dist/openapi.json). The browser check derives everything it looks for from here.

export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { examples?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface BundleOperation {
  operationId: string;
  method: string; // upper case, e.g. PUT
  path: string;
  summary: string;
  tag: string | undefined;
  /** Values from the operation's published examples (path parameters and the first request example). */
  exampleValues: string[];
  /** Per response status, the titles of its named examples (what the example picker lists). */
  responseExamples: Array<{ status: string; titles: string[]; firstValues: string[] }>;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `#/components/...` reference once (the bundle keeps examples as refs). */
export function resolveRef(doc: OpenApiDocument, value: unknown): unknown {
  if (!isRecord(value) || typeof value.$ref !== 'string') return value;
  const pointer = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (const key of pointer) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function scalarLeaves(value: unknown, out: string[]): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const item of value) scalarLeaves(item, out);
  else if (isRecord(value)) for (const item of Object.values(value)) scalarLeaves(item, out);
}

function firstExampleValue(doc: OpenApiDocument, mediaType: unknown): unknown {
  if (!isRecord(mediaType)) return undefined;
  if ('example' in mediaType) return mediaType.example;
  if (!isRecord(mediaType.examples)) return undefined;
  const first = resolveRef(doc, Object.values(mediaType.examples)[0]);
  return isRecord(first) ? first.value : undefined;
}

export function listOperations(doc: OpenApiDocument): BundleOperation[] {
  const operations: BundleOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const exampleValues: string[] = [];
      const parameters = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ];
      for (const raw of parameters) {
        const parameter = resolveRef(doc, raw);
        if (isRecord(parameter) && parameter.in === 'path' && parameter.example !== undefined)
          scalarLeaves(parameter.example, exampleValues);
      }
      const requestBody = resolveRef(doc, operation.requestBody);
      if (isRecord(requestBody) && isRecord(requestBody.content)) {
        scalarLeaves(firstExampleValue(doc, Object.values(requestBody.content)[0]), exampleValues);
      }
      const responseExamples: BundleOperation['responseExamples'] = [];
      for (const [status, raw] of Object.entries(isRecord(operation.responses) ? operation.responses : {})) {
        const response = resolveRef(doc, raw);
        const mediaType =
          isRecord(response) && isRecord(response.content) ? Object.values(response.content)[0] : undefined;
        if (!isRecord(mediaType) || !isRecord(mediaType.examples)) continue;
        const examples = Object.entries(mediaType.examples).map(
          ([name, example]) => [name, resolveRef(doc, example)] as const,
        );
        const titles = examples.map(([name, example]) =>
          isRecord(example) && typeof example.summary === 'string' ? example.summary : name,
        );
        const firstValues: string[] = [];
        const first = examples[0]?.[1];
        if (isRecord(first)) scalarLeaves(first.value, firstValues);
        responseExamples.push({ status, titles, firstValues });
      }
      operations.push({
        operationId: String(operation.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        summary: String(operation.summary ?? ''),
        tag: Array.isArray(operation.tags) ? String(operation.tags[0]) : undefined,
        exampleValues,
        responseExamples,
      });
    }
  }
  return operations;
}

/** A copy of the bundle without one operation (for proving the browser check notices). */
export function withoutOperation(doc: OpenApiDocument, operationId: string): OpenApiDocument {
  const copy = structuredClone(doc);
  for (const item of Object.values(copy.paths ?? {})) {
    for (const method of methods) {
      const operation = item[method];
      if (isRecord(operation) && operation.operationId === operationId) delete item[method];
    }
  }
  return copy;
}
