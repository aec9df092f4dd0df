import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import './lazy-faker.js';
import { createLogger } from '@stoplight/prism-core';
import {
  createInstance,
  NOT_FOUND,
  ProblemJsonError,
  type IHttpConfig,
  UNPROCESSABLE_ENTITY,
  type IHttpRequest,
  type IHttpResponse,
} from '@stoplight/prism-http';
// Prism's own reading of `Prefer` / `__code`; the package exports only its server, whose
// request pipeline this module replaces, so the helper is imported from its file.
import { getHttpConfigFromRequest } from '@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js';
import {
  apiPolicies,
  documentedResponse,
  exampleNames,
  loadOperations,
  lowestSuccess,
  policyFor,
  requiresToken,
  takesJsonBody,
  type DocumentedResponse,
  type ExampleRef,
  type Operation,
} from './contract.js';
import { createRouter } from './router.js';
import { serveStatic } from './static-files.js';

export interface MockOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 4010, 0 = any free port. */
  port?: number;
  /** Prism dynamic responses (generated from the schemas) instead of the contract's examples. */
  dynamic?: boolean;
  /** The bundled contract; default `<repo>/dist/openapi.json`. */
  specPath?: string;
  /** Receives one line per request (method, path, status, time). Off by default: it costs throughput. */
  log?: (line: string) => void;
}

export interface RunningMock {
  /** Base URL of the API (both APIs' paths are served from here). */
  url: string;
  /** The rendered docs: `${url}/docs/`. */
  docsUrl: string;
  /** The contract's operations, as served. */
  operations: Array<{ method: string; path: string; operationId: string | undefined }>;
  close(): Promise<void>;
}

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const defaultSpecPath = join(repoRoot, 'dist', 'openapi.json');

/** Bodies above this get an error at once (the rest is drained unread): a role change by username is under 1 KiB. */
export const maxBodyBytes = 64 * 1024;

type Reply = { status: number; headers: Record<string, string | number>; body: string | undefined };

const problem = (error: Error & { status?: number; additional?: { headers?: Record<string, string> } }): Reply => ({
  status: error.status ?? 500,
  headers: { 'Content-Type': 'application/problem+json', ...error.additional?.headers },
  body: JSON.stringify(ProblemJsonError.toProblemJson(error)),
});

const payloadTooLarge = (): Reply =>
  problem(
    ProblemJsonError.fromTemplate(
      { type: 'https://stoplight.io/prism/errors#PAYLOAD_TOO_LARGE', title: 'Request body too large', status: 413 },
      `The request body exceeds ${maxBodyBytes} bytes.`,
    ),
  );

/** A bearer token in any letter case (`bearer` is what the cf CLI sends). */
const bearerToken = /^bearer +\S/i;

/** Past this much, an oversized body is no longer drained but the connection closed. */
const maxDrainBytes = 16 * 1024 * 1024;

