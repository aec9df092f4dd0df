import { contractEnvVariables, defaultUnknownOrgGuid, defaultUnknownUsername, type ContractEnv } from './env.js';

export type Target = 'mock' | 'server';

/** What the hooks do with one Dredd transaction (one documented response of one operation). */
export interface TransactionPlan {
  /** `${METHOD} ${path template} ${status}`: how the hooks find the plan of a transaction. */
  key: string;
  /** Shown in reports: operationId, status and the example the request provokes. */
  name: string;
  operationId: string;
  method: string;
  path: string;
  status: number;
  /** The named example of the response this request provokes, if any. */
  example?: string;
  /** Set: the transaction is skipped, with this reason. */
  skip?: string;
  request?: {
    /** Another base URL than the server under test (e.g. an instance whose identity service is down). */
    server?: string;
    /** Concrete path (with query). */
    path: string;
    /** Replaces every request header. */
    headers: Record<string, string>;
    body: string;
  };
  /** The `error_code` the response must carry (from the contract's example). */
  expectErrorCode?: string;
  /** Other documented successes the server may answer instead: then this one is skipped as not produced. */
  alternativeSuccesses?: number[];
  /** Use up a rate limit first: resend the request until a 429 comes back, at most this many times. */
  burst?: number;
}

interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, { value?: unknown }> }> }>;
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content?: Record<string, { examples?: Record<string, { value?: unknown }> }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const ROLE_PATH = /^\/v2\/organizations\/\{guid\}\/(users|managers|billing_managers|auditors)$/;
const MEMBER_PATH = /^\/organization\/members\/\{userId\}$/;
/** Not a token any server issues: provokes "invalid token". */
export const garbageToken = 'not-a-valid-token';
/** Sent to the mock, which only checks that a bearer token is there. */
const mockToken = 'contract-checks';
const malformedJson = '{"username": "user@example.com"';

const envName = (field: keyof ContractEnv) => contractEnvVariables[field];

/** Which documented example of a status each operation provokes; spread so every example is provoked somewhere. */
function exampleFor(operationId: string, kind: 'put' | 'delete' | 'member', status: number): string | undefined {
  const role = /^(?:associate|disassociate)(User|Manager|BillingManager|Auditor)/.exec(operationId)?.[1];
  if (kind === 'member') {
    return {
      400: 'InvalidUserId',
      401: 'InvalidToken',
      403: 'PermissionDenied',
      429: 'TooManyRequests',
      500: 'InternalError',
    }[status];
  }
  switch (status) {
    case 200:
    case 201:
      return 'Organization';
    case 400:
      if (kind === 'delete' && role === 'User') return 'AssociationNotEmpty';
      if (role === (kind === 'put' ? 'User' : 'Manager')) return 'UserIsInMultipleOrigins';
      return 'MessageParseError';
    case 401:
      return kind === 'put' ? 'NotAuthenticated' : 'InvalidAuthToken';
    case 403:
      return kind === 'put' ? 'InsufficientScope' : 'NotAuthorized';
    case 404:
      if (kind === 'put' && role === 'User') return 'UserWithOriginNotFound';
      if (role === 'Manager' || (kind === 'delete' && role === 'User')) return 'UserNotFound';
      return 'OrganizationNotFound';
    case 429:
      return 'RateLimitExceeded';
    case 503:
      return 'UaaUnavailable';
    default:
      return undefined;
  }
}

/** Follows local `$ref`s of the bundle (`#/components/...`). */
export function deref<T>(spec: OpenApiDocument, node: T): T {
  let current: unknown = node;
  for (let depth = 0; depth < 20 && current && typeof (current as { $ref?: unknown }).$ref === 'string'; depth++) {
    const pointer = (current as { $ref: string }).$ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    current = pointer.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], spec);
  }
  return current as T;
}

