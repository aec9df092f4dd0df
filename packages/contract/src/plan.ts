import {
  errorKinds,
  errorsForPath,
  exampleRequest,
  jsonContent,
  listOperations,
  responseFor,
  successStatuses,
  type ContractOperation,
  type ErrorKind,
  type OpenApiDocument,
} from '@org-membership-api/spec';
import {
  contractEnvVariables,
  defaultUnknownOrgGuid,
  defaultUnknownSpaceGuid,
  defaultUnknownUserGuid,
  defaultUnknownUsername,
  type ContractEnv,
} from './env.js';

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

/** A Cloud Controller role path: organization or space, the role, and `/remove` or the user's guid. */
const ROLE_PATH = /^\/v2\/(organizations|spaces)\/\{guid\}\/\w+(?:\/remove|\/\{user_guid\})?$/;
const MEMBER_PATH = /^\/organization\/members\/\{userId\}$/;
/** Not a token any server issues: provokes "invalid token". */
export const garbageToken = 'not-a-valid-token';
/** Sent to the mock, which only checks that a bearer token is there. */
const mockToken = 'contract-checks';
const malformedJson = '{"username": "user@example.com"';

const envName = (field: keyof ContractEnv) => contractEnvVariables[field];

type Body =
  /** `{ username, origin }`: the username from an env field (default: the resource's user). */
  { username?: keyof ContractEnv; origin?: string } | 'malformed' | 'tooLarge' | 'noUsername';

/**
 * How to provoke a documented Cloud Controller answer on a real server: which token, which
 * guid and which body to send. `needs`: the env fields it needs (else the dialect's answer to
 * `fallback` is provoked instead, or it is skipped naming them); `skip`: no request can provoke
 * it (unless `server` names another instance that can).
 */
export interface Provocation {
  token?: 'admin' | 'none' | 'garbage' | keyof ContractEnv;
  /** The organization or space: an env field, or the default unknown guid of the kind. */
  guid?: keyof ContractEnv | 'unknown';
  body?: Body;
  needs?: Array<keyof ContractEnv>;
  fallback?: ErrorKind;
  /** Resend until a 429 comes back. */
  burst?: boolean;
  /**
   * Using it up affects every later request of its kind (the unauthenticated limit counts
   * every request without a user token from the checks' address): provoked only by the last
   * operation that documents it, after every other unauthenticated request.
   */
  last?: boolean;
  /** Send to the server in this env field instead. */
  server?: keyof ContractEnv;
  skip?: string;
}

/** The kinds of rejected requests of the dialect (`x-api-dialects`): their example is the dialect's. */
export const errorKindProvocations: Record<ErrorKind, Provocation> = {
  missingToken: { token: 'none' },
  invalidToken: { token: 'garbage' },
  insufficientScope: { token: 'cfReadOnlyToken', needs: ['cfReadOnlyToken'] },
  // Cloud Controller answers a malformed guid as it answers one nothing has.
  invalidPathParameter: { guid: 'unknown' },
  invalidRequest: { body: 'malformed' },
  rateLimited: { token: 'cfRateLimitToken', needs: ['cfRateLimitToken'], burst: true },
  serviceUnavailable: {
    server: 'cfIdentityUnavailableServer',
    needs: ['cfIdentityUnavailableServer'],
    skip: 'needs the identity service (UAA) to be down: no request can provoke it',
  },
  internalError: {
    server: 'storageFaultServer',
    needs: ['storageFaultServer'],
    skip: 'a server fault cannot be provoked by a valid request',
  },
};

const success: Provocation = {};
/**
 * The other documented Cloud Controller examples, by name: an operation documenting known
 * examples needs no code.
 */
