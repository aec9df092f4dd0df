export interface RateLimit {
  requests: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed-window counter per key (token subject, or client address when unauthenticated). */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep = Date.now();

  constructor(readonly limit: RateLimit) {
    if (!(limit.requests > 0) || !(limit.windowMs > 0))
      throw new Error('rate limit needs requests > 0 and windowMs > 0');
  }

  take(key: string, now = Date.now()): RateDecision {
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.limit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit.requests) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.limit.windowMs - now) / 1000)),
    };
  }

  // Drops finished windows so that the map does not grow with every client ever seen.
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.limit.windowMs) return;
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.limit.windowMs) this.#windows.delete(key);
    }
  }
}

/** One limiter's state for a request, as Cloud Controller's middleware reports it in headers. */
export interface CountedRequest {
  allowed: boolean;
  limit: number;
  /** Cloud Controller's estimate: the fraction left, rounded down to tenths, times the limit. */
  remaining: number;
  /** When the window ends, in seconds since the Unix epoch. */
  resetEpochSeconds: number;
}

/**
 * Cloud Controller's request counter (middleware/base_rate_limiter.rb): a fixed window per
 * key that starts with the key's first request; a request over the limit is refused and
 * not counted.
 */
export class RequestCounter {
  readonly #windows = new Map<string, { validUntil: number; count: number }>();
  #lastSweep = Date.now();

  constructor(readonly windowMs: number) {
    if (!(windowMs > 0)) throw new Error('rate limit needs windowMs > 0');
  }

  count(key: string, limit: number, now = Date.now()): CountedRequest {
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || window.validUntil < now) {
      window = { validUntil: now + this.windowMs, count: 0 };
      this.#windows.set(key, window);
    }
    const next = window.count + 1;
    const allowed = next <= limit;
    if (allowed) window.count = next;
    const fraction = limit > 0 ? Math.floor(((limit - next) / limit) * 10) / 10 : 0;
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.trunc(fraction * limit)),
      resetEpochSeconds: Math.floor(window.validUntil / 1000),
    };
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) if (window.validUntil < now) this.#windows.delete(key);
  }
}

export interface CloudControllerRateLimits {
  /** Requests per window per user (the general limit; admins are not counted). */
  general?: RateLimit;
  /** Requests per window per client address without a user token. Default: the general limit. */
  unauthenticated?: RateLimit;
  /** Requests per window to /v2 (except /v2/info) per user or address; admins get `adminRequests`. */
  v2Api?: RateLimit & { adminRequests?: number };
}

export type RateLimitOutcome =
  | { allowed: true; headers: Record<string, string> }
  | {
      allowed: false;
      headers: Record<string, string>;
      error: 'RateLimitExceeded' | 'IPBasedRateLimitExceeded' | 'RateLimitV2APIExceeded';
    };

// Cloud Controller's patterns (middleware/rate_limiter.rb, rate_limiter_v2_api.rb), matched
// against the full path: /v2/info with a query string counts in the general limit, and
// nothing that starts /v2/info counts in the V2 API limit.
const uncountedRootPath = /^(?:\/v2\/info|\/v3|\/|\/healthz)$/;
const v2ApiPath = /^\/v2\/(?!info).+/;

function limitHeaders(counted: CountedRequest, suffix: string): Record<string, string> {
  return {
    [`X-RateLimit-Limit${suffix}`]: String(counted.limit),
    [`X-RateLimit-Reset${suffix}`]: String(counted.resetEpochSeconds),
    [`X-RateLimit-Remaining${suffix}`]: String(counted.remaining),
  };
}

/**
 * Cloud Controller's two rate limiting middlewares, in their order: the general limiter
 * (per user, or per address for requests without a user token; admins skipped; the root
 * documents skipped), then the V2 API limiter (every /v2 request but /v2/info, admins
 * included). Both are off unless configured. A refusal's Retry-After is the reset time, as
 * Cloud Controller sends it.
 */
export class CloudControllerRateLimiter {
  readonly #general: RequestCounter | undefined;
  readonly #unauthenticated: RequestCounter | undefined;
  readonly #v2: RequestCounter | undefined;

