/** What openapi-fetch calls to send a request. */
export type Fetch = (request: Request) => Promise<Response>;

/** Gives the access token for a request. */
export type TokenProvider = (context: TokenContext) => string | Promise<string>;

export interface TokenContext {
  /**
   * The token the API just answered 401 to: return a different one (a provider that caches
   * must not return this one again). Undefined for an ordinary request.
   */
  rejectedToken?: string;
  /** Sends a request with the client's retries and timeout (no `Authorization`): use it to fetch tokens. */
  fetch: Fetch;
}

export interface RetryOptions {
  /** Attempts in total, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /** Backoff before the n-th retry is a random delay in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))) (default 200). */
  baseDelayMs?: number;
  /** Cap of the backoff (default 30000). A `Retry-After` longer than this is not waited for: the 429/503 is returned. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  /** The `fetch` to send requests with (default `globalThis.fetch`). */
  fetch?: Fetch;
  retry?: RetryOptions;
  /** Limit of each attempt, in milliseconds (default 30000). */
  timeoutMs?: number;
}

/**
 * Milliseconds a `Retry-After` value asks for: delay-seconds or an HTTP-date (all HTTP-date
 * forms start with the day name). Undefined for a missing or unreadable value.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  value = value.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = /^[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Settles like `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(signal: AbortSignal, promise: PromiseLike<T>, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).then(() => signal.removeEventListener('abort', abort));
  });
}

/** Frees the connection of an answer that is not passed on. */
const discard = (response: Response) => response.body?.cancel().catch(() => {});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return untilAborted(signal, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), () => clearTimeout(timer));
}

/**
 * Wraps `fetch` with authentication, a timeout per attempt, and retries of 429, 503 and network
 * errors (every operation of both APIs is idempotent). A 401 to a token from a provider gets one
 * more try with a fresh token. The caller's signal (the request's) ends everything at once.
 */
export function createTransport(options: TransportOptions, token?: string | TokenProvider): Fetch {
  const { fetch = (request: Request) => globalThis.fetch(request), retry = {}, timeoutMs = 30_000 } = options;
  const { attempts = 3, baseDelayMs = 200, maxDelayMs = 30_000 } = retry;
  const tokenFetch = typeof token === 'function' ? createTransport(options) : fetch;

  return async (request) => {
    const signal = request.signal;
    // Read once so that every attempt sends it again; cheaper than copying the request per attempt.
    const body = request.body && (await untilAborted(signal, request.arrayBuffer()));
    let rejectedToken: string | undefined;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      const bearer = typeof token === 'function' ? await untilAborted(signal, Promise.resolve(token({ rejectedToken, fetch: tokenFetch }))) : token;
      const attemptRequest = new Request(request, { body, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
      try {
        // `cf oauth-token` prints the token with its scheme: accept it as is.
        if (bearer !== undefined) attemptRequest.headers.set('Authorization', `Bearer ${bearer.replace(/^bearer\s+/i, '')}`);
      } catch {
        // The runtime's message would quote the token.
        throw new TypeError('The access token has characters an HTTP header cannot carry');
      }
      let delay: number | undefined;
      try {
        // Settles on abort or timeout even if a custom fetch ignores the signal.
        const response = await untilAborted(attemptRequest.signal, fetch(attemptRequest));
        if (response.status === 401 && typeof token === 'function' && rejectedToken === undefined) {
          rejectedToken = bearer;
          attempt--;
          void discard(response);
          continue;
        }
        if ((response.status !== 429 && response.status !== 503) || attempt >= attempts) return response;
        delay = parseRetryAfter(response.headers.get('Retry-After'));
        if (delay !== undefined && delay > maxDelayMs) return response;
        void discard(response);
      } catch (error) {
        // A network error or this attempt's timeout; the caller's own abort is final.
        if (signal.aborted) throw signal.reason;
        if (attempt >= attempts) throw error;
      }
      await sleep(delay ?? Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), signal);
    }
  };
}