export const cloudControllerProvocations: Record<string, Provocation> = {
  Organization: success,
  Space: success,
  CurrentRelease: success,
  NoContent: success,
  BodyTooLarge: { body: 'tooLarge' },
  UserIsInMultipleOrigins: {
    body: { username: 'cfMultiOriginUsername' },
    needs: ['cfMultiOriginUsername'],
    fallback: 'invalidRequest',
  },
  AssociationNotEmpty: {
    guid: 'cfSpaceRolesOrgGuid',
    body: { username: 'cfSpaceRolesUsername' },
    needs: ['cfSpaceRolesUsername', 'cfSpaceRolesOrgGuid'],
    fallback: 'invalidRequest',
  },
  InvalidRelation: {
    body: { username: 'cfNotInOrgUsername' },
    needs: ['cfNotInOrgUsername'],
    fallback: 'invalidRequest',
  },
  NotAuthorized: { token: 'cfWriteWithoutRoleToken', needs: ['cfWriteWithoutRoleToken'] },
  // Cloud Controller checks the flag before the organization and the caller's roles.
  FeatureDisabled: {
    server: 'cfFeatureFlagsDisabledServer',
    token: 'cfWriteWithoutRoleToken',
    needs: ['cfFeatureFlagsDisabledServer', 'cfWriteWithoutRoleToken'],
    skip: 'a server whose set_roles_by_username and unset_roles_by_username feature flags are off',
  },
  OrganizationNotFound: { guid: 'unknown' },
  SpaceNotFound: { guid: 'unknown' },
  UserNotFound: { body: { username: 'cfUnknownUsername' } },
  // The routes by user guid: a user Cloud Controller has no record of (see userGuidOf).
  InvalidRelationUnknownUser: { body: { username: 'cfUnknownUsername' } },
  UserWithOriginNotFound: { body: { origin: 'contract-checks-no-such-origin' } },
  UserNotFoundWithoutUsername: { body: 'noUsername' },
  RateLimitV2APIExceeded: { token: 'cfV2RateLimitToken', needs: ['cfV2RateLimitToken'], burst: true },
  IPBasedRateLimitExceeded: { token: 'none', needs: ['cfIpRateLimit'], burst: true, last: true },
  ServerError: errorKindProvocations.internalError,
};

/** How `name` is provoked under the operation's path: as its dialect's kind of error, else by name. */
function provocationOf(operation: ContractOperation, name: string): Provocation | undefined {
  const errors = operation.dialect ? errorsForPath(operation.dialect, operation.path) : {};
  const kind = errorKinds.find((candidate) => errors[candidate]?.example === name);
  return kind ? errorKindProvocations[kind] : cloudControllerProvocations[name];
}

/**
 * The example names the contract documents for `status`: every media type's on a server; on
 * the mock those of the JSON content, the ones `Prefer` can select.
 */
function exampleNames(operation: ContractOperation, status: number, target: Target): string[] {
  const content = responseFor(operation, status)?.content ?? [];
  const media = target === 'mock' ? [jsonContent(content)].filter((entry) => entry !== undefined) : content;
  return [...new Set(media.flatMap((entry) => entry.examples.map((example) => example.name)))];
}

/** The value of a named example of `status` in any media type (a text/plain one may hold JSON text). */
function anyExampleValue(operation: ContractOperation, status: number, name: string): unknown {
  for (const media of responseFor(operation, status)?.content ?? []) {
    const found = media.examples.find((example) => example.name === name);
    if (found === undefined) continue;
    if (typeof found.value !== 'string') return found.value;
    try {
      return JSON.parse(found.value) as unknown;
    } catch {
      return found.value;
    }
  }
  return undefined;
}

const canProvoke = (provocation: Provocation | undefined, env: ContractEnv) =>
  !!provocation &&
  (!provocation.skip || !!provocation.server) &&
  (provocation.needs ?? []).every((field) => env[field]);

/** What buildPlan keeps over the whole plan to spread the examples. */
interface PlanState {
  /** How often each example was chosen so far. */
  used: Map<string, number>;
  /** Per example name with `last`, the key of the one transaction that provokes it. */
  lastOf: Map<string, string>;
}

/**
 * Which documented example of a status each operation provokes: the one provoked least so far
 * among those the env lets the target provoke, so that every example is provoked somewhere.
 */
