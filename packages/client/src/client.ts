import type { components, paths } from '@org-membership-api/types';
import createClient, { type Client } from 'openapi-fetch';
import { unwrap } from './errors.js';
import { createTransport, type TokenProvider, type TransportOptions } from './transport.js';

/** The four organization roles Cloud Controller v2 assigns by username. */
export type Role = 'users' | 'managers' | 'billing_managers' | 'auditors';
/** The three space roles Cloud Controller v2 assigns by username. */
export type SpaceRole = 'developers' | 'managers' | 'auditors';

export type Organization = components['schemas']['OrganizationResource'];
export type Space = components['schemas']['SpaceResource'];

/** The Cloud Controller v2 paths (organization and space roles by username). */
export type CloudControllerPaths = Pick<
  paths,
  | `/v2/organizations/{guid}/${Role}`
  | `/v2/organizations/{guid}/${Role}/remove`
  | `/v2/spaces/{guid}/${SpaceRole}`
  | `/v2/spaces/{guid}/${SpaceRole}/remove`
>;
/** The Aerospike Cloud API paths (organization members). */
export type MembersPaths = Pick<paths, '/organization/members/{userId}'>;

export interface ApiOptions {
  /** Cloud Controller: `https://api.<system domain>`; Aerospike Cloud: `https://api.aerospike.com/v1`. */
  baseUrl: string;
  /** A static access token, or a function that gives one per request (e.g. {@link clientCredentials}). */
  token?: string | TokenProvider;
}

export interface CloudControllerOptions extends ApiOptions {
  /**
   * Removes roles with the deprecated `DELETE /v2/{organizations,spaces}/{guid}/{role}` instead of
   * `POST …/{role}/remove`, for foundations whose Cloud Controller predates `…/remove`.
   */
  removeWithDelete?: boolean;
}

export interface OrgMembershipClientOptions extends TransportOptions {
  /** Cloud Controller v2 (organization and space roles). */
  cloudController?: CloudControllerOptions;
  /** Aerospike Cloud API (organization members). */
  members?: ApiOptions;
}

/** Per-call options of the `roles` and `members` methods. */
export interface CallOptions {
  /** Cancels the call at once, including a wait between retries. */
  signal?: AbortSignal;
  /** Extra request headers, e.g. `X-VCAP-Request-ID` to correlate logs. */
  headers?: Record<string, string>;
}

interface ByUsername {
  username: string;
  /** The identity provider the user is registered with (`uaa`, `ldap`, ...); needed when the username exists in several. */
  origin?: string;
}

/** An organization role of a user. */
export interface RoleTarget extends ByUsername {
  /** The organization's guid. */
  org: string;
  role: Role;
  space?: never;
}

/** A space role of a user (who must be a member of the space's organization to get one). */
export interface SpaceRoleTarget extends ByUsername {
  /** The space's guid. */
  space: string;
  role: SpaceRole;
  org?: never;
}

/** `recursive` (also remove the user's space roles) exists for the organization `users` role only. */
export type RoleRemoval = RoleTarget &
  ({ role: 'users'; recursive?: boolean } | { role: Exclude<Role, 'users'>; recursive?: never });
export type SpaceRoleRemoval = SpaceRoleTarget & { recursive?: never };

export interface OrgMembershipClient {
  roles: {
    /** Gives `username` the role in the organization (answers it) or in the space (answers it). */
    associate(target: RoleTarget, options?: CallOptions): Promise<Organization>;
    associate(target: SpaceRoleTarget, options?: CallOptions): Promise<Space>;
    /**
     * Takes the role away with `POST …/{role}/remove` (or the deprecated `DELETE`, see
     * {@link CloudControllerOptions.removeWithDelete}). Organizations: `undefined` (204), or the
     * organization from a `DELETE` to a release before 2016 (200). Spaces: the space (200).
     */
    remove(target: RoleRemoval, options?: CallOptions): Promise<Organization | undefined>;
    remove(target: SpaceRoleRemoval, options?: CallOptions): Promise<Space>;
  };
  members: {
    /** Removes the user from the caller's organization (the token's). */
    remove(member: { userId: string }, options?: CallOptions): Promise<void>;
  };
  /** The typed openapi-fetch clients, for anything the `roles` and `members` methods do not cover. */
  raw: {
    readonly cloudController: Client<CloudControllerPaths>;
    readonly members: Client<MembersPaths>;
  };
}

/**
 * One client for both APIs, each on its own host with its own credentials. Non-2xx answers
 * throw {@link ApiError}; network errors, timeouts and aborts throw as `fetch` does.
 */
export function createOrgMembershipClient(options: OrgMembershipClientOptions): OrgMembershipClient {
  // One openapi-fetch client per API, used as it is documented: it builds a WHATWG Request for
  // every call (the methods' and the raw ones'), runs the middleware added with `raw.*.use()`,
  // and hands the Request to the transport as its `fetch`.
  const connect = <Paths extends {}>(name: 'cloudController' | 'members') => {
    const api = options[name];
    const client = api && createClient<Paths>({ baseUrl: api.baseUrl, fetch: createTransport(options, api) });
    return (): Client<Paths> => {
      if (!client) throw new Error(`The ${name} API is not configured: pass options.${name}.baseUrl`);
      return client;
    };
  };
  const cloudController = connect<CloudControllerPaths>('cloudController');
  const members = connect<MembersPaths>('members');
  // The role operations differ only in their answers (the facade's signatures give them), so one
  // path and method type every call.
  type Path = '/v2/organizations/{guid}/users';
  const roleCall = async (
    method: 'PUT' | 'POST' | 'DELETE',
    // The rest is the body: `username` and `origin`.
    { org, space, role, recursive, ...body }: (RoleRemoval | SpaceRoleRemoval) & { recursive?: boolean },
    call?: CallOptions,
  ) =>
    unwrap(
      await cloudController()[method as 'DELETE'](
        `/v2/${org ? 'organizations' : 'spaces'}/{guid}/${role}${method === 'POST' ? '/remove' : ''}` as Path,
        // openapi-fetch sends a boolean as `true`/`false`; Cloud Controller counts only `true`.
        { params: { path: { guid: org ?? space }, query: { recursive } as { recursive?: string } }, body, ...call },
      ),
    );

  return {
    roles: {
      associate: roleCall.bind(null, 'PUT'),
      remove: roleCall.bind(null, options.cloudController?.removeWithDelete ? 'DELETE' : 'POST'),
    } as OrgMembershipClient['roles'],
    members: {
      remove: async ({ userId }, call) =>
        unwrap(await members().DELETE('/organization/members/{userId}', { params: { path: { userId } }, ...call })),
    },
    raw: {
      get cloudController() {
        return cloudController();
      },
      get members() {
        return members();
      },
    },
  };
}
