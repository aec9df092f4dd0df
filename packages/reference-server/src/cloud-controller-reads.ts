import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  cfErrors,
  organizationResource,
  sendCfError,
  spaceResource,
  type Authentication,
  type CloudControllerError,
} from './cloud-controller.js';
import { sendJson, type RequestTarget } from './http.js';
import { FEATURE_FLAGS, type FeatureFlag, type Organization, type Space, type Store, type UserRoles } from './store.js';
import type { VerifiedToken } from './tokens.js';

// The Cloud Controller v2 reads the cf CLI v6 makes around the role commands: GET /v2/info
// and GET / (no token), GET /v2/config/feature_flags/:name, and the paged lists of
// organizations and spaces with `q`, `order-by`, `order-direction`, `page`,
// `results-per-page` and `inline-relations-depth`, as Cloud Controller answers them.

/** The v2 API version this server reports (what the cf CLI v6 reads from /v2/info). */
export const apiVersion = '2.150.0';

export const readErrors = {
  badQueryParameter: (detail: string) =>
    ({
      status: 400,
      code: 10005,
      name: 'BadQueryParameter',
      description: `The query parameter is invalid: ${detail}`,
    }) as const,
  featureFlagNotFound: (name: string) =>
    ({
      status: 404,
      code: 330000,
      name: 'FeatureFlagNotFound',
      description: `The feature flag could not be found: ${name}`,
    }) as const,
} satisfies Record<string, (detail: string) => CloudControllerError>;

/** Cloud Controller's flags and their defaults (FeatureFlag::DEFAULT_FLAGS); the role flags are stored. */
const FLAG_DEFAULTS: Readonly<Record<string, boolean>> = {
  user_org_creation: false,
  private_domain_creation: true,
  app_bits_upload: true,
  app_scaling: true,
  route_creation: true,
  service_instance_creation: true,
  diego_docker: false,
  diego_cnb: false,
  set_roles_by_username: true,
  unset_roles_by_username: true,
  task_creation: true,
  env_var_visibility: true,
  space_scoped_private_broker_creation: true,
  space_developer_env_var_visibility: true,
  service_instance_sharing: false,
  hide_marketplace_from_unauthenticated_users: false,
  resource_matching: true,
  route_sharing: false,
  hash_based_routing: false,
};

export interface ReadOptions {
  store: Store;
  baseUrl: (req: IncomingMessage) => string;
}

const seesEverything = (token: VerifiedToken): boolean =>
  token.scopes.has('cloud_controller.admin') ||
  token.scopes.has('cloud_controller.admin_read_only') ||
  token.scopes.has('cloud_controller.global_auditor');

const mayRead = (token: VerifiedToken): boolean => seesEverything(token) || token.scopes.has('cloud_controller.read');

/** The token of an authenticated request, or the error Cloud Controller answers without one. */
export function requireToken(authentication: Authentication): VerifiedToken | CloudControllerError {
  if (authentication.kind === 'none') return cfErrors.notAuthenticated();
  if (authentication.kind === 'keys_unavailable') return cfErrors.uaaUnavailable();
  if (authentication.kind !== 'valid') return cfErrors.invalidAuthToken();
  return authentication.token;
}

/** A percent-decoded path segment (a malformed escape is kept as it is, and finds nothing). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const isCfError = (value: unknown): value is CloudControllerError =>
  typeof value === 'object' && value !== null && 'code' in value && 'status' in value && 'description' in value;

// ---- paged lists ----

interface ListQuery {
  filters: Array<{ attribute: string; values: string[] }>;
  orderBy: 'id' | 'name';
  descending: boolean;
  page: number;
  perPage: number;
  inlineRelationsDepth: number | undefined;
  /** The query's own `q` values, for next_url / prev_url. */
  q: string[];
  orderByGiven: boolean;
}

function integerParameter(value: string | null, name: string): number | CloudControllerError | undefined {
  if (value === null) return undefined;
  if (!/^[+-]?\d{1,9}$/.test(value.trim())) return readErrors.badQueryParameter(name);
  return Number(value.trim());
}

