import {
  exampleRequest,
  exampleValue,
  listOperations,
  successStatuses,
  errorKinds,
  type ApiDialect,
  type ContractOperation,
  type OpenApiDocument,
} from '@org-membership-api/spec';
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

export type { OpenApiDocument } from '@org-membership-api/spec';

const ROLE_PATH = /^\/v2\/organizations\/\{guid\}\/(users|managers|billing_managers|auditors)$/;
const MEMBER_PATH = /^\/organization\/members\/\{userId\}$/;
/** Not a token any server issues: provokes "invalid token". */
export const garbageToken = 'not-a-valid-token';
/** Sent to the mock, which only checks that a bearer token is there. */
const mockToken = 'contract-checks';
const malformedJson = '{"username": "user@example.com"';

const envName = (field: keyof ContractEnv) => contractEnvVariables[field];

/** How requests to an operation are provoked on a real server: role association, member removal, or unknown. */
type Kind = 'put' | 'delete' | 'member';

function kindOf(operation: ContractOperation): Kind | undefined {
  if (operation.dialect?.id === 'cloudController' && ROLE_PATH.test(operation.path)) {
    if (operation.method === 'PUT') return 'put';
    if (operation.method === 'DELETE') return 'delete';
  }
  if (operation.dialect?.id === 'members' && operation.method === 'DELETE' && MEMBER_PATH.test(operation.path))
    return 'member';
  return undefined;
}

/**
 * Which documented example of a status each operation provokes: the dialect's example for
 * each kind of error, and the Cloud Controller errors of role association spread over the
 * four roles so that every example is provoked somewhere.
 */
function exampleFor(operation: ContractOperation, kind: Kind | undefined, status: number): string | undefined {
  const errors = operation.dialect?.errors ?? {};
  if (kind === 'member') {
    return {
      400: errors.invalidPathParameter,
      401: errors.invalidToken,
      403: errors.insufficientScope,
      429: errors.rateLimited,
      500: errors.internalError,
    }[status]?.example;
  }
  const role = /^(?:associate|disassociate)(User|Manager|BillingManager|Auditor)/.exec(operation.operationId)?.[1];
  switch (status) {
    case 200:
    case 201:
      return 'Organization';
    case 400:
      if (kind === 'delete' && role === 'User') return 'AssociationNotEmpty';
      if (role === (kind === 'put' ? 'User' : 'Manager')) return 'UserIsInMultipleOrigins';
      return errors.invalidRequest?.example;
    case 401:
      return (kind === 'put' ? errors.missingToken : errors.invalidToken)?.example;
    case 403:
      return kind === 'put' ? errors.insufficientScope?.example : 'NotAuthorized';
    case 404:
      if (kind === 'put' && role === 'User') return 'UserWithOriginNotFound';
      if (role === 'Manager' || (kind === 'delete' && role === 'User')) return 'UserNotFound';
      return 'OrganizationNotFound';
    case 429:
      return errors.rateLimited?.example;
    case 503:
      return errors.serviceUnavailable?.example;
    default:
      return undefined;
  }
}

/** One plan per documented response of every operation of the contract. */
export function buildPlan(spec: OpenApiDocument, target: Target, env: ContractEnv): TransactionPlan[] {
  return listOperations(spec).flatMap((operation) =>
    operation.responses.map((response) => planFor(operation, Number(response.status), target, env)),
  );
}