function chooseExample(
  operation: ContractOperation,
  status: number,
  names: string[],
  target: Target,
  env: ContractEnv,
  state: PlanState,
): string | undefined {
  const key = `${operation.method} ${operation.path} ${status}`;
  const known = names.filter((name) => {
    const provocation = provocationOf(operation, name);
    return provocation && (target === 'mock' || !provocation.last || state.lastOf.get(name) === key);
  });
  const possible = target === 'mock' ? known : known.filter((name) => canProvoke(provocationOf(operation, name), env));
  const candidates = possible.length ? possible : known.length ? known : names;
  let chosen: string | undefined;
  for (const name of candidates) {
    // The one transaction of a `last` example always provokes it.
    if (state.lastOf.get(name) === key && target !== 'mock' && possible.includes(name)) return count(state, name);
    if (chosen === undefined || (state.used.get(name) ?? 0) < (state.used.get(chosen) ?? 0)) chosen = name;
  }
  return chosen === undefined ? undefined : count(state, chosen);
}

function count(state: PlanState, name: string): string {
  state.used.set(name, (state.used.get(name) ?? 0) + 1);
  return name;
}

/** How requests to an operation are provoked on a real server: a role change, member removal, or unknown. */
type Kind = 'role' | 'member' | 'read' | 'token';

function kindOf(operation: ContractOperation): Kind | undefined {
  const dialect = operation.dialect?.id;
  if (dialect === 'cloudController' && operation.method !== 'GET' && ROLE_PATH.test(operation.path)) return 'role';
  if (dialect === 'members' && operation.method === 'DELETE' && MEMBER_PATH.test(operation.path)) return 'member';
  if ((dialect === 'cloudController' || dialect === 'uaa') && operation.method === 'GET') return 'read';
  if (dialect === 'uaa' && operation.method === 'POST' && operation.path === '/oauth/token') return 'token';
  return undefined;
}

/** One plan per documented response of every operation of the contract. */
export function buildPlan(spec: OpenApiDocument, target: Target, env: ContractEnv): TransactionPlan[] {
  const operations = listOperations(spec);
  const state: PlanState = { used: new Map(), lastOf: new Map() };
  for (const operation of operations) {
    if (kindOf(operation) === undefined || kindOf(operation) === 'member') continue;
    for (const response of operation.responses)
      for (const name of exampleNames(operation, Number(response.status), target))
        if (provocationOf(operation, name)?.last)
          state.lastOf.set(name, `${operation.method} ${operation.path} ${response.status}`);
  }
  return operations.flatMap((operation) =>
    operation.responses.map((response) => planFor(spec, operation, Number(response.status), target, env, state)),
  );
}

/** The cf CLI's client credentials (client `cf`, empty secret), as it sends them to UAA's token endpoint. */
export const cfClientBasic = `Basic ${Buffer.from('cf:').toString('base64')}`;

/**
 * The `Authorization` the operation's first security requirement asks for: HTTP Basic client
 * credentials, a bearer `token`, or none for an operation open to anyone.
 */
export function authorizationFor(
  spec: OpenApiDocument,
  operation: ContractOperation,
  token: string,
): string | undefined {
  const requirement = operation.security.find((candidate) => Object.keys(candidate).length > 0);
  if (!requirement) return undefined;
  const schemes = (spec.components?.securitySchemes ?? {}) as Record<string, { type?: string; scheme?: string }>;
  const basic = Object.keys(requirement).some((name) => {
    const scheme = schemes[name];
    return scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'basic';
  });
  return basic ? cfClientBasic : `bearer ${token}`;
}