/**
 * Reads the body up to maxBodyBytes. Past that it settles at once with 'too-large' (so the
 * answer goes out without waiting) and drains the rest, so that the client is not reset
 * before it has read that answer.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxDrainBytes) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBodyBytes;
    if (tooLarge) resolve('too-large');
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxDrainBytes) req.socket.destroy();
      else if (!tooLarge && size > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve('too-large');
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function query(search: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  if (!search) return result;
  const params = new URLSearchParams(search);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = values.length === 1 ? values[0]! : values;
  }
  return result;
}

/** Starts the mock: Prism (embedded) behind a front layer that accepts what real clients send. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const specPath = options.specPath ?? defaultSpecPath;
  if (!existsSync(specPath)) {
    throw new Error(`${specPath} not found: run \`pnpm bundle\` (or \`npm start\`, which builds what is missing)`);
  }
  const operations = await loadOperations(specPath);
  const route = createRouter(operations);
  const log = options.log;

  // Every answer the front layer gives instead of Prism is taken from the contract up front,
  // so a contract change that drops one fails here and not on some later request.
  const prepared = new Map<Operation, Map<string, DocumentedResponse>>();
  for (const operation of operations) {
    const policy = policyFor(operation);
    if (!policy)
      throw new Error(
        `${operation.method.toUpperCase()} ${operation.path}: no API policy (known prefixes: ${apiPolicies.map((p) => p.pathPrefix).join(', ')})`,
      );
    const responses = new Map<string, DocumentedResponse>();
    if (takesJsonBody(operation) && !policy.invalidRequest)
      throw new Error(`${operation.iid}: takes a body but ${policy.name} has no error for an invalid one`);
    for (const ref of [policy.missingToken, policy.invalidPathParameter, policy.invalidRequest]) {
      if (!ref) continue;
      responses.set(`${ref.status}/${ref.example}`, documentedResponse(operation, ref));
    }
    prepared.set(operation, responses);
  }
  const documented = (operation: Operation, ref: ExampleRef): Reply =>
    prepared.get(operation)!.get(`${ref.status}/${ref.example}`)!;

  const config: IHttpConfig = {
    isProxy: false,
    validateRequest: true,
    // The mock answers with the contract's own examples; the contract tests check those.
    validateResponse: false,
    // Prism 5.14 refuses a lowercase `bearer` scheme; the front layer checks tokens instead.
    checkSecurity: false,
    errors: false,
    upstreamProxy: undefined,
    mock: { dynamic: options.dynamic ?? false },
  };
  const prism = createInstance(config, { logger: createLogger('MOCK', { level: 'silent' }) });

  async function answer(
    req: IncomingMessage,
    pathname: string,
    search: string,
  ): Promise<Reply & { violations?: string }> {
    const method = (req.method ?? 'GET').toLowerCase();
    const match = route(method, pathname);
    const operation = match?.operation;
    const policy = operation && policyFor(operation);

    const raw = await readBody(req);
    if (raw === 'too-large') {
      return operation && policy?.invalidRequest && takesJsonBody(operation)
        ? documented(operation, policy.invalidRequest)
        : payloadTooLarge();
    }
    if (operation && policy && requiresToken(operation) && !bearerToken.test(req.headers.authorization ?? '')) {
      return documented(operation, policy.missingToken);
    }

    const routedPath = match?.path ?? pathname;
    try {
      decodeURIComponent(routedPath);
    } catch {
      // Prism would throw URIError (a 500) on a broken percent-encoding.
      return operation && policy
        ? documented(operation, policy.invalidPathParameter)
        : problem(ProblemJsonError.fromTemplate(UNPROCESSABLE_ENTITY, 'The path is not valid percent-encoding.'));
    }

    let headers = req.headers as Record<string, string>;
    let body: unknown = raw.length > 0 ? raw.toString('utf8') : null;
    if (operation && !operation.request?.body) {
      // Like most servers, ignore a body the operation does not take (Prism would answer 415).
      body = null;
      const { 'content-type': _type, 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = headers;
      headers = rest;
    }
    const input: IHttpRequest = {
      method: method as IHttpRequest['method'],
      url: { path: routedPath, query: query(search) },
      headers,
      body,
    };
    if (operation && policy?.invalidRequest && takesJsonBody(operation) && raw.length > 0) {
      // Cloud Controller parses the body as JSON whatever the Content-Type says (its own
      // published examples send JSON as application/x-www-form-urlencoded).
      try {
        input.body = JSON.parse(input.body as string);
      } catch {
        return documented(operation, policy.invalidRequest);
      }
      input.headers = { ...headers, 'content-type': 'application/json' };
    }

    const preferences = getHttpConfigFromRequest(input);
    if (preferences._tag === 'Left') return problem(preferences.left);
    const { code, exampleKey } = preferences.right;
    if (operation && exampleKey !== undefined) {
      // Prism answers 500 (or silently another response) when the named example does not exist.
      const status = code ?? lowestSuccess(operation);
      const names = exampleNames(operation, status);
      if (!names.includes(exampleKey)) {
        const known = names.length ? `; its examples: ${names.join(', ')}.` : '; it has no examples.';
        return problem(
          ProblemJsonError.fromTemplate(
            NOT_FOUND,
            `Response ${status} of ${operation.iid} has no example named "${exampleKey}"${known}`,
          ),
        );
      }
    }
    const chosen = Object.fromEntries(Object.entries(preferences.right).filter(([, value]) => value !== undefined));
    // Prism routes over the operations it is given: handing it only this path's saves most of its time.
    const candidates = operation ? [operation] : (match?.pathOperations ?? operations);
    const result = await prism.request(input, candidates, { ...config, mock: { ...config.mock, ...chosen } })();
    if (result._tag === 'Left') return problem(result.left);

    const { output, validations } = result.right;
    const errors = validations.input.filter((v) => v.severity === 0);
    if (operation && policy && errors.length > 0) {
      const ref = errors.some((e) => e.path?.[0] === 'path') ? policy.invalidPathParameter : policy.invalidRequest;
      const violations = JSON.stringify(
        errors.map((e) => ({ location: ['request', ...(e.path ?? [])], code: e.code, message: e.message })),
      );
      // Without a policy for this kind of error, Prism's own pick (the first 400 example) stands.
      if (ref) return { ...documented(operation, ref), violations };
      return { ...reply(output), violations };
    }
    return reply(output);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = log ? performance.now() : 0;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? '' : url.slice(q + 1);
    if (serveStatic(req, res, pathname, specPath)) return;

    const origin = req.headers.origin;
    if (origin && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204, {
        ...corsHeaders(req),
        'Access-Control-Allow-Methods': req.headers['access-control-request-method'],
        Vary: 'origin',
        'Content-Length': '0',
      });
      res.end();
      return;
    }

    let reply: Reply & { violations?: string };
    try {
      reply = await answer(req, pathname, search);
    } catch (error) {
      reply = problem(error instanceof Error ? error : new Error(String(error)));
    }
    const headers: Record<string, string | number> = origin
      ? { ...reply.headers, ...corsHeaders(req) }
      : { ...reply.headers };
    if (reply.violations) headers['sl-violations'] = reply.violations;
    if (Number(req.headers['content-length'] ?? 0) > maxDrainBytes) headers.Connection = 'close';
    headers['Content-Length'] = reply.body === undefined ? 0 : Buffer.byteLength(reply.body);
    res.writeHead(reply.status, headers);
    res.end(reply.body);
    if (log) {
      const ms = (performance.now() - started).toFixed(2);
      log(`${req.method} ${pathname} ${reply.status} ${ms} ms${reply.violations ? ` ${reply.violations}` : ''}`);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    docsUrl: `${url}/docs/`,
    operations: operations.map((op) => ({ method: op.method.toUpperCase(), path: op.path, operationId: op.iid })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections go now; requests in flight get a moment to finish.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}

/** Prism's answer as sent: no body and no content type on 204. */
function reply(output: IHttpResponse): Reply {
  const { 'Content-type': contentType, ...headers } = (output.headers ?? {}) as Record<string, string | number>;
  if (output.statusCode === 204 || output.body === undefined)
    return { status: output.statusCode, headers, body: undefined };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return {
    status: output.statusCode,
    headers,
    body: typeof output.body === 'string' ? output.body : JSON.stringify(output.body),
  };
}

/** What Prism's own server sends for cross-origin requests (browsers send `Origin`). */
function corsHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Headers': (req.headers['access-control-request-headers'] as string | undefined) ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': '*',
  };
}
