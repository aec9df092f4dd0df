import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { excerpt, sendJson, sendNoContent, type RequestBody } from './http.js';
import type { DirectoryUser, FeatureFlag, OrgRole, Organization, Space, SpaceRole, Store } from './store.js';
import type { VerifiedToken } from './tokens.js';

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
  // Verbatim: tools (cf-mgmt) match the end of this text to remove the space roles first.
  associationNotEmpty: () =>
    error(400, 10006, 'AssociationNotEmpty', 'Please delete the user associations for your spaces in the org.'),
  invalidRelation: (userId: string) => error(400, 1002, 'InvalidRelation', userId),
  /** The routes by user guid: Cloud Controller has no record of this user (vcap_relations' add_/remove_*_by_guid). */
  unknownUserGuid: (userGuid: string) =>
    error(400, 1002, 'InvalidRelation', `Could not find VCAP::CloudController::User with guid: ${excerpt(userGuid)}`),
  spaceNotFound: (guid: string) =>
    error(404, 40004, 'SpaceNotFound', `The app space could not be found: ${excerpt(guid)}`),
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
  ipBasedRateLimitExceeded: () =>
    error(
      429,
      10014,
      'IPBasedRateLimitExceeded',
      'Rate Limit Exceeded: Unauthenticated requests from this IP address have exceeded the limit. Please log in.',
    ),
  rateLimitV2ApiExceeded: () =>
    error(429, 10018, 'RateLimitV2APIExceeded', 'Rate Limit of V2 API Exceeded. Please consider using the V3 API'),
  serverError: () => error(500, 10001, 'ServerError', 'Server error'),
} as const;

export function sendCfError(res: ServerResponse, headers: OutgoingHttpHeaders, failure: CloudControllerError): void {
  sendJson(res, failure.status, headers, {
    description: failure.description,
    error_code: `CF-${failure.name}`,
    code: failure.code,
  });
}

/** The body of a CF error as JSON text (also sent as text/plain by the rate limiters). */
export function cfErrorBody(failure: CloudControllerError): string {
  return JSON.stringify({ description: failure.description, error_code: `CF-${failure.name}`, code: failure.code });
}

