import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The bundled contract (`pnpm bundle` writes it; `pnpm check` runs before the tests). */
export function loadBundle(): OpenApiDocument {
  return JSON.parse(readFileSync(`${repoRoot}dist/openapi.json`, 'utf8')) as OpenApiDocument;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  parameters?: Array<Record<string, unknown>>;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export interface MediaType {
  schema: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

export interface Response {
  description: string;
  headers?: Record<string, { schema: Record<string, unknown>; example?: unknown; required?: boolean }>;
  content?: Record<string, MediaType>;
}

/** Resolves local `#/...` references of the bundle (the bundle keeps components as refs). */
export function deref<T>(doc: OpenApiDocument, node: T): T {
  let current: unknown = node;
  while (current && typeof current === 'object' && '$ref' in current) {
    const ref = (current as { $ref: string }).$ref;
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], doc);
  }
  return current as T;
}

export function operations(doc: OpenApiDocument): Operation[] {
  const result: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of httpMethods) {
      const op = item[method] as Omit<Operation, 'method' | 'path'> | undefined;
      if (op) result.push({ ...op, method: method.toUpperCase(), path });
    }
  }
  return result;
}
