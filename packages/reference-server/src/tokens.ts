import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  SignJWT,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

/** Used when no key is configured; fine on a developer machine, never in a deployment. */
export const developmentJwtSecret = 'org-membership-api-development-secret';

/** The audience Cloud Controller requires (UAA derives it from the `cloud_controller.*` scopes). */
export const cloudControllerAudience = 'cloud_controller';

/** The issuer and audience a token must carry to be accepted by one of the APIs. */
export interface TokenExpectations {
  issuer: string;
  audience: string;
}

/**
 * Defaults that the development token command mints. UAA's `iss` is `<uaa url>/oauth/token`
 * (a UAA run locally serves at http://localhost:8080/uaa); Aerospike Cloud tokens come from
 * its token service at auth.control.aerospike.cloud for the API at api.aerospike.com.
 */
export const defaultTokenExpectations = {
  cloudController: { issuer: 'http://localhost:8080/uaa/oauth/token', audience: cloudControllerAudience },
  members: { issuer: 'https://auth.control.aerospike.cloud/', audience: 'https://api.aerospike.com' },
} as const satisfies Record<string, TokenExpectations>;

export interface TokenKeyOptions {
  /** HS256 shared secret. */
  jwtSecret?: string;
  /** RS256 public key (PEM, SPKI). */
  jwtPublicKey?: string;
  /** RS256 keys from a JWKS URL. */
  jwksUrl?: string;
}

export interface VerifiedToken {
  userId: string | undefined;
  organizationId: string | undefined;
  scopes: ReadonlySet<string>;
  audiences: readonly string[];
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'The access token expired.' : 'The access token is invalid.');
  }
}

/** The keys could not be fetched (JWKS URL unreachable or answering garbage): no token can be checked. */
export class TokenKeysUnavailableError extends Error {}

/** The configured key cannot be used (the server must not start with it). */
export class TokenKeyConfigurationError extends Error {}

function scopesOf(payload: JWTPayload): Set<string> {
  // UAA sends an array; OAuth2 servers commonly send a space-separated string.
  const scope = payload['scope'] ?? payload['scp'];
  if (Array.isArray(scope)) return new Set(scope.filter((s): s is string => typeof s === 'string'));
  if (typeof scope === 'string') return new Set(scope.split(' ').filter((s) => s.length > 0));
  return new Set();
}

function stringClaim(payload: JWTPayload, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = payload[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

type VerificationKey = { key: CryptoKey | KeyObject | JWTVerifyGetKey; algorithms: string[] };

function loadKey(options: TokenKeyOptions): Promise<VerificationKey> {
  if (options.jwksUrl) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      return Promise.reject(new TokenKeyConfigurationError('JWKS_URL is not a URL'));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return Promise.reject(new TokenKeyConfigurationError('JWKS_URL must be an http(s) URL'));
    }
    return Promise.resolve({ key: createRemoteJWKSet(url), algorithms: ['RS256'] });
  }
  if (options.jwtPublicKey) {
    return importSPKI(options.jwtPublicKey, 'RS256').then(
      (key) => ({ key, algorithms: ['RS256'] }),
      () => {
        throw new TokenKeyConfigurationError('JWT_PUBLIC_KEY is not an RSA public key in PEM (SPKI) form');
      },
    );
  }
  const secret = options.jwtSecret ?? developmentJwtSecret;
  return Promise.resolve({ key: createSecretKey(Buffer.from(secret, 'utf8')), algorithms: ['HS256'] });
}

/** Failures of the key source itself, as opposed to failures of the token. */
function isKeySourceFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch failed, DNS, refused
  // ERR_JOSE_GENERIC: the JWKS URL answered with something other than 200 and a key set.
  return error.code === 'ERR_JWKS_TIMEOUT' || error.code === 'ERR_JWKS_INVALID' || error.code === 'ERR_JOSE_GENERIC';
}

/**
 * Verifies signature, expiry (required), issuer and audience; caches verified tokens briefly
 * (never past their expiry).
 */
export class TokenVerifier {
  readonly #key: Promise<VerificationKey>;
  readonly #cache = new Map<string, { token: VerifiedToken; validUntil: number }>();

  constructor(options: TokenKeyOptions) {
    this.#key = loadKey(options);
    // Reported by ready() and verify(); not an unhandled rejection meanwhile.
    this.#key.catch(() => {});
  }

  /** Rejects with TokenKeyConfigurationError when the configured key is unusable. */
  async ready(): Promise<void> {
    await this.#key;
  }

  async verify(token: string, expected: TokenExpectations): Promise<VerifiedToken> {
    const now = Date.now();
    const cacheKey = `${expected.issuer} ${expected.audience} ${token}`;
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.validUntil > now) return cached.token;
    const { key, algorithms } = await this.#key;
    const checks = { algorithms, issuer: expected.issuer, audience: expected.audience, requiredClaims: ['exp'] };
    let payload: JWTPayload;
    try {
      const result =
        typeof key === 'function' ? await jwtVerify(token, key, checks) : await jwtVerify(token, key, checks);
      payload = result.payload;
    } catch (error) {
      if (typeof key === 'function' && isKeySourceFailure(error)) {
        throw new TokenKeysUnavailableError(`token keys unavailable: ${(error as Error).message}`, { cause: error });
      }
      const code = (error as { code?: unknown }).code;
      throw new InvalidTokenError(code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid');
    }
    const aud = payload.aud;
    const verified: VerifiedToken = {
      userId: stringClaim(payload, 'user_id', 'sub'),
      organizationId: stringClaim(payload, 'org_id'),
      scopes: scopesOf(payload),
      audiences: Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : [],
    };
    if (this.#cache.size >= CACHE_MAX_ENTRIES) this.#cache.clear();
    this.#cache.set(cacheKey, { token: verified, validUntil: Math.min(payload.exp! * 1000, now + CACHE_TTL_MS) });
    return verified;
  }
}

export interface MintTokenOptions {
  secret: string;
  scopes: string[];
  userId: string;
  orgId?: string;
  /** Which API the token is for; default: the member API when `orgId` is given, else Cloud Controller. */
  api?: 'cloud-controller' | 'members';
  /** Default: the API's default issuer (defaultTokenExpectations). */
  issuer?: string;
  /**
   * Cloud Controller default: what UAA derives, the prefixes of dotted scopes
   * (`cloud_controller.write` → `cloud_controller`); member API default: its default audience.
   */
  audience?: string | string[];
  /** Defaults to one hour; negative values mint an already expired token. */
  expiresInSeconds?: number;
}

/** Mints an HS256 token in UAA's shape (`user_id`, `scope` array, `iss`, `aud`) plus `org_id`. */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const api = options.api ?? (options.orgId === undefined ? 'cloud-controller' : 'members');
  const derivedAudience = [...new Set(options.scopes.filter((s) => s.includes('.')).map((s) => s.split('.')[0]!))];
  const audience =
    options.audience ?? (api === 'members' ? defaultTokenExpectations.members.audience : derivedAudience);
  const issuer =
    options.issuer ??
    (api === 'members' ? defaultTokenExpectations.members.issuer : defaultTokenExpectations.cloudController.issuer);
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    user_id: options.userId,
    scope: options.scopes,
    client_id: 'org-membership-api-dev',
    ...(options.orgId === undefined ? {} : { org_id: options.orgId }),
  };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuer(issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 3600));
  if (Array.isArray(audience) ? audience.length > 0 : audience.length > 0) jwt = jwt.setAudience(audience);
  return jwt.sign(createSecretKey(Buffer.from(options.secret, 'utf8')));
}