  constructor(readonly limits: CloudControllerRateLimits) {
    const unauthenticated = limits.unauthenticated ?? limits.general;
    for (const limit of [limits.general, unauthenticated, limits.v2Api]) {
      if (limit && !(limit.requests > 0 && limit.windowMs > 0))
        throw new Error('rate limit needs requests > 0 and windowMs > 0');
    }
    this.#general = limits.general && new RequestCounter(limits.general.windowMs);
    this.#unauthenticated = unauthenticated && new RequestCounter(unauthenticated.windowMs);
    this.#v2 = limits.v2Api && new RequestCounter(limits.v2Api.windowMs);
  }

  /**
   * `fullPath`: the path with its query string, as Cloud Controller matches it (Rack's
   * `fullpath`). `userId`: the subject of a valid token (undefined without one, or with an
   * invalid one).
   */
  take(fullPath: string, userId: string | undefined, isAdmin: boolean, address: string): RateLimitOutcome {
    const headers: Record<string, string> = {};
    if (uncountedRootPath.test(fullPath)) return { allowed: true, headers };
    const key = userId !== undefined ? `user:${userId}` : `address:${address}`;
    const general = userId !== undefined ? this.limits.general : (this.limits.unauthenticated ?? this.limits.general);
    const generalCounter = userId !== undefined ? this.#general : this.#unauthenticated;
    if (general && generalCounter && !isAdmin) {
      const counted = generalCounter.count(key, general.requests);
      Object.assign(headers, limitHeaders(counted, ''));
      if (!counted.allowed) {
        return {
          allowed: false,
          headers: { ...headers, 'Retry-After': String(counted.resetEpochSeconds) },
          error: userId !== undefined ? 'RateLimitExceeded' : 'IPBasedRateLimitExceeded',
        };
      }
    }
    const v2 = this.limits.v2Api;
    if (v2 && this.#v2 && v2ApiPath.test(fullPath)) {
      const counted = this.#v2.count(key, isAdmin ? (v2.adminRequests ?? v2.requests) : v2.requests);
      Object.assign(headers, limitHeaders(counted, '-V2-API'));
      if (!counted.allowed) {
        return {
          allowed: false,
          headers: { ...headers, 'Retry-After': String(counted.resetEpochSeconds) },
          error: 'RateLimitV2APIExceeded',
        };
      }
    }
    return { allowed: true, headers };
  }
}

/**
 * UAA's limiter mappings the stand-in has (ratelimiting/, its docs' example configuration):
 * each names an endpoint by its path (`equals:`), counted on its own.
 */
const uaaLimiterMappings: ReadonlyArray<{ name: string; matches: (path: string) => boolean }> = [
  { name: 'LoginPage', matches: (path) => path === '/login' },
  { name: 'AuthToken', matches: (path) => path === '/oauth/token' },
  { name: 'ScimUsers', matches: (path) => path === '/Users' },
];

export type UaaRateLimitOutcome = { allowed: true } | { allowed: false; error: string };

/**
 * UAA's rate limiter (RateLimitingFilter) with one limit for every mapping, as
 * `withCallerRemoteAddressID`: a fixed window per mapping and client address, counting every
 * request to the mapping's paths before anything else looks at it (any method, any
 * credentials). The address is the connection's: UAA takes X-Client-IP, X-Real-IP or
 * X-Forwarded-For first, which the GoRouter in front of it sets; with no router in front,
 * trusting them would let every client choose its own key.
 */
export class UaaRateLimiter {
  readonly #counter: RequestCounter;

  constructor(readonly limit: RateLimit) {
    if (!(limit.requests > 0) || !(limit.windowMs > 0))
      throw new Error('rate limit needs requests > 0 and windowMs > 0');
    this.#counter = new RequestCounter(limit.windowMs);
  }

  take(path: string, address: string): UaaRateLimitOutcome {
    const mapping = uaaLimiterMappings.find((candidate) => candidate.matches(path));
    if (!mapping) return { allowed: true };
    if (this.#counter.count(`${mapping.name}|${address}`, this.limit.requests).allowed) return { allowed: true };
    // RateLimitingFilter's message, naming the limiter (CompoundKey.errorString).
    return {
      allowed: false,
      error: `429 - Too Many Request - Request limited by Rate Limiter configuration: Name: ${mapping.name} Type: RemoteAddressID`,
    };
  }
}
