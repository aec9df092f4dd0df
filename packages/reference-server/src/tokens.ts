import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Used when no key is configured; fine on a developer machine, never in a deployment. */
export const developmentJwtSecret = 'org-membership-api-development-secret';

/** The audience Cloud Controller requires (UAA derives it from the `cloud_controller.*` scopes). */
export const cloudControllerAudience = 'cloud_controller';

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

/** Verifies signature and expiry; caches verified tokens briefly (never past their expiry). */
export class TokenVerifier {
  readonly #key: Promise<{ key: CryptoKey | KeyObject | JWTVerifyGetKey; algorithms: string[] }>;
  readonly #cache = new Map<string, { token: VerifiedToken; validUntil: number }>();

  constructor(options: TokenKeyOptions) {
    if (options.jwksUrl) {
      this.#key = Promise.resolve({ key: createRemoteJWKSet(new URL(options.jwksUrl)), algorithms: ['RS256'] });
    } else if (options.jwtPublicKey) {
      this.#key = importSPKI(options.jwtPublicKey, 'RS256').then((key) => ({ key, algorithms: ['RS256'] }));
    } else {
      const secret = options.jwtSecret ?? developmentJwtSecret;
      this.#key = Promise.resolve({ key: createSecretKey(Buffer.from(secret, 'utf8')), algorithms: ['HS256'] });
    }
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = Date.now();
    const cached = this.#cache.get(token);
    if (cached && cached.validUntil > now) return cached.token;
    const { key, algorithms } = await this.#key;
    let payload: JWTPayload;
    try {
      const result =
        typeof key === 'function'
          ? await jwtVerify(token, key, { algorithms })
          : await jwtVerify(token, key, { algorithms });
      payload = result.payload;
    } catch (error) {
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
    const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
    this.#cache.set(token, { token: verified, validUntil: Math.min(expiresAt, now + CACHE_TTL_MS) });
    return verified;
  }
}

export interface MintTokenOptions {
  secret: string;
  scopes: string[];
  userId: string;
  orgId?: string;
  /** Defaults to what UAA derives: the prefixes of dotted scopes (`cloud_controller.write` → `cloud_controller`). */
  audience?: string | string[];
  /** Defaults to one hour; negative values mint an already expired token. */
  expiresInSeconds?: number;
}

/** Mints an HS256 token in UAA's shape (`user_id`, `scope` array, `aud`) plus `org_id`. */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const derivedAudience = [...new Set(options.scopes.filter((s) => s.includes('.')).map((s) => s.split('.')[0]!))];
  const audience = options.audience ?? derivedAudience;
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
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 3600));
  if (Array.isArray(audience) ? audience.length > 0 : audience.length > 0) jwt = jwt.setAudience(audience);
  return jwt.sign(createSecretKey(Buffer.from(options.secret, 'utf8')));
}