function planFor(
  spec: OpenApiDocument,
  operation: ContractOperation,
  status: number,
  target: Target,
  env: ContractEnv,
  state: PlanState,
): TransactionPlan {
  const { operationId, method, path } = operation;
  const kind = kindOf(operation);
  const names = exampleNames(operation, status, target);
  // By dialect, not by kind: an operation added to the contract gets its examples as data.
  // A read's or a token grant's kinds of error say which example a request provokes.
  const kindExample =
    kind === 'read' || kind === 'token'
      ? errorKinds
          .map((candidate) => operation.errors[candidate])
          .find((ref) => ref?.status === status && names.includes(ref.example))?.example
      : undefined;
  // The one transaction that uses up a limit shared by every later request provokes it.
  const lastHere =
    target === 'mock'
      ? undefined
      : [...state.lastOf].find(([name, key]) => key === `${method} ${path} ${status}` && names.includes(name))?.[0];
  const example =
    operation.dialect?.id === 'members'
      ? memberExampleFor(operation, status)
      : lastHere !== undefined && (kind === 'read' || kind === 'token')
        ? count(state, lastHere)
        : (kindExample ?? (names.length ? chooseExample(operation, status, names, target, env, state) : undefined));
  const value = (example === undefined ? undefined : anyExampleValue(operation, status, example)) as
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
    const headers: Record<string, string> = { Prefer: prefer };
    const authorization = authorizationFor(spec, operation, token);
    if (authorization !== undefined) headers['Authorization'] = authorization;
    // As the cf CLI asks (`/` answers JSON only to a client that names no HTML; a browser gets
    // the docs), and the media type of this response too (Cloud Controller's 429 is text/plain).
    const accepted = [
      ...operation.responses.flatMap((response) => jsonContent(response.content)?.mediaType ?? []),
      ...(responseFor(operation, status)?.content ?? []).map((content) => content.mediaType),
    ];
    if (accepted.length) headers['Accept'] = [...new Set(accepted)].join(', ');
    if (shown.body) headers['Content-Type'] = shown.body.mediaType;
    // On the mock the status is chosen, so the other success is never the answer.
    delete base.alternativeSuccesses;
    return { ...base, request: { path: shown.path, headers, body: shown.body?.text ?? '' } };
  }
  if (!kind) return { ...base, skip: 'no provocation known for this operation' };
  if (kind === 'member') return memberPlan(base, status, env);
  if (kind === 'read') return readPlan(base, operation, status, env);
  if (kind === 'token') return tokenPlan(base, operation, status, env);
  return rolePlan(base, operation, status, env, names);
}

/** The member API's example of each status: the dialect's example of the kind of error. */
function memberExampleFor(operation: ContractOperation, status: number): string | undefined {
  const errors = operation.dialect?.errors ?? {};
  return {
    400: errors.invalidPathParameter,
    401: errors.invalidToken,
    403: errors.insufficientScope,
    429: errors.rateLimited,
    500: errors.internalError,
  }[status]?.example;
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
  operation: ContractOperation,
  status: number,
  env: ContractEnv,
  names: string[],
): TransactionPlan {
  const onSpace = ROLE_PATH.exec(base.path)![1] === 'spaces';
  // A space role needs a user of the space's organization.
  const resourceGuid: keyof ContractEnv = onSpace ? 'cfSpaceGuid' : 'cfOrgGuid';
  const username: keyof ContractEnv = onSpace ? 'cfSpaceUsername' : 'cfUsername';
  const byUserGuid = base.path.endsWith('/{user_guid}');
  const userGuid: keyof ContractEnv = onSpace ? 'cfSpaceUserGuid' : 'cfUserGuid';
  const lacking = missing(
    base,
    ['cfAdminToken', resourceGuid, byUserGuid ? userGuid : username],
    env,
    'every Cloud Controller request',
  );
  if (lacking) return lacking;
  const exampleName = base.example ?? (names.length === 0 && status < 300 ? 'NoContent' : '');
  let provocation = provocationOf(operation, exampleName);
  if (!provocation) return { ...base, skip: `no provocation known for ${base.method} ${status} ${exampleName}`.trim() };
  // The routes by user guid name the provocation's user by its guid.
  const named = typeof provocation.body === 'object' ? provocation.body.username : undefined;
  const twin = byUserGuid && named ? userGuidTwins[named] : undefined;
  const absent = [...(provocation.needs ?? []), ...(twin ? [twin] : [])].filter((field) => !env[field]);
  let plan = base;
  if (absent.length) {
    const needs = absent.map(envName).join(' and ');
    const fallback = provocation.fallback && errorsForPath(operation.dialect!, operation.path)[provocation.fallback];
    if (fallback && fallback.status === status && names.includes(fallback.example)) {
      // The status is still provoked for real; only the example differs.
      plan = fallbackTo(base, operation, fallback.example, needs);
      provocation = errorKindProvocations[provocation.fallback!];
    } else {
      return { ...base, skip: `${provocation.skip ?? exampleName} needs ${needs}` };
    }
  } else if (provocation.skip && !provocation.server) {
    return { ...base, skip: provocation.skip };
  }
  const token =
    provocation.token === 'none'
      ? undefined
      : provocation.token === 'garbage'
        ? garbageToken
        : env[provocation.token && provocation.token !== 'admin' ? provocation.token : 'cfAdminToken'];
  const guid =
    provocation.guid === 'unknown'
      ? onSpace
        ? (env.cfUnknownSpaceGuid ?? defaultUnknownSpaceGuid)
        : (env.cfUnknownOrgGuid ?? defaultUnknownOrgGuid)
      : env[provocation.guid ?? resourceGuid]!;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers['Authorization'] = `bearer ${token}`;
  // The answer releases before 2016 give to DELETE, on an instance that answers as they do.
  const legacy = base.method === 'DELETE' && status === 200 && base.alternativeSuccesses && env.cfLegacyDeleteServer;
  if (legacy) delete plan.alternativeSuccesses;
  const server = provocation.server ? env[provocation.server] : legacy || undefined;
  // The routes by user guid name the user in the path and read no body.
  const path = base.path
    .replace('{guid}', encodeURIComponent(guid))
    .replace('{user_guid}', () => encodeURIComponent(userGuidOf(provocation.body, userGuid, env)));
  return {
    ...plan,
    request: {
      ...(server ? { server } : {}),
      path,
      headers,
      body: byUserGuid ? '' : bodyOf(provocation.body, base.method, username, env),
    },
    ...(provocation.burst ? { burst: Number(env.rateLimitBurst ?? 200) } : {}),
  };
}

