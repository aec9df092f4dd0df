import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  cfErrorBody,
  cfErrors,
  handleRoleRequest,
  sendCfError,
  type Authentication,
  type RoleTarget,
} from './cloud-controller.js';
import { createCfCliRoutes } from './cf-cli-routes.js';
import { devAccountsDataset } from './dev-accounts.js';
import { guardConnections } from './connections.js';
import { fixtures } from './fixtures.js';
import type { ApiDialect } from '@org-membership-api/spec';
import {
  apiDialectOf,
  bearerToken,
  isCloudController,
  isMemberApi,
  memberRequestId,
  readBody,
  sendJson,
  targetUrl,
  vcapRequestId,
  type RequestTarget,
} from './http.js';
import { handleRemoveMember, memberErrors, sendMemberError } from './members.js';
import {
  CloudControllerRateLimiter,
  RateLimiter,
  UaaRateLimiter,
  type RateLimit,
  type RateLimitOutcome,
} from './rate-limit.js';
import { openStore } from './open-store.js';
import { FEATURE_FLAGS, type FeatureFlag, type OrgRole, type SpaceRole, type Store } from './store.js';
import {
  InvalidTokenError,
  TokenKeysUnavailableError,
  TokenVerifier,
  defaultTokenExpectations,
  developmentJwtSecret,
  type TokenExpectations,
  type TokenKeyOptions,
} from './tokens.js';

export interface ServerOptions extends TokenKeyOptions {
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** SQLite file (':memory:' for throwaway servers), or a postgres:// URL (several instances on one database). */
  databasePath: string;
  /** Load the fixtures (every example in the contract exists). */
  seed?: boolean;
  /** fsync every commit, so acknowledged changes also survive a power cut (default: they survive kill -9). */
  fsyncEveryCommit?: boolean;
  /** Per token (or per client address without a valid token). Default 1000 per minute. */
  memberRateLimit?: RateLimit;
  /** General limit per user (admins are not counted). Off unless set, as in Cloud Controller. */
  cloudControllerRateLimit?: RateLimit;
  /** Limit per client address of requests without a user token. Default: cloudControllerRateLimit. */
  cloudControllerUnauthenticatedRateLimit?: RateLimit;
  /** Limit of /v2 requests (all but /v2/info) per user or address; off unless set. */
  cloudControllerV2RateLimit?: RateLimit & { adminRequests?: number };
  /** The built-in UAA's limit per client address on each of /login, /oauth/token and /Users; off unless set, as in UAA. */
  uaaRateLimit?: RateLimit;
  /** DELETE success: 204 with no body (current releases, default) or 200 with the organization (2015 releases). */
  deleteSuccessStatus?: 200 | 204;
  /** Feature flag values written at start (overriding the stored ones). */
  featureFlags?: Partial<Record<FeatureFlag, boolean>>;
  /** false: every username lookup fails as if UAA were down (→ 503 UaaUnavailable). */
  userDirectoryAvailable?: boolean;
  /** Bodies longer than this are rejected with the documented 400s. Default 64 KiB (as the mock). */
  maxBodyBytes?: number;
  /** A request head not complete after this long: the connection is closed. Default 20 s. */
  headersTimeoutMs?: number;
  /** A request (head and body) not complete after this long: 400 in its API's shape, then close. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long a closing connection is still read, so that a client still sending reads the answer. Default 2 s. */
  lingerMs?: number;
  /** The `iss` Cloud Controller tokens must carry. Default: defaultTokenExpectations.cloudController.issuer. */
  cloudControllerTokenIssuer?: string;
  /** The `iss` member API tokens must carry. Default: defaultTokenExpectations.members.issuer. */
  memberTokenIssuer?: string;
  /** The audience member API tokens must carry. Default: defaultTokenExpectations.members.audience. */
  memberAudience?: string;
  /** The URL clients reach the server at, named by /v2/info and /login. Default: from each request's Host. */
  publicUrl?: string;
  /** Lifetime of the access tokens the built-in UAA issues. Default 7200 s (UAA's for the cf client). */
  accessTokenSeconds?: number;
  /** Where unexpected faults are reported (never with tokens). Default: stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  store: Store;
  /** Simulates a UAA outage (or its end) without a restart. */
  setUserDirectoryAvailable(available: boolean): void;
  close(): Promise<void>;
}

