import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  cfErrors,
  hasCloudControllerRecord,
  mayChange,
  organizationResource,
  sendCfError,
  spaceResource,
  type Authentication,
  type CloudControllerError,
  type Resolved,
} from './cloud-controller.js';
import { decodePathSegment, isCfError, requireToken } from './cloud-controller-reads.js';
import { sendJson, sendNoContent, type RequestTarget } from './http.js';
import type { OrgRole, Organization, Space, SpaceRole, Store } from './store.js';
import type { VerifiedToken } from './tokens.js';

// The role routes by user guid: PUT and DELETE /v2/organizations/:guid/:role/:user_guid and
// /v2/spaces/:guid/:role/:user_guid, the cf CLI v6's path when the by-username feature flags
// are off. No body, no feature flag; PUT answers 201 with the organization or space, DELETE
// 204. Checked in Cloud Controller's order: the token, the organization or space, access,
// then the user. Cloud Controller does not ask UAA here: a user it has no record of (one
// only the directory knows included) answers 400 InvalidRelation on PUT and DELETE alike,
// and nothing changes; only the routes by username create the record.

const ORG_ROLE_BY_GUID = /^\/v2\/organizations\/([^/]+)\/(users|managers|billing_managers|auditors)\/([^/]+)$/;
const SPACE_ROLE_BY_GUID = /^\/v2\/spaces\/([^/]+)\/(developers|managers|auditors)\/([^/]+)$/;

type Outcome = { status: 201; body: unknown } | { status: 204 } | CloudControllerError;

export interface RolesByGuidOptions {
  store: Store;
}

/**
 * OrganizationAccess / SpaceAccess: admins; with the write scope, whoever may change roles by
 * username (mayChange: Org Managers, Space Managers of the space), and users removing their own
 * role from an active organization.
 */
async function permissionError(
  store: Store,
  token: VerifiedToken,
  target: Resolved,
  removal: boolean,
  userGuid: string,
): Promise<CloudControllerError | undefined> {
  if (token.scopes.has('cloud_controller.admin')) return undefined;
  if (!token.scopes.has('cloud_controller.write')) return cfErrors.insufficientScope();
  if (removal && token.userId === userGuid && target.organization.status === 'active') return undefined;
  return (await mayChange(store, token.userId, target)) ? undefined : cfErrors.notAuthorized();
}

export function createRolesByGuid(options: RolesByGuidOptions) {
  const { store } = options;

  async function changeOrganizationRole(
    method: 'PUT' | 'DELETE',
    url: RequestTarget,
    match: RegExpExecArray,
    token: VerifiedToken,
    requestId: string,
  ): Promise<Outcome> {
    const orgGuid = decodePathSegment(match[1]!);
    const role = match[2] as OrgRole;
    const userGuid = decodePathSegment(match[3]!);
    const org = await store.findOrganization(orgGuid);
    if (!org) return cfErrors.organizationNotFound(orgGuid);
    const denied = await permissionError(
      store,
      token,
      { kind: 'organization', organization: org },
      method === 'DELETE',
      userGuid,
    );
    if (denied) return denied;
    const user = await findUser(userGuid, token);
    if (isCfError(user)) return user;
    const context = { actorUserId: token.userId, requestId };
    if (method === 'PUT') {
      await store.grantOrgRole(org.guid, user.id, role, context);
      return { status: 201, body: organizationResource(org) };
    }
    // Rack keeps the last of repeated parameters; only exactly "true" counts.
    const recursive = role === 'users' && url.searchParams.getAll('recursive').at(-1) === 'true';
    const result = await store.revokeOrgRole(org.guid, user.id, role, recursive, context);
    if (!result.ok) return cfErrors.associationNotEmpty();
    return { status: 204 };
  }

  /** The user among Cloud Controller's records (User[guid:] in add_/remove_*_by_guid). */
  async function findUser(userGuid: string, token: VerifiedToken) {
    const user = await store.findUserById(userGuid);
    if (!user || !(await hasCloudControllerRecord(store, user.id, token))) return cfErrors.unknownUserGuid(userGuid);
    return user;
  }

  async function changeSpaceRole(
    method: 'PUT' | 'DELETE',
    match: RegExpExecArray,
    token: VerifiedToken,
    requestId: string,
  ): Promise<Outcome> {
    const spaceGuid = decodePathSegment(match[1]!);
    const role = match[2] as SpaceRole;
    const userGuid = decodePathSegment(match[3]!);
    const space = await store.findSpace(spaceGuid);
    const org = space && (await store.findOrganization(space.organizationGuid));
    if (!space || !org) return cfErrors.spaceNotFound(spaceGuid);
    const denied = await permissionError(
      store,
      token,
      { kind: 'space', space, organization: org },
      method === 'DELETE',
      userGuid,
    );
    if (denied) return denied;
    const user = await findUser(userGuid, token);
    if (isCfError(user)) return user;
    const context = { actorUserId: token.userId, requestId };
    if (method === 'PUT') {
      // Space#validate_developer and the others: the user must be in the space's organization.
      const granted = await store.grantSpaceRole(space.guid, user.id, role, context);
      if (!granted.ok) return cfErrors.invalidRelation(user.id);
      return { status: 201, body: spaceResource(space) };
    }
    await store.revokeSpaceRole(space.guid, user.id, role, context);
    return { status: 204 };
  }

  /** Answers the by-guid role routes; false for any other request. */
  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    headers: OutgoingHttpHeaders,
    requestId: string,
    authenticate: () => Promise<Authentication>,
  ): Promise<boolean> {
    const method = req.method;
    if (method !== 'PUT' && method !== 'DELETE') return false;
    const orgMatch = ORG_ROLE_BY_GUID.exec(url.pathname);
    const spaceMatch = orgMatch ? null : SPACE_ROLE_BY_GUID.exec(url.pathname);
    if (!orgMatch && !spaceMatch) return false;
    const token = requireToken(await authenticate());
    const outcome = isCfError(token)
      ? token
      : orgMatch
        ? await changeOrganizationRole(method, url, orgMatch, token, requestId)
        : await changeSpaceRole(method, spaceMatch!, token, requestId);
    if (isCfError(outcome)) sendCfError(res, headers, outcome);
    else if (outcome.status === 201) sendJson(res, 201, headers, outcome.body);
    else sendNoContent(res, headers);
    return true;
  }

  return { handle };
}