function bodyOf(body: Body | undefined, method: string, username: keyof ContractEnv, env: ContractEnv): string {
  if (body === 'malformed') return malformedJson;
  // One byte over Cloud Controller's 64 KiB limit.
  if (body === 'tooLarge') return JSON.stringify({ username: env[username], padding: 'x'.repeat(65536) });
  if (body === 'noUsername') return '{}';
  const field = body?.username ?? username;
  // On removals, UserNotFound is also the answer for a user UAA knows but Cloud Controller does not.
  const name =
    field === 'cfUnknownUsername'
      ? ((method !== 'PUT' ? env.cfUaaOnlyUsername : undefined) ?? env.cfUnknownUsername ?? defaultUnknownUsername)
      : env[field];
  return JSON.stringify({ username: name, ...(body?.origin ? { origin: body.origin } : {}) });
}

/** The variable holding the guid of the user a username variable names. */
const userGuidTwins: Partial<Record<keyof ContractEnv, keyof ContractEnv>> = {
  cfNotInOrgUsername: 'cfNotInOrgUserGuid',
  cfSpaceRolesUsername: 'cfSpaceRolesUserGuid',
};

/** The user guid of the user `body` names (the guid twin of bodyOf's username). */
function userGuidOf(body: Body | undefined, userGuid: keyof ContractEnv, env: ContractEnv): string {
  const field = typeof body === 'object' ? body.username : undefined;
  // Cloud Controller does not ask UAA here: a user only UAA knows is as unknown as a made-up guid.
  if (field === 'cfUnknownUsername') return env.cfUaaOnlyUserGuid ?? defaultUnknownUserGuid;
  const twin = field && userGuidTwins[field];
  return env[twin || userGuid]!;
}

/**
 * How the documented answers of the reads (Cloud Controller's and UAA's GETs) and of UAA's
 * token endpoint are provoked, by example name where the dialect's kinds do not say.
 */
interface RequestProvocation {
  token?: 'none' | 'garbage' | keyof ContractEnv;
  /** The organization: a known one, or one nothing has. */
  guid?: 'unknown';
  /** Path parameter values other than the guid (a flag name no flag has). */
  pathValues?: Record<string, string>;
  /** Query parameters over the example's. */
  query?: Record<string, string>;
  /** The token grant: the password grant of the env's user, with a wrong password, or without a grant type. */
  grant?: 'password' | 'wrongPassword' | 'noGrantType';
  needs?: Array<keyof ContractEnv>;
  burst?: boolean;
  server?: keyof ContractEnv;
  skip?: string;
}

