import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { excerpt, sendJson, sendNoContent, type RequestBody } from './http.js';
import type { DirectoryUser, FeatureFlag, OrgRole, Organization, Store } from './store.js';
import type { VerifiedToken } from './tokens.js';
import type { RateLimiter } from './rate-limit.js';

// Cloud Controller v2 role association by username: the errors of errors/v2.yml that these
// endpoints raise, checked in Cloud Controller's order.

export interface CloudControllerError {
  status: number;
  code: number;
  name: string;
  description: string;
}

const error = (status: number, code: number, name: string, description: string): CloudControllerError => ({
  status,
  code,
  name,
  description,
});

export const cfErrors = {
  notAuthenticated: () => error(401, 10002, 'NotAuthenticated', 'Authentication error'),
  invalidAuthToken: () => error(401, 1000, 'InvalidAuthToken', 'Invalid Auth Token'),
  insufficientScope: () =>
    error(403, 10007, 'InsufficientScope', 'Your token lacks the necessary scopes to access this resource.'),
  notAuthorized: () => error(403, 10003, 'NotAuthorized', 'You are not authorized to perform the requested action'),
  featureDisabled: (flag: FeatureFlag) => error(403, 330002, 'FeatureDisabled', `Feature Disabled: ${flag}`),
  messageParseError: (detail: string) =>
    error(400, 1001, 'MessageParseError', `Request invalid due to parse error: ${detail}`),
  userIsInMultipleOrigins: (origins: string[]) =>
    error(
      400,
      20006,
      'UserIsInMultipleOrigins',
      `The user exists in multiple origins. Specify an origin for the requested user from: ${origins.map((o) => `'${o}'`).join(', ')}`,
    ),
  associationNotEmpty: () =>
    error(400, 10006, 'AssociationNotEmpty', 'Please delete the space associations for your user.'),
  organizationNotFound: (guid: string) =>
    error(404, 30003, 'OrganizationNotFound', `The organization could not be found: ${excerpt(guid)}`),
  userNotFound: (username: string) => error(404, 20003, 'UserNotFound', `The user could not be found: ${username}`),
  userWithOriginNotFound: (username: string, origin: string) =>
    error(
      404,
      20007,
      'UserWithOriginNotFound',
      `The user could not be found, username: '${username}', origin: '${origin}'`,
    ),
  uaaUnavailable: () => error(503, 20004, 'UaaUnavailable', 'The UAA service is currently unavailable'),
  rateLimitExceeded: () => error(429, 10013, 'RateLimitExceeded', 'Rate Limit Exceeded'),
  // Not documented for these operations: answers faults that must not surface as an
  // undocumented 500. (Routes outside the contract get the dialect's unknownRoute answer.)
  serviceUnavailable: () => error(503, 10015, 'ServiceUnavailable', 'Service Unavailable'),
} as const;

export function sendCfError(res: ServerResponse, headers: OutgoingHttpHeaders, failure: CloudControllerError): void {
  sendJson(res, failure.status, headers, {
    description: failure.description,
    error_code: `CF-${failure.name}`,
    code: failure.code,
  });
}

export function organizationResource(org: Organization): unknown {
  const url = `/v2/organizations/${org.guid}`;
  return {
    metadata: { guid: org.guid, url, created_at: org.createdAt, updated_at: org.updatedAt },
    entity: {
      name: org.name,
      billing_enabled: org.billingEnabled,
      quota_definition_guid: org.quotaDefinitionGuid,
      status: org.status,
      default_isolation_segment_guid: org.defaultIsolationSegmentGuid,
      quota_definition_url: `/v2/quota_definitions/${org.quotaDefinitionGuid}`,
      spaces_url: `${url}/spaces`,
      domains_url: `${url}/domains`,
      private_domains_url: `${url}/private_domains`,
      users_url: `${url}/users`,
      managers_url: `${url}/managers`,
      billing_managers_url: `${url}/billing_managers`,
      auditors_url: `${url}/auditors`,
      app_events_url: `${url}/app_events`,
      space_quota_definitions_url: `${url}/space_quota_definitions`,
    },
  };
}

export interface RoleRequestBody {
  username: string;
  origin: string | undefined;
}

const MAX_NAME_LENGTH = 255;

