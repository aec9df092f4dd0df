import type { components, paths } from '@org-membership-api/types';
import createClient, { type Client } from 'openapi-fetch';
import { unwrap } from './errors.js';
import { createTransport, type TokenProvider, type TransportOptions } from './transport.js';

/** The four organization roles Cloud Controller v2 assigns by username. */
export type Role = 'users' | 'managers' | 'billing_managers' | 'auditors';

export type Organization = components['schemas']['OrganizationResource'];

/** The Cloud Controller v2 paths (organization roles by username). */
export type CloudControllerPaths = Pick<paths, `/v2/organizations/{guid}/${Role}`>;
/** The Aerospike Cloud API paths (organization members). */
export type MembersPaths = Pick<paths, '/organization/members/{userId}'>;

export interface ApiOptions {
  /** Cloud Controller: `https://api.<system domain>`; Aerospike Cloud: `https://api.aerospike.com/v1`. */
  baseUrl: string;
  /** A static access token, or a function that gives one per request (e.g. {@link clientCredentials}). */
  token?: string | TokenProvider;
}

export interface OrgMembershipClientOptions extends TransportOptions {
  /** Cloud Controller v2 (organization roles). */
  cloudController?: ApiOptions;
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

export interface RoleTarget {
  /** The organization's guid. */
  org: string;
  role: Role;
  username: string;
  /** The identity provider the user is registered with (`uaa`, `ldap`, ...); needed when the username exists in several. */
  origin?: string;
}

/** `recursive` (also remove the user's space roles) exists for the `users` role only. */
export type RoleRemoval = RoleTarget &
  ({ role: 'users'; recursive?: boolean } | { role: Exclude<Role, 'users'>; recursive?: never });

export interface OrgMembershipClient {
  roles: {
    /** Gives `username` the role in the organization (201: answers the organization). */
    associate(target: RoleTarget, options?: CallOptions): Promise<Organization>;
    /**
     * Takes the role away. Cloud Controller releases before 2016 answer 200 with the
     * organization, later ones 204 with no body: the result is then `undefined`.
     */
    remove(target: RoleRemoval, options?: CallOptions): Promise<Organization | undefined>;
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
  // The four role paths have identical operations, so one of them types them all.
  const rolePath = (role: Role) => `/v2/organizations/{guid}/${role}` as '/v2/organizations/{guid}/users';

  return {
    roles: {
      associate: async ({ org, role, username, origin }, call) =>
        unwrap(
          await cloudController().PUT(rolePath(role), {
            params: { path: { guid: org } },
            body: { username, origin },
            ...call,
          }),
        ),
      remove: async ({ org, role, username, origin, recursive }, call) =>
        unwrap(
          await cloudController().DELETE(rolePath(role), {
            params: { path: { guid: org }, query: { recursive } },
            body: { username, origin },
            ...call,
          }),
        ),
    },
    members: {
      remove: async ({ userId }, call) => {
        unwrap(await members().DELETE('/organization/members/{userId}', { params: { path: { userId } }, ...call }));
      },
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