/** A route of the server: the paths it answers (capture groups: its parameters) and its methods. */
interface Route<Operation> {
  path: RegExp;
  methods: readonly string[];
  /** What the request asks for, from its method and the decoded parameters. */
  operation: (method: string, params: string[]) => Operation;
}

/** A role change by username: which role, of which organization or space, and how. */
interface RoleOperation {
  guid: string;
  target: RoleTarget;
  action: 'associate' | 'remove';
  viaDelete: boolean;
}

const orgRoles = 'users|managers|billing_managers|auditors';
const spaceRoles = 'developers|managers|auditors';
const roleOperation =
  (kind: RoleTarget['kind']) =>
  (method: string, [guid, role]: string[]): RoleOperation => ({
    guid: guid!,
    target: kind === 'organization' ? { kind, role: role as OrgRole } : { kind, role: role as SpaceRole },
    action: method === 'PUT' ? 'associate' : 'remove',
    viaDelete: method === 'DELETE',
  });

/** Cloud Controller's routes the server implements (the v2 role changes by username). */
const cloudControllerRoutes: ReadonlyArray<Route<RoleOperation>> = [
  {
    path: new RegExp(`^/v2/organizations/([^/]+)/(${orgRoles})$`),
    methods: ['PUT', 'DELETE'],
    operation: roleOperation('organization'),
  },
  {
    path: new RegExp(`^/v2/organizations/([^/]+)/(${orgRoles})/remove$`),
    methods: ['POST'],
    operation: roleOperation('organization'),
  },
  {
    path: new RegExp(`^/v2/spaces/([^/]+)/(${spaceRoles})$`),
    methods: ['PUT', 'DELETE'],
    operation: roleOperation('space'),
  },
  {
    path: new RegExp(`^/v2/spaces/([^/]+)/(${spaceRoles})/remove$`),
    methods: ['POST'],
    operation: roleOperation('space'),
  },
];

/** The member API's routes, also under the base path of the contract's server URL (https://api.aerospike.com/v1), as the mock. */
const memberRoutes: ReadonlyArray<Route<{ userId: string }>> = [
  {
    path: /^(?:\/v1)?\/organization\/members\/([^/]+)$/,
    methods: ['DELETE'],
    operation: (_method, [userId]) => ({ userId: userId! }),
  },
];

const allRoutes: ReadonlyArray<Route<unknown>> = [...cloudControllerRoutes, ...memberRoutes];

/** The operation a request asks for, or undefined when no route answers its method and path. */
function routeOperation<Operation>(
  routes: ReadonlyArray<Route<Operation>>,
  method: string | undefined,
  path: string,
): Operation | undefined {
  for (const route of routes) {
    const match = route.path.exec(path);
    if (match && method !== undefined && route.methods.includes(method))
      return route.operation(method, match.slice(1).map(decodeSegment));
  }
  return undefined;
}

/** Default body limit, the same as the mock's. */
export const defaultMaxBodyBytes = 64 * 1024;
/** Past this much, an oversized body is no longer read and dropped: the connection is closed. */
const maxDrainBytes = 16 * 1024 * 1024;

