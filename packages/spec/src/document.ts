// The bundle (dist/openapi.json) as the workspace reads it: one type for the document and
// one loader. Only what the workspace reads is typed; every object may carry more.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Reference } from './deref.cjs';
import { paths } from './paths.js';

export type { Reference } from './deref.cjs';

/** A node that may be a `$ref` to a component of the same document. */
export type MaybeRef<T> = T | Reference;

export type Schema = Record<string, unknown>;

export interface ExampleObject {
  summary?: string;
  description?: string;
  value?: unknown;
}

export interface MediaTypeObject {
  schema?: MaybeRef<Schema>;
  example?: unknown;
  examples?: Record<string, MaybeRef<ExampleObject>>;
}

export interface HeaderObject {
  description?: string;
  required?: boolean;
  schema?: MaybeRef<Schema>;
  example?: unknown;
}

export interface ParameterObject extends HeaderObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, MaybeRef<HeaderObject>>;
  content?: Record<string, MediaTypeObject>;
}

export interface ServerObject {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  security?: SecurityRequirement[];
  servers?: ServerObject[];
  parameters?: Array<MaybeRef<ParameterObject>>;
  requestBody?: MaybeRef<RequestBodyObject>;
  responses: Record<string, MaybeRef<ResponseObject>>;
  [extension: `x-${string}`]: unknown;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof httpMethods)[number];

export type PathItemObject = { [method in HttpMethod]?: OperationObject } & {
  summary?: string;
  description?: string;
  servers?: ServerObject[];
  parameters?: Array<MaybeRef<ParameterObject>>;
};

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [key: string]: unknown };
  servers?: ServerObject[];
  security?: SecurityRequirement[];
  tags?: Array<{ name: string; description?: string; [key: string]: unknown }>;
  paths: Record<string, PathItemObject>;
  components?: {
    schemas?: Record<string, MaybeRef<Schema>>;
    responses?: Record<string, MaybeRef<ResponseObject>>;
    parameters?: Record<string, MaybeRef<ParameterObject>>;
    examples?: Record<string, MaybeRef<ExampleObject>>;
    requestBodies?: Record<string, MaybeRef<RequestBodyObject>>;
    headers?: Record<string, MaybeRef<HeaderObject>>;
    securitySchemes?: Record<string, unknown>;
    [kind: string]: Record<string, unknown> | undefined;
  };
  [extension: `x-${string}`]: unknown;
}

/**
 * Reads a bundle (default: this repository's `dist/openapi.json`, which `pnpm bundle`
 * writes); a `.yaml` or `.yml` file is read as YAML.
 */
export function loadDocument(path: string = paths.bundleJson): OpenApiDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${path} not found: run \`pnpm bundle\` (or \`pnpm check\`)`);
    throw error;
  }
  return (/\.ya?ml$/i.test(path) ? parse(text) : JSON.parse(text)) as OpenApiDocument;
}
