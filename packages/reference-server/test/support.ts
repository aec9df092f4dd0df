import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deref as derefIn,
  dialectForPath,
  loadDocument,
  readApiDialects,
  type HeaderObject,
  type MaybeRef,
  type OperationObject,
  type ResponseObject,
} from '@org-membership-api/spec';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { expect } from 'vitest';
import { fixtures, mintToken, startServer, type RunningServer, type ServerOptions } from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// The contract (the bundle only) as a response validator.

const bundle = loadDocument();
const dialects = readApiDialects(bundle);
const deref = <T>(node: MaybeRef<T>): T => derefIn(bundle, node);

function inline(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inline);
  if (!node || typeof node !== 'object') return node;
  const resolved = deref(node as Record<string, unknown>);
  return Object.fromEntries(
    Object.entries(resolved)
      .filter(([key]) => key !== 'example' && key !== 'examples')
      .map(([key, value]) => [key, inline(value)]),
  );
}

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<object, ValidateFunction>();
function validator(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(inline(schema) as object);
    compiled.set(schema, fn);
  }
  return fn;
}

const errorSchema = (name: string) => bundle.components!.schemas![name] as object;
export const cfErrorSchema = errorSchema('CloudControllerError');
export const genericErrorSchema = errorSchema('GenericApiError');

const templates = Object.entries(bundle.paths).map(([template, item]) => ({
  template,
  regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  item,
}));

export function operationFor(method: string, pathname: string): OperationObject | undefined {
  const match = templates.find((t) => t.regex.test(pathname));
  return match?.item[method.toLowerCase() as 'put' | 'delete'];
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Fails the test unless the response is one the contract documents for this request. */
export function expectConforms(
  method: string,
  pathname: string,
  response: ApiResponse,
  { faultInjected = false } = {},
): void {
  const where = `${method} ${pathname} → ${response.status} ${response.text.slice(0, 200)}`;
  // 500 is documented but is a fault: only a test that injects one may see it.
  if (!faultInjected) expect(response.status, where).not.toBe(500);
  const operation = operationFor(method, pathname);
  if (!operation) {
    // Outside the contract: our documented choice is a 404 in the API's own error shape.
    expect(response.status, where).toBe(404);
    // Paths of neither API answer in the member API's shape (its current form, Problem Details).
    const dialect = dialectForPath(dialects, pathname);
    const schema = errorSchema(dialect?.errorSchema ?? 'GenericApiError');
    const validate = validator(schema);
    expect(validate(response.json), `${where} ${ajv.errorsText(validate.errors)}`).toBe(true);
    expect(response.headers.get('content-type'), where).toBe(
      dialect?.id === 'cloudController' ? 'application/json;charset=utf-8' : 'application/problem+json',
    );
    return;
  }
  const documented = operation.responses[String(response.status)];
  expect(documented, `${where}: status not documented`).toBeDefined();
  const spec = deref<ResponseObject>(documented!);
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    const resolved = deref<HeaderObject>(header);
    const value = response.headers.get(name);
    if (resolved.required) expect(value, `${where}: header ${name}`).not.toBeNull();
    if (value !== null) {
      const schema = inline(resolved.schema) as { type?: string };
      const typed = schema.type === 'integer' ? Number(value) : value;
      const validate = validator(resolved.schema!);
      expect(validate(typed), `${where}: header ${name}=${value} ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  }
  if (spec.content) {
    // The documented media type the answer names (application/json, application/problem+json
    // or, for Cloud Controller's rate limiter, text/plain), with the exact header we send.
    const contentType = response.headers.get('content-type') ?? '';
    const base = contentType.split(';')[0]!.trim();
    const media = spec.content[base];
    expect(media, `${where}: content type ${contentType} not documented`).toBeDefined();
    const exact: Record<string, string> = {
      'application/json': 'application/json;charset=utf-8',
      'application/problem+json': 'application/problem+json',
      'text/plain': 'text/plain; charset=utf-8',
    };
    expect(contentType, where).toBe(exact[base]);
    const validate = validator(media!.schema!);
    expect(validate(response.json), `${where} ${ajv.errorsText(validate.errors)}`).toBe(true);
  } else {
    expect(response.text, where).toBe('');
    expect(response.headers.get('content-type'), where).toBeNull();
    expect(response.headers.get('content-length'), where).toBeNull();
  }
  // Cloud Controller's rate limiter answers before the middleware that adds nosniff.
  if (pathname.startsWith('/v2/') && response.status !== 429) {
    expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
  }
}

// ---------------------------------------------------------------------------------------------
// Servers and requests.

export const secret = 'reference-server-test-secret';

export interface TestServer extends RunningServer {
  databasePath: string;
  call(method: string, path: string, init?: { headers?: Record<string, string>; body?: unknown }): Promise<ApiResponse>;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'reference-server-'));
  const databasePath = join(dir, 'test.db');
  const server = await startServer({ port: 0, seed: true, jwtSecret: secret, log: () => {}, databasePath, ...options });
  const close = server.close.bind(server);
  return {
    ...server,
    databasePath,
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
    async call(method, path, init = {}) {
      const body =
        init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      const response = await fetch(`${server.url}${path}`, { method, headers: init.headers, body });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const result = { status: response.status, headers: response.headers, text, json };
      expectConforms(method, new URL(path, 'http://x').pathname, result);
      return result;
    },
  };
}

export const tokens = {
  admin: () => mintToken({ secret, scopes: ['cloud_controller.admin'], userId: fixtures.adminUserId }),
  manager: () =>
    mintToken({
      secret,
      scopes: ['cloud_controller.write', 'cloud_controller.read'],
      userId: fixtures.userIds.orgManager,
    }),
  outsider: () =>
    mintToken({ secret, scopes: ['cloud_controller.write', 'cloud_controller.read'], userId: fixtures.outsiderUserId }),
  readOnlyManager: () => mintToken({ secret, scopes: ['cloud_controller.read'], userId: fixtures.userIds.orgManager }),
  member: () =>
    mintToken({ secret, scopes: ['update:org'], userId: fixtures.membersAdminUserId, orgId: fixtures.membersOrgId }),
};

export const bearer = (token: string, scheme = 'bearer'): Record<string, string> => ({
  Authorization: `${scheme} ${token}`,
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function cfError(response: ApiResponse): { description: string; error_code: string; code: number } {
  return response.json as { description: string; error_code: string; code: number };
}

/** A member API error in the current Problem Details form that keeps the older `code` and `message`. */
export function problemOf(code: string, message: string): Record<string, unknown> {
  return {
    type: expect.stringMatching(/^urn:aerospike:errors:[a-z-]+:[a-z-]+$/),
    title: expect.any(String),
    status: expect.any(Number),
    detail: message,
    code,
    message,
  };
}