export const requestProvocations: Record<string, RequestProvocation> = {
  missingToken: { token: 'none' },
  invalidToken: { token: 'garbage' },
  // Every token of the env reads; a write-only token does not.
  insufficientScope: { token: 'cfWriteOnlyToken', needs: ['cfWriteOnlyToken'] },
  invalidPathParameter: { guid: 'unknown' },
  rateLimited: { token: 'cfRateLimitToken', needs: ['cfRateLimitToken'], burst: true },
  internalError: { server: 'storageFaultServer', needs: ['storageFaultServer'] },
  RateLimitV2APIExceeded: { token: 'cfV2RateLimitToken', needs: ['cfV2RateLimitToken'], burst: true },
  IPBasedRateLimitExceeded: { token: 'none', needs: ['cfIpRateLimit'], burst: true },
  NotAuthorized: { token: 'cfWriteOnlyToken', needs: ['cfWriteOnlyToken'] },
  OrganizationNotFound: { guid: 'unknown' },
  FeatureFlagNotFound: { pathValues: { name: 'contract_checks_no_such_flag' } },
  BadQueryParameter: { query: { 'results-per-page': '0' } },
  // UAA's answers (its dialect documents fewer kinds).
  FullAuthenticationRequired: { token: 'none' },
  TokenRejected: { token: 'garbage' },
  BadCredentials: { grant: 'wrongPassword', needs: ['uaaUsername'] },
  MissingGrantType: { grant: 'noGrantType', needs: ['uaaUsername', 'uaaPassword'] },
  // A token without scim.read: Cloud Controller's admin token has only cloud_controller.admin.
  InsufficientScope: { token: 'cfAdminToken', needs: ['cfAdminToken'] },
  InvalidFilter: { query: { filter: 'userName Eq' } },
  AccessDenied: {
    skip: 'needs a user whom UAA refuses a token through the cf client (a client restricted to other groups): no variable names one',
  },
  // UAA's rate limiter is off unless configured: sent to one whose limits the checks may use up.
  UaaTooManyRequests: { server: 'uaaRateLimitServer', needs: ['uaaRateLimitServer'], burst: true },
};

/** The provocation of a read's or a token grant's example: by name, else the kind the operation's errors give it. */
function requestProvocationOf(operation: ContractOperation, status: number, example: string | undefined) {
  if (example !== undefined && example in requestProvocations && example !== 'InsufficientScope')
    return requestProvocations[example];
  const kind = errorKinds.find((candidate) => {
    const ref = operation.errors[candidate];
    return ref?.status === status && (example === undefined || ref.example === example);
  });
  if (kind && kind in requestProvocations) return requestProvocations[kind];
  if (example !== undefined && example in requestProvocations) return requestProvocations[example];
  if (status >= 200 && status < 300) return {};
  if (status === 429 && operation.dialect?.id === 'uaa') return requestProvocations['UaaTooManyRequests'];
  if (status === 500) return requestProvocations['internalError'];
  return undefined;
}

/** The token a read sends when the provocation names none: the admin's, or UAA's SCIM reader's. */
function defaultTokenField(operation: ContractOperation): keyof ContractEnv {
  return operation.dialect?.id === 'uaa' ? 'uaaScimReadToken' : 'cfAdminToken';
}