/** Parses the list parameters as Cloud Controller's CommonParams, Query and renderer do. */
function parseListQuery(url: RequestTarget, queryable: readonly string[]): ListQuery | CloudControllerError {
  const params = url.searchParams;
  const page = integerParameter(params.get('page'), 'page') ?? 1;
  const perPage = integerParameter(params.get('results-per-page'), 'results-per-page') ?? 50;
  const depth = integerParameter(params.get('inline-relations-depth'), 'inline-relations-depth');
  for (const value of [page, perPage, depth]) if (isCfError(value)) return value;
  if ((page as number) < 1) return readErrors.badQueryParameter('page must be >= 1');
  if ((perPage as number) < 1) return readErrors.badQueryParameter('results_per_page must be >= 1');
  if ((perPage as number) > 100) return readErrors.badQueryParameter('results_per_page must be <= 100');
  if (depth !== undefined && ((depth as number) < 0 || (depth as number) > 3)) {
    return readErrors.badQueryParameter('inline_relations_depth must be <= 3');
  }
  const orderBy = params.get('order-by') ?? 'id';
  if (orderBy !== 'id' && orderBy !== 'name') return readErrors.badQueryParameter(`order-by ${orderBy.slice(0, 32)}`);
  const direction = params.get('order-direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') return readErrors.badQueryParameter('order-direction');

  const q = params.getAll('q');
  const filters: ListQuery['filters'] = [];
  // `;` separates conditions inside one q (`;;` is a literal `;`).
  for (const segment of q.flatMap((value) => value.split(/;(?!;)/).map((part) => part.replace(/;;/g, ';')))) {
    const match = /^(.*?)(:| IN )(.*)$/s.exec(segment);
    if (!match || !queryable.includes(match[1]!)) {
      return readErrors.badQueryParameter((match?.[1] ?? segment).slice(0, 64));
    }
    filters.push({ attribute: match[1]!, values: match[2] === ':' ? [match[3]!] : match[3]!.split(',') });
  }
  return {
    filters,
    orderBy,
    descending: direction === 'desc',
    page: page as number,
    perPage: perPage as number,
    inlineRelationsDepth: depth as number | undefined,
    q,
    orderByGiven: params.has('order-by'),
  };
}

function pageUrl(path: string, query: ListQuery, page: number): string {
  // Cloud Controller's renderer sorts the parameters by name.
  const params = new URLSearchParams();
  if (query.inlineRelationsDepth !== undefined)
    params.append('inline-relations-depth', String(query.inlineRelationsDepth));
  if (query.orderByGiven) params.append('order-by', query.orderBy);
  params.append('order-direction', query.descending ? 'desc' : 'asc');
  params.append('page', String(page));
  for (const value of query.q) params.append('q', value);
  params.append('results-per-page', String(query.perPage));
  return `${path}?${params.toString()}`;
}

/** The paged list document: total_results, total_pages, prev_url, next_url, resources. */
function pagedList<T>(
  items: T[],
  query: ListQuery,
  path: string,
  sortKey: (item: T) => string,
  render: (item: T) => unknown,
): unknown {
  const sorted = [...items].sort((a, b) => {
    const order = sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0;
    return query.descending ? -order : order;
  });
  const totalPages = Math.ceil(sorted.length / query.perPage);
  const start = (query.page - 1) * query.perPage;
  return {
    total_results: sorted.length,
    total_pages: totalPages,
    prev_url: query.page > 1 && totalPages > 0 ? pageUrl(path, query, Math.min(query.page - 1, totalPages)) : null,
    next_url: query.page < totalPages ? pageUrl(path, query, query.page + 1) : null,
    resources: sorted.slice(start, start + query.perPage).map(render),
  };
}

/** Names compare case-insensitively, as in Cloud Controller's database (case-insensitive columns). */
function keep<T>(items: T[], filters: ListQuery['filters'], field: (item: T, attribute: string) => string): T[] {
  return items.filter((item) =>
    filters.every(({ attribute, values }) => {
      const actual = field(item, attribute);
      return attribute === 'name'
        ? values.some((value) => value.toLowerCase() === actual.toLowerCase())
        : values.includes(actual);
    }),
  );
}