function exampleValue(
  spec: OpenApiDocument,
  operation: OpenApiOperation,
  status: number,
  example: string | undefined,
): unknown {
  if (!example) return undefined;
  const response = deref(spec, operation.responses?.[String(status)]);
  for (const media of Object.values(response?.content ?? {})) {
    const value = deref(spec, media.examples?.[example])?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}

function parameterExample(spec: OpenApiDocument, operation: OpenApiOperation, name: string): string {
  const parameters = (operation.parameters ?? []).map((p) => deref(spec, p));
  return String(parameters.find((p) => p.name === name)?.example ?? '');
}

function requestExample(spec: OpenApiDocument, operation: OpenApiOperation): string {
  const media = Object.values(deref(spec, operation.requestBody)?.content ?? {})[0];
  const first = deref(spec, Object.values(media?.examples ?? {})[0]);
  return first?.value === undefined ? '' : JSON.stringify(first.value);
}

/** One plan per documented response of every operation of the contract. */
export function buildPlan(spec: OpenApiDocument, target: Target, env: ContractEnv): TransactionPlan[] {
  const plans: TransactionPlan[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const statusText of Object.keys(operation.responses ?? {})) {
        plans.push(planFor(spec, path, method.toUpperCase(), operation, Number(statusText), target, env));
      }
    }
  }
  return plans;
}

function planFor(
  spec: OpenApiDocument,
  path: string,
  method: string,
  operation: OpenApiOperation,
  status: number,
  target: Target,
  env: ContractEnv,
): TransactionPlan {
  const operationId = operation.operationId ?? `${method} ${path}`;
  const role = ROLE_PATH.exec(path)?.[1];
  const kind = role ? (method === 'PUT' ? 'put' : 'delete') : MEMBER_PATH.test(path) ? 'member' : undefined;
  const example = kind ? exampleFor(operationId, kind, status) : undefined;
  const value = exampleValue(spec, operation, status, example) as { error_code?: unknown } | undefined;
  const base: TransactionPlan = {
    key: `${method} ${path} ${status}`,
    name: `${operationId} ${status}${example && status >= 300 ? ` ${example}` : ''}`,
    operationId,
    method,
    path,
    status,
    ...(example ? { example } : {}),
    ...(typeof value?.error_code === 'string' ? { expectErrorCode: value.error_code } : {}),
  };
  const successes = Object.keys(operation.responses ?? {})
    .map(Number)
    .filter((s) => s >= 200 && s < 300);
  if (status >= 200 && status < 300 && successes.length > 1)
    base.alternativeSuccesses = successes.filter((s) => s !== status);

  if (target === 'mock') {
    const concrete =
      kind === 'member'
        ? `/organization/members/${parameterExample(spec, operation, 'userId')}`
        : path.replace('{guid}', parameterExample(spec, operation, 'guid'));
    const prefer = example && value !== undefined ? `code=${status}, example=${example}` : `code=${status}`;
    const token = (kind === 'member' ? env.membersToken : env.cfAdminToken) ?? mockToken;
    const headers: Record<string, string> = { Authorization: `bearer ${token}`, Prefer: prefer };
    const body = kind === 'member' ? '' : requestExample(spec, operation);
    if (body) headers['Content-Type'] = 'application/json';
    // On the mock the status is chosen, so the other success is never the answer.
    delete base.alternativeSuccesses;
    return { ...base, request: { path: concrete, headers, body } };
  }
  if (!kind) return { ...base, skip: 'no provocation known for this operation' };
  return kind === 'member' ? memberPlan(base, status, env) : rolePlan(base, kind, role!, status, env);
}

function missing(
  base: TransactionPlan,
  fields: Array<keyof ContractEnv>,
  env: ContractEnv,
  why: string,
): TransactionPlan | undefined {
  const absent = fields.filter((field) => !env[field]);
  return absent.length ? { ...base, skip: `${why} needs ${absent.map(envName).join(', ')}` } : undefined;
}

