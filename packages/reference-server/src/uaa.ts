import { createHmac, createSecretKey, randomUUID, timingSafeEqual, createHash, type KeyObject } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { Authentication } from './cloud-controller.js';
import { devAccounts, type DevAccount } from './dev-accounts.js';
import { excerpt, sendJson, type RequestBody, type RequestTarget } from './http.js';
import type { UaaRateLimiter } from './rate-limit.js';
import type { DirectoryUser, Store } from './store.js';

// A stand-in for the parts of UAA that the cf CLI v6 calls, on the reference server's own
// port: GET /login (its `links.uaa` names this server), POST /oauth/token (password and
// refresh_token grants for the development accounts, client `cf` with an empty secret), and
// GET /Users (SCIM lookup by userName or id). Tokens are signed with the server's own HS256
// key, so the Cloud Controller routes accept them.

export interface UaaOptions {
  store: Store;
  /** The HS256 secret of the token verifier. */
  secret: string;
  /** The `iss` of issued tokens: the one the Cloud Controller routes expect. */
  issuer: string;
  /** Seconds an access token lives (UAA's default for the cf client is 7200; the CLI refreshes it). */
  accessTokenSeconds: number;
  /** The server's URL as a client reaches it (for `links`). */
  baseUrl: (req: IncomingMessage) => string;
  /** Checks a bearer token as the Cloud Controller routes do. */
  authenticate: (req: IncomingMessage) => Promise<Authentication>;
  /** UAA's rate limiter; off unless set, as in UAA. */
  rateLimiter?: UaaRateLimiter;
}

export interface UaaError {
  status: number;
  error: string;
  description: string;
  /** insufficient_scope: the scopes that would do. */
  scope?: string;
}

const uaaError = (status: number, error: string, description: string): UaaError => ({ status, error, description });

export const uaaErrors = {
  badCredentials: () => uaaError(401, 'unauthorized', 'Bad credentials'),
  fullAuthenticationRequired: () =>
    uaaError(401, 'unauthorized', 'Full authentication is required to access this resource'),
  invalidToken: () => uaaError(401, 'invalid_token', 'The token expired, was revoked, or the token ID is incorrect.'),
  insufficientScope: () => ({
    ...uaaError(403, 'insufficient_scope', 'Insufficient scope for this resource'),
    scope: 'uaa.admin scim.read zones.uaa.admin',
  }),
  missingGrantType: () => uaaError(400, 'invalid_request', 'Missing grant type'),
  unsupportedGrantType: (grantType: string) =>
    uaaError(400, 'unsupported_grant_type', `Unsupported grant type: ${excerpt(grantType, 32)}`),
  invalidScope: () => uaaError(400, 'invalid_scope', 'Invalid scope'),
  invalidRequest: (detail: string) => uaaError(400, 'invalid_request', detail),
} as const;

const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function sendUaaError(res: ServerResponse, headers: OutgoingHttpHeaders, failure: UaaError): void {
  const extra: OutgoingHttpHeaders =
    failure.status === 401 ? { 'WWW-Authenticate': `Bearer realm="UAA/oauth", error="${failure.error}"` } : {};
  sendJson(
    res,
    failure.status,
    { ...headers, ...noStore, ...extra },
    {
      error: failure.error,
      error_description: failure.description,
    },
  );
}

const CLIENT_ID = 'cf';
const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

/** Compares in constant time (digests of equal length), so a wrong password's length does not show. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function findAccount(username: string): DevAccount | undefined {
  // UAA usernames are case-insensitive.
  const wanted = username.toLowerCase();
  return devAccounts.find((account) => account.username.toLowerCase() === wanted);
}

/** Basic credentials of the client; UAA's cf client has an empty secret. */
function clientOf(req: IncomingMessage, form: URLSearchParams): { id: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  return id === null ? undefined : { id, secret: form.get('client_secret') ?? '' };
}

/** Resource ids UAA puts into `aud`: the prefixes of dotted scopes, and the client. */
function audienceOf(scopes: readonly string[]): string[] {
  const prefixes = scopes.filter((scope) => scope.includes('.')).map((scope) => scope.split('.')[0]!);
  return [...new Set([...prefixes, CLIENT_ID, ...(scopes.includes('openid') ? ['openid'] : [])])];
}