function readPlan(
  base: TransactionPlan,
  operation: ContractOperation,
  status: number,
  env: ContractEnv,
): TransactionPlan {
  const provocation = requestProvocationOf(operation, status, base.example);
  if (!provocation)
    return { ...base, skip: `no provocation known for ${base.method} ${status} ${base.example ?? ''}`.trim() };
  if (provocation.skip) return { ...base, skip: provocation.skip };
  const open = !operation.security.some((requirement) => Object.keys(requirement).length > 0);
  const cloudController = operation.dialect?.id === 'cloudController';
  // What anyone may read (the root document, /v2/info) comes from configuration, but Cloud
  // Controller looks up the record of every caller it authenticates: a storage fault reaches
  // a request with a token.
  const faultWithToken = open && status === 500 && cloudController;
  // Cloud Controller's general limiter matches the root documents (/, /v2/info) by their full
  // path: asked with a query string they count like any other request.
  const counted: Record<string, string> = status === 429 && open && cloudController ? { counted: 'true' } : {};
  const tokenField = provocation.token ?? (open && !faultWithToken ? 'none' : defaultTokenField(operation));
  const needs = [
    ...(provocation.needs ?? []),
    ...(tokenField === 'none' || tokenField === 'garbage' ? [] : [tokenField]),
    ...(operation.path.includes('{guid}') && provocation.guid !== 'unknown' ? (['cfOrgGuid'] as const) : []),
  ];
  const lacking = missing(base, needs, env, `${base.name}`);
  if (lacking) return lacking;
  const shown = exampleRequest(operation);
  const guid = provocation.guid === 'unknown' ? (env.cfUnknownOrgGuid ?? defaultUnknownOrgGuid) : env.cfOrgGuid;
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value =
      provocation.pathValues?.[name] ??
      (name === 'guid' ? guid : operation.parameters.find((p) => p.in === 'path' && p.name === name)?.example);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams({ ...shown.query, ...provocation.query, ...counted }).toString();
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = tokenField === 'none' ? undefined : tokenField === 'garbage' ? garbageToken : env[tokenField];
  if (token !== undefined) headers['Authorization'] = `bearer ${token}`;
  const server = provocation.server ? env[provocation.server] : undefined;
  return {
    ...base,
    request: { ...(server ? { server } : {}), path: search ? `${path}?${search}` : path, headers, body: '' },
    ...(provocation.burst ? { burst: Number(env.rateLimitBurst ?? 200) } : {}),
  };
}

function tokenPlan(
  base: TransactionPlan,
  operation: ContractOperation,
  status: number,
  env: ContractEnv,
): TransactionPlan {
  const provocation = requestProvocationOf(operation, status, base.example);
  if (!provocation)
    return { ...base, skip: `no provocation known for ${base.method} ${status} ${base.example ?? ''}`.trim() };
  if (provocation.skip) return { ...base, skip: provocation.skip };
  const grant = provocation.grant ?? 'password';
  const lacking = missing(
    base,
    [...(provocation.needs ?? []), 'uaaUsername', ...(grant === 'wrongPassword' ? [] : (['uaaPassword'] as const))],
    env,
    base.name,
  );
  if (lacking) return lacking;
  const fields: Record<string, string> = {
    ...(grant === 'noGrantType' ? {} : { grant_type: 'password' }),
    username: env.uaaUsername!,
    password: grant === 'wrongPassword' ? `${env.uaaPassword ?? ''}-not-the-password` : env.uaaPassword!,
  };
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  if (provocation.token !== 'none') headers['Authorization'] = cfClientBasic;
  const server = provocation.server ? env[provocation.server] : undefined;
  return {
    ...base,
    request: {
      ...(server ? { server } : {}),
      path: operation.path,
      headers,
      body: new URLSearchParams(fields).toString(),
    },
    ...(provocation.burst ? { burst: Number(env.rateLimitBurst ?? 200) } : {}),
  };
}

function fallbackTo(
  plan: TransactionPlan,
  operation: ContractOperation,
  example: string,
  needs: string,
): TransactionPlan {
  const value = anyExampleValue(operation, plan.status, example) as { error_code?: unknown } | undefined;
  const { expectErrorCode: _other, ...rest } = plan;
  return {
    ...rest,
    example,
    ...(typeof value?.error_code === 'string' ? { expectErrorCode: value.error_code } : {}),
    name: `${plan.name.replace(/ \S+$/, '')} ${example} (${needs} not given)`,
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
    case 500: {
      const fault = errorKindProvocations.internalError;
      if (!env.storageFaultServer) return { ...base, skip: `${fault.skip} (give ${envName('storageFaultServer')})` };
      const plan = send(env.membersToken);
      return { ...plan, request: { ...plan.request!, server: env.storageFaultServer } };
    }
    default:
      return { ...base, skip: `no provocation known for DELETE ${status}` };
  }
}