function rolePlan(
  base: TransactionPlan,
  kind: 'put' | 'delete',
  role: string,
  status: number,
  env: ContractEnv,
): TransactionPlan {
  const lacking = missing(base, ['cfAdminToken', 'cfOrgGuid', 'cfUsername'], env, 'every Cloud Controller request');
  if (lacking) return lacking;
  const org = env.cfOrgGuid!;
  const rolePath = (guid: string, query = '') => `/v2/organizations/${encodeURIComponent(guid)}/${role}${query}`;
  const send = (options: {
    token?: string | undefined;
    guid?: string;
    body?: string;
    query?: string;
    burst?: number;
    server?: string;
  }): TransactionPlan => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (options.token !== undefined) headers['Authorization'] = `bearer ${options.token}`;
    return {
      ...base,
      request: {
        ...(options.server ? { server: options.server } : {}),
        path: rolePath(options.guid ?? org, options.query),
        headers,
        body: options.body ?? JSON.stringify({ username: env.cfUsername }),
      },
      ...(options.burst ? { burst: options.burst } : {}),
    };
  };
  const admin = env.cfAdminToken;
  switch (base.example ?? (status === 204 ? 'NoContent' : '')) {
    case 'Organization':
    case 'NoContent':
      return send({ token: admin });
    case 'MessageParseError':
      return send({ token: admin, body: malformedJson });
    case 'UserIsInMultipleOrigins':
      if (!env.cfMultiOriginUsername)
        return fallbackToParseError(send({ token: admin, body: malformedJson }), 'CF_MULTI_ORIGIN_USERNAME');
      return send({ token: admin, body: JSON.stringify({ username: env.cfMultiOriginUsername }) });
    case 'AssociationNotEmpty':
      if (!env.cfSpaceRolesUsername || !env.cfSpaceRolesOrgGuid) {
        return fallbackToParseError(
          send({ token: admin, body: malformedJson }),
          'CF_SPACE_ROLES_USERNAME and CF_SPACE_ROLES_ORG_GUID',
        );
      }
      return send({
        token: admin,
        guid: env.cfSpaceRolesOrgGuid,
        body: JSON.stringify({ username: env.cfSpaceRolesUsername }),
      });
    case 'NotAuthenticated':
      return send({ token: undefined });
    case 'InvalidAuthToken':
      return send({ token: garbageToken });
    case 'InsufficientScope':
      return (
        missing(base, ['cfReadOnlyToken'], env, 'a token without the scope') ?? send({ token: env.cfReadOnlyToken })
      );
    case 'NotAuthorized':
      return (
        missing(base, ['cfWriteWithoutRoleToken'], env, 'a caller who is not an Org Manager') ??
        send({ token: env.cfWriteWithoutRoleToken })
      );
    case 'OrganizationNotFound':
      return send({ token: admin, guid: env.cfUnknownOrgGuid ?? defaultUnknownOrgGuid });
    case 'UserNotFound':
      return send({
        token: admin,
        body: JSON.stringify({ username: env.cfUnknownUsername ?? defaultUnknownUsername }),
      });
    case 'UserWithOriginNotFound':
      return send({
        token: admin,
        body: JSON.stringify({ username: env.cfUsername, origin: 'contract-checks-no-such-origin' }),
      });
    case 'RateLimitExceeded':
      return (
        missing(base, ['cfRateLimitToken'], env, 'a Cloud Controller rate limit to exceed') ??
        send({ token: env.cfRateLimitToken, burst: Number(env.rateLimitBurst ?? 200) })
      );
    case 'UaaUnavailable':
      if (!env.cfIdentityUnavailableServer) {
        return {
          ...base,
          skip: `needs the identity service (UAA) to be down: no request can provoke it (give ${envName('cfIdentityUnavailableServer')})`,
        };
      }
      return send({ token: admin, server: env.cfIdentityUnavailableServer });
    default:
      return { ...base, skip: `no provocation known for ${kind.toUpperCase()} ${status}` };
  }
}

function fallbackToParseError(plan: TransactionPlan, needs: string): TransactionPlan {
  // The status is still provoked for real; only the example differs.
  return {
    ...plan,
    example: 'MessageParseError',
    expectErrorCode: 'CF-MessageParseError',
    name: `${plan.name.replace(/ \S+$/, '')} MessageParseError (${needs} not given)`,
  };
}

function memberPlan(base: TransactionPlan, status: number, env: ContractEnv): TransactionPlan {
  const lacking = missing(base, ['membersToken', 'membersUserId'], env, 'every member API request');
  if (lacking) return lacking;
  const send = (token: string | undefined, userId = env.membersUserId!, burst?: number): TransactionPlan => ({
    ...base,
    request: {
      path: `/organization/members/${encodeURIComponent(userId)}`,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      body: '',
    },
    ...(burst ? { burst } : {}),
  });
  switch (status) {
    case 204:
      return send(env.membersToken);
    case 400:
      return send(env.membersToken, 'not-a-uuid');
    case 401:
      return send(garbageToken);
    case 403:
      return (
        missing(base, ['membersReadOnlyToken'], env, 'a token without update:org') ?? send(env.membersReadOnlyToken)
      );
    case 429:
      return (
        missing(base, ['membersRateLimitToken'], env, 'a member API rate limit to exceed') ??
        send(env.membersRateLimitToken, undefined, Number(env.rateLimitBurst ?? 200))
      );
    case 500:
      return { ...base, skip: 'a server fault cannot be provoked by a valid request' };
    default:
      return { ...base, skip: `no provocation known for DELETE ${status}` };
  }
}