/** The body as the contract's RoleByUsernameRequest: a JSON object, whatever the Content-Type. */
export function parseRoleRequest(body: RequestBody, maxBodyBytes: number): RoleRequestBody | CloudControllerError {
  if (body.kind === 'too_large') return cfErrors.messageParseError(`request body exceeds ${maxBodyBytes} bytes`);
  if (body.kind === 'aborted' || body.kind === 'malformed')
    return cfErrors.messageParseError('request body is incomplete');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.bytes.toString('utf8'));
  } catch {
    return cfErrors.messageParseError('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return cfErrors.messageParseError('request body must be a JSON object');
  }
  const fields = parsed as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'username' && key !== 'origin') {
      return cfErrors.messageParseError(`unknown field ${JSON.stringify(excerpt(key, 32))}`);
    }
  }
  const { username, origin } = fields;
  const validName = (value: unknown): value is string =>
    typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME_LENGTH;
  if (!validName(username)) {
    return cfErrors.messageParseError(`username must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (origin !== undefined && !validName(origin)) {
    return cfErrors.messageParseError(`origin must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return { username, origin };
}

export type Authentication =
  | { kind: 'none' }
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'keys_unavailable' }
  | { kind: 'valid'; token: VerifiedToken };

export interface CloudControllerDeps {
  store: Store;
  maxBodyBytes: number;
  deleteSuccessStatus: 200 | 204;
  rateLimiter: RateLimiter | undefined;
  userDirectoryAvailable: () => boolean;
}

export interface RoleRequest {
  req: IncomingMessage;
  res: ServerResponse;
  headers: OutgoingHttpHeaders;
  requestId: string;
  method: 'PUT' | 'DELETE';
  organizationGuid: string;
  role: OrgRole;
  recursive: boolean;
  authentication: Authentication;
  rateLimitKey: string;
  body: RequestBody;
}

function isCfError(value: unknown): value is CloudControllerError {
  return typeof value === 'object' && value !== null && 'code' in value && 'status' in value;
}

async function findUser(
  store: Store,
  username: string,
  origin: string | undefined,
): Promise<DirectoryUser | CloudControllerError> {
  const candidates = await store.findUsersByUsername(username);
  if (origin !== undefined) {
    return candidates.find((user) => user.origin === origin) ?? cfErrors.userWithOriginNotFound(username, origin);
  }
  if (candidates.length > 1) return cfErrors.userIsInMultipleOrigins(candidates.map((user) => user.origin));
  return candidates[0] ?? cfErrors.userNotFound(username);
}

export async function handleRoleRequest(deps: CloudControllerDeps, request: RoleRequest): Promise<void> {
  const { res, headers, authentication } = request;
  const fail = (failure: CloudControllerError): void => sendCfError(res, headers, failure);

  if (deps.rateLimiter) {
    const decision = deps.rateLimiter.take(request.rateLimitKey);
    if (!decision.allowed) {
      sendCfError(res, { ...headers, 'Retry-After': String(decision.retryAfterSeconds) }, cfErrors.rateLimitExceeded());
      return;
    }
  }

  // 1. Authentication.
  if (authentication.kind === 'none') return fail(cfErrors.notAuthenticated());
  // As Cloud Controller when it cannot fetch UAA's verification keys.
  if (authentication.kind === 'keys_unavailable') return fail(cfErrors.uaaUnavailable());
  if (authentication.kind !== 'valid') return fail(cfErrors.invalidAuthToken());
  const token = authentication.token;
  const isAdmin = token.scopes.has('cloud_controller.admin');

  // 2. Feature flag (admins bypass it).
  const flag: FeatureFlag = request.method === 'PUT' ? 'set_roles_by_username' : 'unset_roles_by_username';
  if (!isAdmin && !(await deps.store.getFeatureFlag(flag))) return fail(cfErrors.featureDisabled(flag));

  // 3. Body.
  const body = parseRoleRequest(request.body, deps.maxBodyBytes);
  if (isCfError(body)) return fail(body);

  // 4–5. Origin check and user lookup in the directory.
  if (!deps.userDirectoryAvailable()) return fail(cfErrors.uaaUnavailable());
  const user = await findUser(deps.store, body.username, body.origin);
  if (isCfError(user)) return fail(user);

  // 6. Organization lookup (a malformed guid is just an unknown one).
  const org = await deps.store.findOrganization(request.organizationGuid);
  if (!org) return fail(cfErrors.organizationNotFound(request.organizationGuid));

  // 7. Scope and permission.
  if (!isAdmin) {
    if (!token.scopes.has('cloud_controller.write')) return fail(cfErrors.insufficientScope());
    const isManager = token.userId !== undefined && (await deps.store.hasOrgRole(org.guid, token.userId, 'managers'));
    if (!isManager || org.status !== 'active') return fail(cfErrors.notAuthorized());
  }

  // 8. The change.
  const context = { actorUserId: token.userId, requestId: request.requestId };
  if (request.method === 'PUT') {
    await deps.store.grantOrgRole(org.guid, user.id, request.role, context);
    sendJson(res, 201, headers, organizationResource(org));
    return;
  }
  const result = await deps.store.revokeOrgRole(org.guid, user.id, request.role, request.recursive, context);
  if (!result.ok) return fail(cfErrors.associationNotEmpty());
  if (deps.deleteSuccessStatus === 200) sendJson(res, 200, headers, organizationResource(org));
  else sendNoContent(res, headers);
}
