// Checks that need no fixtures, run against any server: every operation without a token, with
// a malformed token and with another scheme; a route that is no operation; and, with only the
// dialect's token, what a token alone can provoke (malformed path parameter, malformed body,
// unknown username). Expected answers come from the contract's dialect table and examples.
import { defaultUnknownOrgGuid, defaultUnknownUsername, type ContractEnv } from './env.js';
import { deref, type ErrorExampleRef, type OpenApiDocument } from '@org-membership-api/spec';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import {
  concretePath,
  contractOperations,
  documentedExample,
  tokenOf,
  tokenVariableOf,
  type ContractOperation,
} from './operations.js';
import { garbageToken, type Target } from './plan.js';
import { describeNetworkError, send, type PlainRequest } from './send.js';
import type { StrictValidator } from './validator.js';
import type { CheckResult } from './workflows.js';

export const credentialFreeSuite = 'Credential-free and token-only checks';

/** A value no path parameter of the contract accepts (not a uuid, not a number). */
export const malformedPathValue = 'not-a-valid-id';
const malformedJson = '{"username": "user@example.com"';
export const basicCredentials = `Basic ${Buffer.from('contract-checks:not-a-password').toString('base64')}`;

interface Expectation {
  status: number;
  /** `error_code` the answer must carry (from the documented example), if it has one. */
  errorCode?: string;
  /** The answer is checked against this component schema instead of an operation (routes outside the contract). */
  schema?: string;
  requestIdHeader?: string;
}

interface Check {
  name: string;
  operation: ContractOperation | undefined;
  request: PlainRequest;
  expect: Expectation;
  skip?: string;
}

function errorCodeOf(value: unknown): string | undefined {
  const code = (value as { error_code?: unknown } | undefined)?.error_code;
  return typeof code === 'string' ? code : undefined;
}

