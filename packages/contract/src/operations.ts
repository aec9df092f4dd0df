// The contract's operations as the credential-free checks and the fuzzer read them: resolved
// parameters, request body schema and examples, documented statuses, and the API dialect.
import {
  deref,
  dialectForPath,
  errorsForOperation,
  readApiDialects,
  type ApiDialect,
  type DialectErrors,
  type ErrorExampleRef,
  type OpenApiDocument,
} from '@org-membership-api/spec';
import type { ContractEnv } from './env.js';

/** A JSON Schema node of the bundle (local `$ref`s resolved on demand). */
export type Schema = Record<string, unknown>;

export interface OperationParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
  example: unknown;
}

export interface ContractOperation {
  method: string;
  path: string;
  operationId: string;
  dialect: ApiDialect;
  /** The operation asks for credentials (its security requirement is not empty). */
  needsToken: boolean;
  /** What its credentials are: a bearer token, or HTTP Basic client credentials (UAA's token endpoint). */
  credentials: 'bearer' | 'basic';
  /** The dialect's answers to the kinds of rejected requests this operation can meet (errorsForOperation). */
  errors: DialectErrors;
  parameters: OperationParameter[];
  /** The JSON request body, if the operation takes one. */
  body: { required: boolean; schema: Schema; examples: unknown[] } | undefined;
  /** Documented statuses, as numbers (ranges such as 4XX as their first status). */
  statuses: number[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface RawOperation {
  operationId?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** Every operation of the bundle that belongs to a dialect of the contract. */
export function contractOperations(spec: OpenApiDocument): ContractOperation[] {
  const dialects = readApiDialects(spec as unknown as Record<string, unknown>);
  const documentSecurity = (spec as unknown as { security?: unknown[] }).security ?? [];
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, { type?: string; scheme?: string }>;
  const result: ContractOperation[] = [];
  for (const [path, rawItem] of Object.entries(spec.paths)) {
    const item = deref(spec, rawItem) as unknown as Record<string, RawOperation> & { parameters?: unknown[] };
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const dialect = dialectForPath(dialects, path);
      if (!dialect) continue;
      const parameters = new Map<string, OperationParameter>();
      for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        const parameter = deref(spec, raw) as {
          name: string;
          in: OperationParameter['in'];
          required?: boolean;
          schema?: Schema;
          example?: unknown;
        };
        parameters.set(`${parameter.in} ${parameter.name}`, {
          name: parameter.name,
          in: parameter.in,
          required: parameter.required === true,
          schema: parameter.schema ?? {},
          example: parameter.example,
        });
      }
      const requestBody = deref(spec, operation.requestBody) as
        | { required?: boolean; content?: Record<string, { schema?: Schema; examples?: Record<string, unknown> }> }
        | undefined;
      const jsonMedia = Object.entries(requestBody?.content ?? {}).find(([type]) => /json/i.test(type))?.[1];
      const security = (operation.security ?? documentSecurity) as Array<Record<string, unknown>>;
      const secured = security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0);
      const traits = {
        secured,
        pathParameters: [...parameters.values()].some((parameter) => parameter.in === 'path'),
        input: requestBody !== undefined || [...parameters.values()].some((parameter) => parameter.in === 'query'),
      };
      const basic = security.some((requirement) =>
        Object.keys(requirement).some((name) => {
          const scheme = schemes[name];
          return scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'basic';
        }),
      );
      result.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method.toUpperCase()} ${path}`,
        dialect,
        needsToken: secured,
        credentials: basic ? 'basic' : 'bearer',
        errors: errorsForOperation(dialect, path, traits, operation),
        parameters: [...parameters.values()],
        body: jsonMedia
          ? {
              required: requestBody?.required === true,
              schema: jsonMedia.schema ?? {},
              examples: Object.values(jsonMedia.examples ?? {}).map(
                (example) => (deref(spec, example) as { value?: unknown }).value,
              ),
            }
          : undefined,
        statuses: Object.keys(operation.responses ?? {})
          .map((status) => Number(status.replace(/XX$/i, '00')))
          .filter(Number.isFinite),
      });
    }
  }
  return result;
}

/** The value of a documented example (`status` of the operation, example `name`), if the contract has it. */
export function documentedExample(
  spec: OpenApiDocument,
  operation: Pick<ContractOperation, 'method' | 'path'>,
  ref: ErrorExampleRef,
): unknown {
  const raw = (spec.paths[operation.path] as Record<string, RawOperation> | undefined)?.[
    operation.method.toLowerCase()
  ];
  const response = deref(spec, raw?.responses?.[String(ref.status)]) as
    { content?: Record<string, { examples?: Record<string, unknown> }> } | undefined;
  for (const media of Object.values(response?.content ?? {})) {
    const example = media.examples?.[ref.example];
    if (example !== undefined) return (deref(spec, example) as { value?: unknown }).value;
  }
  return undefined;
}

/** The token the checks send to a dialect's operations (the one with every scope they need). */
export function tokenOf(dialect: ApiDialect, env: ContractEnv): string | undefined {
  return dialect.id === 'members' ? env.membersToken : env.cfAdminToken;
}

/** The environment variable that holds that token. */
export function tokenVariableOf(dialect: ApiDialect): string {
  return dialect.id === 'members' ? 'MEMBERS_TOKEN' : 'CF_ADMIN_TOKEN';
}

/** The path with every path parameter filled by `values` (else its example), each percent-encoded. */
export function concretePath(
  operation: ContractOperation,
  values: Record<string, string> = {},
  query: Record<string, string> = {},
): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const parameter = operation.parameters.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(values[name] ?? String(parameter?.example ?? name));
  });
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}