/** The methods the routes of `path` answer (every route's, for a path of none): the `Allow` of a 405. */
function allowedMethods(path: string): string {
  const matching = allRoutes.filter((route) => route.path.test(path));
  return [...new Set((matching.length ? matching : allRoutes).flatMap((route) => route.methods))].join(', ');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function authenticate(
  req: IncomingMessage,
  verifier: TokenVerifier,
  expected: TokenExpectations,
  log: (line: string) => void,
): Promise<Authentication> {
  const bearer = bearerToken(req);
  if (bearer.kind === 'none') return { kind: 'none' };
  try {
    return { kind: 'valid', token: await verifier.verify(bearer.token, expected) };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { kind: error.reason };
    if (error instanceof TokenKeysUnavailableError) {
      log(error.message);
      return { kind: 'keys_unavailable' };
    }
    throw error;
  }
}

/** A 429 as Cloud Controller's rate limiter middleware sends it: the JSON error as text/plain. */
function sendRateLimited(
  res: ServerResponse,
  requestId: string,
  outcome: Extract<RateLimitOutcome, { allowed: false }>,
): void {
  if (res.headersSent || res.destroyed) return;
  const failure =
    outcome.error === 'RateLimitExceeded'
      ? cfErrors.rateLimitExceeded()
      : outcome.error === 'IPBasedRateLimitExceeded'
        ? cfErrors.ipBasedRateLimitExceeded()
        : cfErrors.rateLimitV2ApiExceeded();
  const text = cfErrorBody(failure);
  res.writeHead(429, {
    'X-VCAP-Request-ID': requestId,
    ...outcome.headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * The contract's answer to a path that is no operation (the dialect's `unknownRoute`). The
 * member API answers in its current form: the Problem Details of the documented older body.
 */
function sendUnknownRoute(res: ServerResponse, headers: Record<string, string>, dialect: ApiDialect, path?: string) {
  const { status, body } = dialect.unknownRoute;
  if (!isMemberApi(dialect)) return sendJson(res, status, headers, body);
  const { code, message } = body as { code: string; message: string };
  sendMemberError(res, headers, { status, code, message }, path);
}

function rateLimitKey(req: IncomingMessage, authentication: Authentication): string {
  if (authentication.kind === 'valid' && authentication.token.userId) return `user:${authentication.token.userId}`;
  return `address:${req.socket.remoteAddress ?? 'unknown'}`;
}

export function createRequestHandler(store: Store, options: ServerOptions) {
  const verifier = new TokenVerifier(options);
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let directoryAvailable = options.userDirectoryAvailable ?? true;
  const cloudController = {
    store,
    maxBodyBytes,
    deleteSuccessStatus: options.deleteSuccessStatus ?? 204,
    userDirectoryAvailable: () => directoryAvailable,
  } as const;
  const cloudControllerLimits = {
    general: options.cloudControllerRateLimit,
    unauthenticated: options.cloudControllerUnauthenticatedRateLimit,
    v2Api: options.cloudControllerV2RateLimit,
  };
  const cloudControllerRateLimiter =
    cloudControllerLimits.general || cloudControllerLimits.unauthenticated || cloudControllerLimits.v2Api
      ? new CloudControllerRateLimiter(cloudControllerLimits)
      : undefined;
  const members = {
    store,
    maxBodyBytes,
    rateLimiter: new RateLimiter(options.memberRateLimit ?? { requests: 1000, windowMs: 60_000 }),
  } as const;
  const cloudControllerTokens: TokenExpectations = {
    issuer: options.cloudControllerTokenIssuer ?? defaultTokenExpectations.cloudController.issuer,
    audience: defaultTokenExpectations.cloudController.audience,
  };
  // The built-in UAA signs with the HS256 secret; with an RS256 key or JWKS, tokens come from a real UAA.
  const cfCli = createCfCliRoutes({
    store,
    tokenSecret: options.jwtPublicKey || options.jwksUrl ? undefined : (options.jwtSecret ?? developmentJwtSecret),
    tokenIssuer: cloudControllerTokens.issuer,
    accessTokenSeconds: options.accessTokenSeconds ?? 7200,
    publicUrl: options.publicUrl,
    authenticate: (req) => authenticate(req, verifier, cloudControllerTokens, log),
    uaaRateLimiter: options.uaaRateLimit && new UaaRateLimiter(options.uaaRateLimit),
  });
  const memberTokens: TokenExpectations = {
    issuer: options.memberTokenIssuer ?? defaultTokenExpectations.members.issuer,
    audience: options.memberAudience ?? defaultTokenExpectations.members.audience,
  };

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget | undefined,
    dialect: ApiDialect,
    headers: Record<string, string>,
    requestId: string,
  ) {
    const body = await readBody(req, maxBodyBytes, maxDrainBytes);
    // An unread remainder cannot be skipped on a kept-alive connection: close it instead.
    if (body.kind !== 'complete') res.shouldKeepAlive = false;
    if (body.kind === 'malformed') {
      if (isCloudController(dialect)) sendCfError(res, headers, cfErrors.messageParseError('malformed HTTP request'));
      else sendMemberError(res, headers, memberErrors.malformedRequest());
      return;
    }
    if (!url) return sendUnknownRoute(res, headers, dialect);

    if (isCloudController(dialect)) {
      // Cloud Controller authenticates every request before its rate limiters count it.
      const authentication = await authenticate(req, verifier, cloudControllerTokens, log);
      if (cloudControllerRateLimiter) {
        const token = authentication.kind === 'valid' ? authentication.token : undefined;
        const outcome = cloudControllerRateLimiter.take(
          url.pathname + url.search,
          token?.userId,
          token !== undefined &&
            (token.scopes.has('cloud_controller.admin') || token.scopes.has('cloud_controller.admin_read_only')),
          req.socket.remoteAddress ?? 'unknown',
        );
        if (!outcome.allowed) return sendRateLimited(res, requestId, outcome);
        Object.assign(headers, outcome.headers);
      }
      // The cf CLI's discovery, lookups and role routes by user guid.
      if (await cfCli.handle(req, res, url, headers, requestId, body, authentication)) return;
      const route = routeOperation(cloudControllerRoutes, req.method, url.pathname);
      if (!route) return sendUnknownRoute(res, headers, dialect, url.pathname);
      // Rack keeps the last of repeated query parameters; only exactly "true" counts.
      const recursive =
        route.action === 'remove' &&
        route.target.kind === 'organization' &&
        route.target.role === 'users' &&
        url.searchParams.getAll('recursive').at(-1) === 'true';
      await handleRoleRequest(cloudController, { res, headers, requestId, ...route, recursive, authentication, body });
      return;
    }
    // The built-in UAA (and the root document where no API claims it).
    if (await cfCli.handle(req, res, url, headers, requestId, body)) return;
    const member = routeOperation(memberRoutes, req.method, url.pathname);
    if (member) {
      const authentication = await authenticate(req, verifier, memberTokens, log);
      await handleRemoveMember(members, {
        res,
        headers,
        requestId,
        path: url.pathname,
        userId: member.userId,
        authentication,
        rateLimitKey: rateLimitKey(req, authentication),
        body,
      });
      return;
    }
    sendUnknownRoute(res, headers, dialect, url.pathname);
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = targetUrl(req.url);
    // The API is picked once per request, from the path.
    const dialect = apiDialectOf(url?.pathname ?? '');
    const requestId = isCloudController(dialect) ? vcapRequestId(req) : memberRequestId(req);
    const headers = { [dialect.requestIdHeader]: requestId, 'X-Content-Type-Options': 'nosniff' };
    route(req, res, url, dialect, headers, requestId).catch((error: unknown) => {
      log(`request ${requestId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (isCloudController(dialect)) sendCfError(res, headers, cfErrors.serverError());
      else sendMemberError(res, headers, memberErrors.internal());
    });
  };
  return {
    handler,
    /** Rejects when the configured token key is unusable. */
    ready: () => verifier.ready(),
    setUserDirectoryAvailable(available: boolean) {
      directoryAvailable = available;
    },
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = await openStore(options.databasePath, {
    fsyncEveryCommit: options.fsyncEveryCommit ?? false,
    ...(options.log && { log: options.log }),
  });
  try {
    if (options.seed) {
      await store.loadDataset(fixtures.datasetName, fixtures.dataset);
      await store.loadDataset(devAccountsDataset.name, devAccountsDataset.dataset);
    }
    for (const flag of FEATURE_FLAGS) {
      const value = options.featureFlags?.[flag];
      if (value !== undefined) await store.setFeatureFlag(flag, value);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const { handler, ready, setUserDirectoryAvailable } = createRequestHandler(store, options);
  try {
    await ready();
  } catch (error) {
    await store.close();
    throw error;
  }
  const headersTimeout = options.headersTimeoutMs ?? 20_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server: Server = createServer({
    headersTimeout,
    requestTimeout,
    // Node checks the timeouts every 30 s by default: check often enough to enforce them as set.
    connectionsCheckingInterval: Math.min(
      1_000,
      Math.max(50, Math.floor(Math.min(headersTimeout, requestTimeout) / 10)),
    ),
  });
  const connections = guardConnections(server, { lingerMs: options.lingerMs ?? 2_000, allowedMethods });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    connections.track(req, res);
    handler(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    store,
    setUserDirectoryAvailable,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        connections.destroyLingering();
      }).then(() => store.close());
      return closed;
    },
  };
}