export function createUaa(options: UaaOptions) {
  const accessKey: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'));
  // Refresh tokens are signed with a key of their own: neither kind passes for the other.
  const refreshKey: KeyObject = createSecretKey(
    createHmac('sha256', options.secret).update('uaa-refresh-token').digest(),
  );

  async function issueTokens(account: DevAccount, scopes: readonly string[], grantType: string) {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID().replace(/-/g, '');
    const common: JWTPayload = {
      sub: account.userId,
      scope: [...scopes],
      client_id: CLIENT_ID,
      cid: CLIENT_ID,
      azp: CLIENT_ID,
      grant_type: grantType,
      user_id: account.userId,
      origin: 'uaa',
      user_name: account.username,
      email: account.email,
      auth_time: now,
      zid: 'uaa',
      iss: options.issuer,
      iat: now,
    };
    const accessToken = await new SignJWT({ ...common, jti, aud: audienceOf(scopes) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(now + options.accessTokenSeconds)
      .sign(accessKey);
    const refreshToken = await new SignJWT({ ...common, jti: `${jti}-r`, aud: [CLIENT_ID] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(now + REFRESH_TOKEN_SECONDS)
      .sign(refreshKey);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: options.accessTokenSeconds - 1,
      scope: scopes.join(' '),
      jti,
    };
  }

  /** The scopes asked for (space-separated; empty or absent: all the account has). */
  function grantedScopes(account: DevAccount, requested: string | null, allowed: readonly string[]) {
    const asked = (requested ?? '').split(' ').filter((scope) => scope.length > 0);
    if (asked.length === 0) return allowed.filter((scope) => account.scopes.includes(scope));
    if (asked.some((scope) => !allowed.includes(scope) || !account.scopes.includes(scope))) return undefined;
    return asked;
  }

  async function token(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders, body: RequestBody) {
    if (body.kind !== 'complete')
      return sendUaaError(res, headers, uaaErrors.invalidRequest('Incomplete request body'));
    const form = new URLSearchParams(body.bytes.toString('utf8'));
    const client = clientOf(req, form);
    if (!client) return sendUaaError(res, headers, uaaErrors.fullAuthenticationRequired());
    if (client.id !== CLIENT_ID || client.secret !== '') return sendUaaError(res, headers, uaaErrors.badCredentials());
    const grantType = form.get('grant_type');
    if (!grantType) return sendUaaError(res, headers, uaaErrors.missingGrantType());

    if (grantType === 'password') {
      const account = findAccount(form.get('username') ?? '');
      // Compared even for an unknown user, so that timing does not tell which usernames exist.
      const passwordMatches = sameSecret(form.get('password') ?? '', account?.password ?? '\0');
      if (!account || !passwordMatches) return sendUaaError(res, headers, uaaErrors.badCredentials());
      const scopes = grantedScopes(account, form.get('scope'), account.scopes);
      if (!scopes) return sendUaaError(res, headers, uaaErrors.invalidScope());
      return sendJson(res, 200, { ...headers, ...noStore }, await issueTokens(account, scopes, grantType));
    }

    if (grantType === 'refresh_token') {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(form.get('refresh_token') ?? '', refreshKey, {
          algorithms: ['HS256'],
          issuer: options.issuer,
          audience: CLIENT_ID,
          requiredClaims: ['exp', 'user_id'],
        }));
      } catch {
        return sendUaaError(res, headers, uaaErrors.invalidToken());
      }
      const account = devAccounts.find((candidate) => candidate.userId === payload['user_id']);
      if (!account || payload['client_id'] !== client.id) {
        return sendUaaError(res, headers, uaaErrors.invalidToken());
      }
      const granted = Array.isArray(payload['scope']) ? (payload['scope'] as unknown[]) : [];
      const scopes = grantedScopes(
        account,
        form.get('scope'),
        granted.filter((scope): scope is string => typeof scope === 'string'),
      );
      if (!scopes) return sendUaaError(res, headers, uaaErrors.invalidScope());
      return sendJson(res, 200, { ...headers, ...noStore }, await issueTokens(account, scopes, grantType));
    }
    return sendUaaError(res, headers, uaaErrors.unsupportedGrantType(grantType));
  }

  function login(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders) {
    const base = options.baseUrl(req);
    sendJson(res, 200, headers, {
      app: { version: '0.0.0' },
      showLoginLinks: true,
      links: { uaa: base, passwd: '/forgot_password', login: base, register: '/create_account' },
      zone_name: 'uaa',
      entityID: new URL(base).host,
      commit_id: 'reference-server',
      idpDefinitions: {},
      prompts: { username: ['text', 'Email'], password: ['password', 'Password'] },
      timestamp: new Date().toISOString(),
    });
  }

  async function users(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders, url: RequestTarget) {
    const authentication = await options.authenticate(req);
    if (authentication.kind === 'none') return sendUaaError(res, headers, uaaErrors.fullAuthenticationRequired());
    if (authentication.kind !== 'valid') return sendUaaError(res, headers, uaaErrors.invalidToken());
    const scopes = authentication.token.scopes;
    if (!scopes.has('scim.read') && !scopes.has('uaa.admin')) {
      return sendUaaError(res, headers, uaaErrors.insufficientScope());
    }
    const filter = parseScimFilter(url.searchParams.get('filter') ?? '');
    if (typeof filter === 'string') {
      // As UAA's SCIM endpoints report it (an ExceptionReport), the filter HTML-escaped.
      const shown = excerpt(url.searchParams.get('filter') ?? '', 128).replace(
        /[&<>"']/g,
        (c) => `&#${c.charCodeAt(0)};`,
      );
      // UAA's error body: `error_description` and `message` say the same.
      const message = `Invalid filter expression: [${shown}]`;
      return sendJson(res, 400, headers, { error_description: message, error: 'scim', message });
    }
    const found = new Map<string, DirectoryUser>();
    for (const group of filter) {
      for (const user of await candidatesOf(options.store, group)) {
        if (group.every((clause) => matches(user, clause))) found.set(user.id, user);
      }
    }
    const attributes = (url.searchParams.get('attributes') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
    const resources = [...found.values()].map((user) => selectAttributes(scimUser(user), attributes));
    sendJson(res, 200, headers, {
      resources,
      startIndex: 1,
      itemsPerPage: 100,
      totalResults: resources.length,
      schemas: ['urn:scim:schemas:core:1.0'],
    });
  }

  /** Answers the UAA routes; false for any other request. */
  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    headers: OutgoingHttpHeaders,
    body: RequestBody,
  ): Promise<boolean> {
    // UAA's rate limiting filter runs before its routes: a refusal is a 429 for any request.
    const limited = options.rateLimiter?.take(url.pathname, req.socket.remoteAddress ?? 'unknown');
    // The container's error page for 429 (/error429), in JSON for a client that does not ask for HTML.
    if (limited && !limited.allowed) sendJson(res, 429, headers, { error: limited.error });
    else if (url.pathname === '/login' && req.method === 'GET') login(req, res, headers);
    else if (url.pathname === '/oauth/token' && req.method === 'POST') await token(req, res, headers, body);
    else if (url.pathname === '/Users' && req.method === 'GET') await users(req, res, headers, url);
    else return false;
    return true;
  }

  return { handle };
}

// SCIM filters as the cf CLI and Cloud Controller send them: `userName Eq "x"`,
// `origin eq "uaa" and userName eq "x"`, `id eq "a" or id eq "b"`. Every conjunction must
// name a userName or an id (the directory is looked up by those).

type ScimAttribute = 'username' | 'id' | 'origin';
interface ScimClause {
  attribute: ScimAttribute;
  value: string;
}

/** Disjunction of conjunctions, or the reason the filter is refused. */
export function parseScimFilter(filter: string): ScimClause[][] | string {
  const tokens: Array<{ kind: 'word' | 'string'; text: string }> = [];
  const text = filter.trim();
  if (text === '') return 'a filter is required';
  const tokenPattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/y;
  while (tokenPattern.lastIndex < text.length) {
    const match = tokenPattern.exec(text);
    if (!match) return 'unterminated string';
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: match[1].replace(/\\(.)/g, '$1') });
    else tokens.push({ kind: 'word', text: match[2]! });
  }
  const groups: ScimClause[][] = [[]];
  for (let i = 0; i < tokens.length;) {
    const [name, operator, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (!name || name.kind !== 'word' || !operator || operator.kind !== 'word' || !value || value.kind !== 'string') {
      return 'expected ATTRIBUTE eq "VALUE"';
    }
    const attribute = name.text.toLowerCase();
    if (attribute !== 'username' && attribute !== 'id' && attribute !== 'origin') {
      return `unsupported attribute ${name.text.slice(0, 32)}`;
    }
    if (operator.text.toLowerCase() !== 'eq') return `unsupported operator ${operator.text.slice(0, 16)}`;
    groups.at(-1)!.push({ attribute, value: value.text });
    i += 3;
    const joiner = tokens[i];
    if (!joiner) break;
    const word = joiner.kind === 'word' ? joiner.text.toLowerCase() : '';
    if (word === 'or') groups.push([]);
    else if (word !== 'and') return 'expected and / or';
    i += 1;
    if (i >= tokens.length) return 'dangling and / or';
  }
  if (groups.some((group) => !group.some((clause) => clause.attribute !== 'origin'))) {
    return 'each condition needs userName or id';
  }
  return groups;
}

async function candidatesOf(store: Store, group: ScimClause[]): Promise<DirectoryUser[]> {
  const byId = group.find((clause) => clause.attribute === 'id');
  if (byId) {
    const user = await store.findUserById(byId.value);
    return user ? [user] : [];
  }
  return store.findUsersByUsername(group.find((clause) => clause.attribute === 'username')!.value);
}

function matches(user: DirectoryUser, clause: ScimClause): boolean {
  if (clause.attribute === 'id') return user.id === clause.value;
  if (clause.attribute === 'origin') return user.origin === clause.value;
  return user.username === clause.value;
}

function scimUser(user: DirectoryUser): Record<string, unknown> {
  return {
    id: user.id,
    externalId: user.username,
    meta: { version: 0 },
    userName: user.username,
    name: {},
    emails: [{ value: user.username, primary: false }],
    active: true,
    verified: true,
    origin: user.origin,
    zoneId: 'uaa',
    schemas: ['urn:scim:schemas:core:1.0'],
  };
}

/** `attributes=id,userName`: only those (matched case-insensitively, as SCIM does). */
function selectAttributes(resource: Record<string, unknown>, attributes: string[]): Record<string, unknown> {
  if (attributes.length === 0) return resource;
  const selected: Record<string, unknown> = {};
  for (const wanted of attributes) {
    const key = Object.keys(resource).find((name) => name.toLowerCase() === wanted.toLowerCase());
    if (key) selected[key] = resource[key];
  }
  return selected;
}