export function spaceResource(space: Space): unknown {
  const url = `/v2/spaces/${space.guid}`;
  return {
    metadata: { guid: space.guid, url, created_at: space.createdAt, updated_at: space.updatedAt },
    entity: {
      name: space.name,
      organization_guid: space.organizationGuid,
      space_quota_definition_guid: space.spaceQuotaDefinitionGuid,
      allow_ssh: space.allowSsh,
      isolation_segment_guid: space.isolationSegmentGuid,
      organization_url: `/v2/organizations/${space.organizationGuid}`,
      ...(space.spaceQuotaDefinitionGuid
        ? { space_quota_definition_url: `/v2/space_quota_definitions/${space.spaceQuotaDefinitionGuid}` }
        : {}),
      ...(space.isolationSegmentGuid
        ? { isolation_segment_url: `/v3/isolation_segments/${space.isolationSegmentGuid}` }
        : {}),
      developers_url: `${url}/developers`,
      managers_url: `${url}/managers`,
      auditors_url: `${url}/auditors`,
      apps_url: `${url}/apps`,
      routes_url: `${url}/routes`,
      domains_url: `${url}/domains`,
      service_instances_url: `${url}/service_instances`,
      app_events_url: `${url}/app_events`,
      events_url: `${url}/events`,
      security_groups_url: `${url}/security_groups`,
      staging_security_groups_url: `${url}/staging_security_groups`,
    },
  };
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

/**
 * The body as Cloud Controller reads it: a JSON object whatever the Content-Type; other
 * fields are ignored; `username` is not validated (anything but a string is looked up as
 * its text, and finds nobody); an `origin` of `""` or `null` is no origin.
 */
export interface RoleRequestBody {
  username: string;
  origin: string | undefined;
}

/** How Ruby's to_s renders a JSON value that is not a string (nil → ""). */
function asLookupText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function parseRoleRequest(body: RequestBody, maxBodyBytes: number): RoleRequestBody | CloudControllerError {
  if (body.kind === 'too_large') return cfErrors.messageParseError(`request body is larger than ${maxBodyBytes} bytes`);
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
  const origin = fields['origin'];
  return {
    username: asLookupText(fields['username']),
    origin: origin === undefined || origin === null || origin === '' ? undefined : asLookupText(origin),
  };
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
  userDirectoryAvailable: () => boolean;
}

/** Whose role changes: an organization role or a space role. */
export type RoleTarget = { kind: 'organization'; role: OrgRole } | { kind: 'space'; role: SpaceRole };

export interface RoleRequest {
  res: ServerResponse;
  headers: OutgoingHttpHeaders;
  requestId: string;
  /** PUT associates; DELETE (deprecated) and POST .../remove remove. */
  action: 'associate' | 'remove';
  /** DELETE: the organization answers as configured (200 or 204); POST .../remove always 204. */
  viaDelete: boolean;
  guid: string;
  target: RoleTarget;
  recursive: boolean;
  authentication: Authentication;
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
  const candidates = username === '' ? [] : await store.findUsersByUsername(username);
  if (origin !== undefined) {
    return candidates.find((user) => user.origin === origin) ?? cfErrors.userWithOriginNotFound(username, origin);
  }
  if (candidates.length > 1) return cfErrors.userIsInMultipleOrigins(candidates.map((user) => user.origin));
  return candidates[0] ?? cfErrors.userNotFound(username);
}

/** The organization or the space the request names, with the organization of a space. */
/** The organization, or the space with its organization, a role change is about. */
export type Resolved =
  { kind: 'organization'; organization: Organization } | { kind: 'space'; space: Space; organization: Organization };

async function resolveTarget(store: Store, request: RoleRequest): Promise<Resolved | CloudControllerError> {
  if (request.target.kind === 'organization') {
    const organization = await store.findOrganization(request.guid);
    return organization ? { kind: 'organization', organization } : cfErrors.organizationNotFound(request.guid);
  }
  const space = await store.findSpace(request.guid);
  const organization = space && (await store.findOrganization(space.organizationGuid));
  return space && organization ? { kind: 'space', space, organization } : cfErrors.spaceNotFound(request.guid);
}

/**
 * Organizations: an Org Manager of an active organization. Spaces (SpaceAccess#update?): an
 * Org Manager of the space's active organization, or a Space Manager of the space.
 */
/**
 * Whether Cloud Controller has a record of the user. It makes one for every caller it
 * authenticates (SecurityContextConfigurer#user_from_token), so the caller always has one.
 */
export async function hasCloudControllerRecord(store: Store, userId: string, token: VerifiedToken): Promise<boolean> {
  return userId === token.userId || (await store.hasCloudControllerRecord(userId));
}

export async function mayChange(store: Store, userId: string | undefined, target: Resolved): Promise<boolean> {
  if (userId === undefined || target.organization.status !== 'active') return false;
  if (await store.hasOrgRole(target.organization.guid, userId, 'managers')) return true;
  return target.kind === 'space' && (await store.hasSpaceRole(target.space.guid, userId, 'managers'));
}

export async function handleRoleRequest(deps: CloudControllerDeps, request: RoleRequest): Promise<void> {
  const { res, headers, authentication } = request;
  const fail = (failure: CloudControllerError): void => sendCfError(res, headers, failure);

  // 1. Authentication (rate limits ran before the request got here).
  if (authentication.kind === 'none') return fail(cfErrors.notAuthenticated());
  // As Cloud Controller when it cannot fetch UAA's verification keys.
  if (authentication.kind === 'keys_unavailable') return fail(cfErrors.uaaUnavailable());
  if (authentication.kind !== 'valid') return fail(cfErrors.invalidAuthToken());
  const token = authentication.token;
  const isAdmin = token.scopes.has('cloud_controller.admin');

  // 2. Feature flag (admins bypass it).
  const flag: FeatureFlag = request.action === 'associate' ? 'set_roles_by_username' : 'unset_roles_by_username';
  if (!isAdmin && !(await deps.store.getFeatureFlag(flag))) return fail(cfErrors.featureDisabled(flag));

  // 3. Body.
  const body = parseRoleRequest(request.body, deps.maxBodyBytes);
  if (isCfError(body)) return fail(body);

  // 4–5. Origin check and user lookup in the directory (UAA).
  if (!deps.userDirectoryAvailable()) return fail(cfErrors.uaaUnavailable());
  const user = await findUser(deps.store, body.username, body.origin);
  if (isCfError(user)) return fail(user);

  // 6. Removals look the user up in Cloud Controller's own records too.
  if (request.action === 'remove' && !(await hasCloudControllerRecord(deps.store, user.id, token))) {
    return fail(cfErrors.userNotFound(user.id));
  }

  // 7. The organization or space (a malformed guid is just an unknown one).
  const target = await resolveTarget(deps.store, request);
  if (isCfError(target)) return fail(target);

  // 8. Scope and permission.
  if (!isAdmin) {
    if (!token.scopes.has('cloud_controller.write')) return fail(cfErrors.insufficientScope());
    if (!(await mayChange(deps.store, token.userId, target))) return fail(cfErrors.notAuthorized());
  }

  // 9. The change.
  const context = { actorUserId: token.userId, requestId: request.requestId };
  if (target.kind === 'space') {
    const role = request.target.role as SpaceRole;
    if (request.action === 'associate') {
      const granted = await deps.store.grantSpaceRole(target.space.guid, user.id, role, context);
      if (!granted.ok) return fail(cfErrors.invalidRelation(user.id));
      sendJson(res, 201, headers, spaceResource(target.space));
      return;
    }
    await deps.store.revokeSpaceRole(target.space.guid, user.id, role, context);
    sendJson(res, 200, headers, spaceResource(target.space));
    return;
  }
  const org = target.organization;
  const role = request.target.role as OrgRole;
  if (request.action === 'associate') {
    await deps.store.grantOrgRole(org.guid, user.id, role, context);
    sendJson(res, 201, headers, organizationResource(org));
    return;
  }
  const result = await deps.store.revokeOrgRole(org.guid, user.id, role, request.recursive, context);
  if (!result.ok) return fail(cfErrors.associationNotEmpty());
  if (request.viaDelete && deps.deleteSuccessStatus === 200) sendJson(res, 200, headers, organizationResource(org));
  else sendNoContent(res, headers);
}