export function createCloudControllerReads(options: ReadOptions) {
  const { store } = options;

  /** The roles that decide what a user sees; undefined: everything (admins, auditors). */
  async function rolesLimiting(token: VerifiedToken): Promise<UserRoles | undefined> {
    if (seesEverything(token)) return undefined;
    // A token without a user (a client's) holds no role.
    return token.userId === undefined ? { orgRoles: [], spaceRoles: [] } : store.listRolesOfUser(token.userId);
  }

  /** Organizations the user holds any role in, or a role in one of their spaces (Organization.user_visibility). */
  async function visibleOrganizations(token: VerifiedToken): Promise<Organization[]> {
    const organizations = await store.listOrganizations();
    const roles = await rolesLimiting(token);
    if (!roles) return organizations;
    const member = new Set([
      ...roles.orgRoles.map((role) => role.organizationGuid),
      ...roles.spaceRoles.map((role) => role.organizationGuid),
    ]);
    return organizations.filter((org) => member.has(org.guid));
  }

  /** Spaces a user holds a role in, or in an organization they manage (Space.user_visibility). */
  async function visibleSpaces(token: VerifiedToken, organizationGuid?: string): Promise<Space[]> {
    const spaces = await store.listSpaces(organizationGuid);
    const roles = await rolesLimiting(token);
    if (!roles) return spaces;
    const managed = new Set(roles.orgRoles.filter((r) => r.role === 'managers').map((r) => r.organizationGuid));
    const withRole = new Set(roles.spaceRoles.map((role) => role.spaceGuid));
    return spaces.filter((space) => managed.has(space.organizationGuid) || withRole.has(space.guid));
  }

  const organizationField = (org: Organization, attribute: string): string =>
    attribute === 'name' ? org.name : org.status;
  const spaceField = (space: Space, attribute: string): string =>
    attribute === 'name' ? space.name : space.organizationGuid;

  async function listOrganizations(url: RequestTarget, token: VerifiedToken): Promise<unknown> {
    const query = parseListQuery(url, ['name', 'status']);
    if (isCfError(query)) return query;
    const organizations = keep(await visibleOrganizations(token), query.filters, organizationField);
    return pagedList(
      organizations,
      query,
      url.pathname,
      (org) => (query.orderBy === 'name' ? org.name : `${org.createdAt} ${org.guid}`),
      organizationResource,
    );
  }

  async function listSpaces(url: RequestTarget, token: VerifiedToken, organizationGuid?: string): Promise<unknown> {
    const query = parseListQuery(url, ['name', 'organization_guid']);
    if (isCfError(query)) return query;
    const spaces = keep(await visibleSpaces(token, organizationGuid), query.filters, spaceField);
    return pagedList(
      spaces,
      query,
      url.pathname,
      (space) => (query.orderBy === 'name' ? space.name : space.guid),
      spaceResource,
    );
  }

  async function featureFlag(name: string, token: VerifiedToken): Promise<unknown> {
    if (!mayRead(token)) return cfErrors.notAuthorized();
    if (!Object.hasOwn(FLAG_DEFAULTS, name)) return readErrors.featureFlagNotFound(name.slice(0, 64));
    const enabled = (FEATURE_FLAGS as readonly string[]).includes(name)
      ? await store.getFeatureFlag(name as FeatureFlag)
      : FLAG_DEFAULTS[name]!;
    return { name, enabled, error_message: null, url: `/v2/config/feature_flags/${name}` };
  }

  function info(req: IncomingMessage, authentication: Authentication): unknown {
    const base = options.baseUrl(req);
    return {
      name: '',
      build: '',
      support: '',
      version: 0,
      description: '',
      authorization_endpoint: base,
      token_endpoint: base,
      min_cli_version: null,
      min_recommended_cli_version: null,
      app_ssh_endpoint: null,
      app_ssh_host_key_fingerprint: null,
      app_ssh_oauth_client: null,
      doppler_logging_endpoint: null,
      api_version: apiVersion,
      osbapi_version: '2.15',
      ...(authentication.kind === 'valid' && authentication.token.userId ? { user: authentication.token.userId } : {}),
    };
  }

  function root(req: IncomingMessage): unknown {
    const base = options.baseUrl(req);
    // Links to what this server serves; the rest are null, as for a foundation without them.
    return {
      links: {
        self: { href: base },
        cloud_controller_v2: { href: `${base}/v2`, meta: { version: apiVersion } },
        cloud_controller_v3: null,
        network_policy_v0: null,
        network_policy_v1: null,
        login: { href: base },
        uaa: { href: base },
        credhub: null,
        routing: null,
        logging: null,
        log_cache: null,
        log_stream: null,
        app_ssh: null,
      },
    };
  }

  const ORGANIZATION_SPACES = /^\/v2\/organizations\/([^/]+)\/spaces$/;
  const FEATURE_FLAG = /^\/v2\/config\/feature_flags\/([^/]+)$/;

  /** Answers the reads; false for any other request. */
  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    headers: OutgoingHttpHeaders,
    authenticate: () => Promise<Authentication>,
  ): Promise<boolean> {
    if (req.method !== 'GET') return false;
    const path = url.pathname;
    if (path === '/v2/info' || path === '/') {
      const authentication = await authenticate();
      // Cloud Controller looks up the record of every caller it authenticates before any route
      // (SecurityContextConfigurer): with a token, a storage fault reaches these two as well.
      const caller = authentication.kind === 'valid' ? authentication.token.userId : undefined;
      if (caller !== undefined) await store.hasCloudControllerRecord(caller);
      sendJson(res, 200, headers, path === '/' ? root(req) : info(req, authentication));
      return true;
    }
    const orgSpaces = ORGANIZATION_SPACES.exec(path);
    const flag = FEATURE_FLAG.exec(path);
    if (!orgSpaces && !flag && path !== '/v2/organizations' && path !== '/v2/spaces') return false;

    const answer = async (): Promise<unknown> => {
      const token = requireToken(await authenticate());
      if (isCfError(token)) return token;
      if (flag) return featureFlag(decodePathSegment(flag[1]!), token);
      if (!mayRead(token)) return cfErrors.insufficientScope();
      if (path === '/v2/organizations') return listOrganizations(url, token);
      if (path === '/v2/spaces') return listSpaces(url, token);
      const guid = decodePathSegment(orgSpaces![1]!);
      const org = await store.findOrganization(guid);
      if (!org) return cfErrors.organizationNotFound(guid);
      if (!(await visibleOrganizations(token)).some((visible) => visible.guid === org.guid)) {
        return cfErrors.notAuthorized();
      }
      return listSpaces(url, token, org.guid);
    };
    const body = await answer();
    if (isCfError(body)) sendCfError(res, headers, body);
    else sendJson(res, 200, headers, body);
    return true;
  }

  return { handle };
}