function planFor(operation: ContractOperation, status: number, target: Target, env: ContractEnv): TransactionPlan {
  const { operationId, method, path } = operation;
  const kind = kindOf(operation);
  const example = exampleFor(operation, kind, status);
  const value = (example === undefined ? undefined : exampleValue(operation, status, example)) as
    { error_code?: unknown } | undefined;
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
  const successes = successStatuses(operation);
  if (status >= 200 && status < 300 && successes.length > 1)
    base.alternativeSuccesses = successes.filter((s) => s !== status);

  if (target === 'mock') {
    const shown = exampleRequest(operation);
    const prefer = example && value !== undefined ? `code=${status}, example=${example}` : `code=${status}`;
    const token = (operation.dialect?.id === 'members' ? env.membersToken : env.cfAdminToken) ?? mockToken;
    const headers: Record<string, string> = { Authorization: `bearer ${token}`, Prefer: prefer };
    if (shown.body) headers['Content-Type'] = shown.body.mediaType;
    // On the mock the status is chosen, so the other success is never the answer.
    delete base.alternativeSuccesses;
    return { ...base, request: { path: shown.path, headers, body: shown.body?.text ?? '' } };
  }
  if (!kind) return { ...base, skip: 'no provocation known for this operation' };
  if (kind === 'member') return memberPlan(base, status, env);
  const parseError = operation.dialect?.errors.invalidRequest;
  const parseErrorValue =
    parseError &&
    (exampleValue(operation, parseError.status, parseError.example) as { error_code?: unknown } | undefined);
  return rolePlan(base, kind, ROLE_PATH.exec(path)![1]!, status, env, operation.dialect!, {
    example: parseError?.example ?? 'MessageParseError',
    errorCode: typeof parseErrorValue?.error_code === 'string' ? parseErrorValue.error_code : undefined,
  });
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
  dialect: ApiDialect,
  parseError: ParseError,
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
  // The dialect's kinds of errors first; then the examples only role association has.
  const errorKind = errorKinds.find(
    (kind) => base.example !== undefined && dialect.errors[kind]?.example === base.example,
  );
  switch (errorKind ?? base.example ?? (status === 204 ? 'NoContent' : '')) {
    case 'Organization':
    case 'NoContent':
      return send({ token: admin });
    case 'invalidRequest':
      return send({ token: admin, body: malformedJson });
    case 'UserIsInMultipleOrigins':
      if (!env.cfMultiOriginUsername)
        return fallbackToParseError(
          send({ token: admin, body: malformedJson }),
          'CF_MULTI_ORIGIN_USERNAME',
          parseError,
        );
      return send({ token: admin, body: JSON.stringify({ username: env.cfMultiOriginUsername }) });
    case 'AssociationNotEmpty':
      if (!env.cfSpaceRolesUsername || !env.cfSpaceRolesOrgGuid) {
        return fallbackToParseError(
          send({ token: admin, body: malformedJson }),
          'CF_SPACE_ROLES_USERNAME and CF_SPACE_ROLES_ORG_GUID',
          parseError,
        );
      }
      return send({
        token: admin,
        guid: env.cfSpaceRolesOrgGuid,
        body: JSON.stringify({ username: env.cfSpaceRolesUsername }),
      });
    case 'missingToken':
      return send({ token: undefined });
    case 'invalidToken':
      return send({ token: garbageToken });
    case 'insufficientScope':
      return (
        missing(base, ['cfReadOnlyToken'], env, 'a token without the scope') ?? send({ token: env.cfReadOnlyToken })
      );
    case 'NotAuthorized':
      return (
        missing(base, ['cfWriteWithoutRoleToken'], env, 'a caller who is not an Org Manager') ??
        send({ token: env.cfWriteWithoutRoleToken })
      );
    // Cloud Controller answers a malformed guid as it answers one no organization has.
    case 'invalidPathParameter':
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
    case 'rateLimited':
      return (
        missing(base, ['cfRateLimitToken'], env, 'a Cloud Controller rate limit to exceed') ??
        send({ token: env.cfRateLimitToken, burst: Number(env.rateLimitBurst ?? 200) })
      );
    case 'serviceUnavailable':
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

/** The dialect's answer to a malformed body, with the `error_code` of its example. */
interface ParseError {
  example: string;
  errorCode: string | undefined;
}

function fallbackToParseError(plan: TransactionPlan, needs: string, parseError: ParseError): TransactionPlan {
  // The status is still provoked for real; only the example differs.
  const { expectErrorCode: _other, ...rest } = plan;
  return {
    ...rest,
    example: parseError.example,
    ...(parseError.errorCode ? { expectErrorCode: parseError.errorCode } : {}),
    name: `${plan.name.replace(/ \S+$/, '')} ${parseError.example} (${needs} not given)`,
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