/** The request of the operation's first example, with the path parameters and body given. */
function exampleRequest(
  operation: ContractOperation,
  options: { authorization?: string; pathValues?: Record<string, string>; body?: string } = {},
): PlainRequest {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers['Authorization'] = options.authorization;
  let body = options.body;
  if (body === undefined && operation.body) {
    const example = operation.body.examples[0];
    if (example !== undefined) body = JSON.stringify(example);
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    method: operation.method,
    path: concretePath(operation, options.pathValues),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function planChecks(spec: OpenApiDocument, target: Target, env: ContractEnv): Check[] {
  const checks: Check[] = [];
  const operations = contractOperations(spec);
  const expectation = (operation: ContractOperation, ref: ErrorExampleRef | undefined): Expectation | undefined => {
    if (!ref || !operation.statuses.includes(ref.status)) return undefined;
    const errorCode = errorCodeOf(documentedExample(spec, operation, ref));
    return { status: ref.status, ...(errorCode ? { errorCode } : {}) };
  };

  for (const operation of operations) {
    const { dialect, errors } = operation;
    const label = (what: string) => `${operation.operationId}: ${what}`;
    if (operation.needsToken && operation.credentials === 'basic') {
      // UAA's token endpoint takes the client's Basic credentials: a bearer token is the other scheme.
      const missing = expectation(operation, errors.missingToken);
      if (missing) {
        checks.push({
          name: label('no client credentials'),
          operation,
          request: exampleRequest(operation),
          expect: missing,
        });
        checks.push({
          name: label('a bearer token instead of client credentials'),
          operation,
          request: exampleRequest(operation, { authorization: `Bearer ${garbageToken}` }),
          expect: missing,
        });
      }
    } else if (operation.needsToken) {
      const missing = expectation(operation, errors.missingToken);
      const invalid = expectation(operation, errors.invalidToken);
      if (missing) {
        checks.push({ name: label('no token'), operation, request: exampleRequest(operation), expect: missing });
        checks.push({
          name: label('Basic credentials instead of a bearer token'),
          operation,
          request: exampleRequest(operation, { authorization: basicCredentials }),
          expect: missing,
        });
      }
      if (invalid) {
        const request = exampleRequest(operation, { authorization: `Bearer ${garbageToken}` });
        // The mock accepts any bearer token: ask it for the documented answer.
        if (target === 'mock')
          request.headers['Prefer'] = `code=${invalid.status}, example=${errors.invalidToken!.example}`;
        checks.push({ name: label('malformed bearer token'), operation, request, expect: invalid });
      }
    }

    // What the dialect's token alone provokes.
    const token = tokenOf(dialect, env) ?? (target === 'mock' ? 'contract-checks' : undefined);
    const needsToken = `needs ${tokenVariableOf(dialect)}`;
    const authorization = token === undefined ? undefined : `bearer ${token}`;
    const withToken = (name: string, request: PlainRequest, expect: Expectation | undefined) => {
      if (!expect) return;
      checks.push({
        name: label(name),
        operation,
        request,
        expect,
        ...(authorization === undefined ? { skip: needsToken } : {}),
      });
    };
    const usernameProperty = (operation.body?.schema && bodyProperties(spec, operation.body.schema)) ?? {};
    const takesUsername = 'username' in usernameProperty;
    // Cloud Controller looks the user up before the organization: only a known user reaches the guid.
    const knownUser = dialect.id === 'cloudController' ? env.cfUsername : undefined;
    const userBody = (username: string) => JSON.stringify({ username });
    // Only a value the parameter's schema refuses is malformed: a user guid or a flag name may
    // be any string, and which of those exist only a server with fixtures can tell.
    const malformable = operation.parameters.filter(
      (p) => p.in === 'path' && !accepts(spec, p.schema, malformedPathValue),
    );
    for (const parameter of malformable) {
      const documented = expectation(operation, errors.invalidPathParameter);
      if (!documented) continue;
      const known = !takesUsername || knownUser !== undefined;
      withToken(
        `malformed ${parameter.name}`,
        exampleRequest(operation, {
          ...(authorization === undefined ? {} : { authorization }),
          pathValues: { [parameter.name]: malformedPathValue },
          ...(takesUsername ? { body: userBody(knownUser ?? env.cfUnknownUsername ?? defaultUnknownUsername) } : {}),
        }),
        // Without a known user the lookup of the user answers first, with the same status.
        known ? documented : { status: documented.status },
      );
    }
    const unknownOrg = { guid: env.cfUnknownOrgGuid ?? defaultUnknownOrgGuid };
    if (operation.body) {
      withToken(
        'malformed JSON body',
        exampleRequest(operation, {
          ...(authorization === undefined ? {} : { authorization }),
          pathValues: unknownOrg,
          body: malformedJson,
        }),
        expectation(operation, errors.invalidRequest),
      );
    }
    if (takesUsername && operation.needsToken) {
      // The user lookup comes before the organization's: an unknown user on an unknown organization is UserNotFound.
      const userNotFound = { status: 404, example: 'UserNotFound' };
      const documented = documentedExample(spec, operation, userNotFound) === undefined ? undefined : userNotFound;
      const request = exampleRequest(operation, {
        ...(authorization === undefined ? {} : { authorization }),
        pathValues: unknownOrg,
        body: userBody(env.cfUnknownUsername ?? defaultUnknownUsername),
      });
      // The mock holds no users: ask it for the documented answer.
      if (target === 'mock' && documented) request.headers['Prefer'] = `code=404, example=${documented.example}`;
      withToken('unknown username', request, expectation(operation, documented));
    }
  }

  // A route that is no operation, in each dialect's own error shape.
  const dialects = [...new Map(operations.map((o) => [o.dialect.id, o.dialect])).values()];
  for (const dialect of dialects) {
    const prefix = dialect.pathPrefixes[0]!;
    checks.push({
      name: `${dialect.name}: unknown route`,
      operation: undefined,
      request: { method: 'GET', path: `${prefix}contract-checks-no-such-route`, headers: {} },
      // The mock answers routes outside the contract with Prism's own problem+json: only the status is checked there.
      expect:
        target === 'mock'
          ? { status: dialect.unknownRoute.status }
          : {
              status: dialect.unknownRoute.status,
              ...(errorCodeOf(dialect.unknownRoute.body) ? { errorCode: errorCodeOf(dialect.unknownRoute.body)! } : {}),
              schema: dialect.errorSchema,
              requestIdHeader: dialect.requestIdHeader,
            },
    });
  }
  return checks;
}

const schemaChecker = new Ajv({ strict: false });
addFormatsPlugin.default(schemaChecker);

/** Whether `value` (a path segment, so a string) meets the parameter's schema. */
function accepts(spec: OpenApiDocument, schema: Record<string, unknown>, value: string): boolean {
  const resolved = deref(spec, schema);
  const type = resolved['type'];
  // A number or boolean parameter never takes letters.
  if (type === 'integer' || type === 'number' || type === 'boolean') return false;
  return schemaChecker.validate(resolved, value);
}

function bodyProperties(spec: OpenApiDocument, schema: Record<string, unknown>): Record<string, unknown> | undefined {
  const resolved = deref(spec, schema);
  return resolved['properties'] as Record<string, unknown> | undefined;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Runs the checks one after another (they are few); each answer is also validated against the contract. */
export async function runCredentialFreeChecks(options: {
  server: string;
  target: Target;
  env: ContractEnv;
  spec: OpenApiDocument;
  validator: StrictValidator;
}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of planChecks(options.spec, options.target, options.env)) {
    const base = { name: check.name, suite: credentialFreeSuite };
    if (check.skip) {
      results.push({ ...base, outcome: 'skipped', messages: [check.skip] });
      continue;
    }
    let response;
    try {
      response = await send(options.server, check.request);
    } catch (error) {
      results.push({ ...base, outcome: 'failed', messages: [`no HTTP response: ${describeNetworkError(error)}`] });
      continue;
    }
    const messages: string[] = [];
    if (check.operation) {
      messages.push(
        ...options.validator.validate({
          method: check.operation.method,
          path: check.operation.path,
          status: response.status,
          headers: response.headers,
          body: response.body,
        }),
      );
    }
    const rateLimited =
      response.status === check.operation?.errors.rateLimited?.status && check.expect.status !== response.status;
    if (rateLimited && messages.length === 0) {
      results.push({
        ...base,
        outcome: 'skipped',
        messages: [`rate limited (${response.status}): the server's limit was used up before this check`],
      });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status !== check.expect.status)
      messages.push(`status ${response.status}, expected ${check.expect.status} (${response.body.slice(0, 200)})`);
    else if (check.expect.errorCode && errorCodeOf(parsed) !== check.expect.errorCode)
      messages.push(`error_code ${JSON.stringify(errorCodeOf(parsed))}, expected ${check.expect.errorCode}`);
    if (!check.operation && check.expect.schema) {
      if (parsed === undefined) messages.push(`body is not JSON (${response.body.slice(0, 100)})`);
      else messages.push(...options.validator.validateComponent(check.expect.schema, parsed));
      if (check.expect.requestIdHeader && !headerValue(response.headers, check.expect.requestIdHeader))
        messages.push(`missing header ${check.expect.requestIdHeader}`);
    }
    const request = `${check.request.method} ${check.request.path}`;
    results.push({
      ...base,
      outcome: messages.length > 0 ? 'failed' : 'passed',
      messages: messages.map((message) => `${request}: ${message}`),
      expectedStatus: check.expect.status,
      actualStatus: response.status,
      ...(headerValue(response.headers, 'sl-violations') !== undefined ? { mockSigns: true } : {}),
    });
  }
  return results;
}
