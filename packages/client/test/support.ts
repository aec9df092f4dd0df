import { vi } from 'vitest';

export const CLOUD_CONTROLLER_URL = 'https://api.sys.example.org';
export const MEMBERS_URL = 'https://api.aerospike.example/v1';
export const TOKEN_URL = 'https://auth.example/oauth/token';
export const ORG_GUID = '6f0e3308-1340-4682-937e-7b8186f5431e';
export const SPACE_GUID = 'e2d05c43-f95f-4ec7-82ec-0904d82abe5e';
export const USER_ID = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34';

export type Handler = (request: Request) => Response | Promise<Response>;

/**
 * A fetch that answers each request with the next handler, and records the requests with
 * their bodies already read (the attempt's Request is what the transport sent).
 */
export function fakeFetch(...handlers: Handler[]) {
  const requests: Array<{ request: Request; body: string }> = [];
  const fetch = vi.fn(async (request: Request) => {
    const handler = handlers.shift();
    if (!handler) throw new Error(`unexpected request ${request.method} ${request.url}`);
    requests.push({ request, body: await request.clone().text() });
    return handler(request);
  });
  return Object.assign(fetch, { requests, handlers });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

/** A fetch handler that never answers but rejects when the attempt's signal aborts. */
export const hang: Handler = (request) =>
  new Promise((_, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

/** A fetch handler that never answers, whatever happens to the signal. */
export const ignoreSignal: Handler = () => new Promise<Response>(() => {});

export const organization = {
  metadata: {
    guid: ORG_GUID,
    url: `/v2/organizations/${ORG_GUID}`,
    created_at: '2016-06-08T16:41:35Z',
    updated_at: null,
  },
  entity: {
    name: 'name-1766',
    billing_enabled: false,
    quota_definition_guid: '566e09b9-2b73-4506-be69-97b1cdca0f1c',
    status: 'active',
    quota_definition_url: '/v2/quota_definitions/566e09b9-2b73-4506-be69-97b1cdca0f1c',
    spaces_url: `/v2/organizations/${ORG_GUID}/spaces`,
    domains_url: `/v2/organizations/${ORG_GUID}/domains`,
    private_domains_url: `/v2/organizations/${ORG_GUID}/private_domains`,
    users_url: `/v2/organizations/${ORG_GUID}/users`,
    managers_url: `/v2/organizations/${ORG_GUID}/managers`,
    billing_managers_url: `/v2/organizations/${ORG_GUID}/billing_managers`,
    auditors_url: `/v2/organizations/${ORG_GUID}/auditors`,
    app_events_url: `/v2/organizations/${ORG_GUID}/app_events`,
    space_quota_definitions_url: `/v2/organizations/${ORG_GUID}/space_quota_definitions`,
  },
} as const;

/** A space as Cloud Controller's published reference shows it (name-2083). */
export const space = {
  metadata: {
    guid: 'e2d05c43-f95f-4ec7-82ec-0904d82abe5e',
    url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e',
    created_at: '2016-06-08T16:41:41Z',
    updated_at: '2016-06-08T16:41:26Z',
  },
  entity: {
    name: 'name-2083',
    organization_guid: 'd356e46f-3fd5-47d4-ab4e-1f1c3f597bcb',
    space_quota_definition_guid: null,
    allow_ssh: true,
    organization_url: '/v2/organizations/d356e46f-3fd5-47d4-ab4e-1f1c3f597bcb',
    developers_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/developers',
    managers_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/managers',
    auditors_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/auditors',
    apps_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/apps',
    routes_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/routes',
    domains_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/domains',
    service_instances_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/service_instances',
    app_events_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/app_events',
    events_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/events',
    security_groups_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/security_groups',
    staging_security_groups_url: '/v2/spaces/e2d05c43-f95f-4ec7-82ec-0904d82abe5e/staging_security_groups',
  },
};
