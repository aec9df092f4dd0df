import { credentialsOf, recordCredentials } from './credentials.js';
import { ResponseParseError } from './errors.js';

/** What openapi-fetch calls to send a request (its `fetch` option). */
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
  /** Limit of each attempt, the reading of the answer's body included, in milliseconds (default 30000). */
  timeoutMs?: number;
}

/**
 * Milliseconds a `Retry-After` value asks for: delay-seconds or an HTTP-date (all HTTP-date
 * forms start with the day name). Undefined for a missing or unreadable value.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  value = value?.trim() ?? '';
  const date = /^\d+$/.test(value) ? now + Number(value) * 1000 : /^[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Settles like `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(signal: AbortSignal, promise: T | PromiseLike<T>, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    Promise.resolve(promise)
      .then(resolve, reject)
      .then(() => signal.removeEventListener('abort', abort));
  });
}

/** Frees the connection of an answer that is not passed on. */
const discard = (response: Response) => response.body?.cancel().catch(() => {});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return untilAborted(signal, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), () =>
    clearTimeout(timer),
  );
}

/**
 * The signal of one attempt: it aborts with a `TimeoutError` after `ms`, or with the caller's
 * reason when the caller's signal aborts. `release` disarms both, once the answer's body is read.
 * (A listener and a timer cost a request less than `AbortSignal.any` and `AbortSignal.timeout`,
 * whose weak references the GC has to track.)
 */
function armAttempt(ms: number, caller: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const follow = () => controller.abort(caller.reason);
  caller.addEventListener('abort', follow);
  const timer = setTimeout(() => controller.abort(new DOMException('Timed out', 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      caller.removeEventListener('abort', follow);
    },
  };
}

/**
 * Wraps `fetch` with authentication, a timeout per attempt, and retries of 429, 503 and network
 * errors (every operation of both APIs is idempotent). A 401 to a token from a provider gets one
 * more try with a fresh token. The caller's signal (the request's) ends everything at once.
 *
 * It takes the WHATWG `Request` openapi-fetch (and its middleware) made and sends it as it is,
 * with a copy of its headers (plus `Authorization`) and its body read once: every attempt, and
 * every redirect `fetch` follows, sends that again. The answer's body is read within the
 * attempt's timeout and handed on in a new Response. Both APIs send and answer JSON only, so
 * bodies are read as text (not as an ArrayBuffer, which Node 20's fetch detaches once sent and
 * then fails to replay on a 307/308 redirect).
 *
 * For an API (`api` given; not for the token endpoint, which its provider reads), a success
 * answer whose body is not JSON throws {@link ResponseParseError}, and is not retried.
 */
export function createTransport(options: TransportOptions, api?: { token?: string | TokenProvider }): Fetch {
  const { retry = {}, timeoutMs = 30_000 } = options;
  const { attempts = 3, baseDelayMs = 200, maxDelayMs = 30_000 } = retry;
  const token = api?.token;
  const customFetch = options.fetch;
  // Each attempt is the request with the headers, body and signal of the attempt. A custom fetch
  // gets it as a Request, raced against the signal in case it ignores it; the runtime's fetch
  // takes the request and init as they are (looked up per call, so that it can be replaced).
  const send = customFetch
    ? (request: Request, init: RequestInit & { signal: AbortSignal }) =>
        untilAborted(init.signal, customFetch(new Request(request, init)))
    : (request: Request, init: RequestInit) => globalThis.fetch(request, init);
  const provider = typeof token === 'function' ? { next: token, fetch: createTransport(options) } : undefined;

  return async (request: Request): Promise<Response> => {
    const { signal } = request;
    // A copy: the Request stays as middleware left it (no Authorization for onResponse to log).
    const headers = new Headers(request.headers);
    const body = request.body && (await untilAborted(signal, request.text()));
    // The provider's secrets and the tokens this call sent: an error answer may echo them.
    const credentials = [...credentialsOf(token)];
    let rejectedToken: string | undefined;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      const bearer = provider
        ? await untilAborted(signal, provider.next({ rejectedToken, fetch: provider.fetch }))
        : (token as string | undefined);
      if (bearer !== undefined) {
        // `cf oauth-token` prints the token with its scheme: accept it as is.
        const credential = bearer.replace(/^bearer\s+/i, '');
        credentials.push(credential);
        try {
          headers.set('Authorization', `Bearer ${credential}`);
        } catch {
          // The runtime's message would quote the token.
          throw new TypeError('The token is not a valid header value');
        }
      }
      const attemptSignal = armAttempt(timeoutMs, signal);
      let delay: number | undefined;
      try {
        const response = await send(request, { headers, body, signal: attemptSignal.signal });
        if (response.status === 401 && provider && rejectedToken === undefined) {
          rejectedToken = bearer;
          attempt--;
          void discard(response);
          continue;
        }
        const retryable = (response.status === 429 || response.status === 503) && attempt < attempts;
        delay = retryable ? parseRetryAfter(response.headers.get('Retry-After')) : undefined;
        if (!retryable || (delay !== undefined && delay > maxDelayMs)) {
          // Raced, for a custom fetch that ignores the signal.
          const text = response.body && (await untilAborted(attemptSignal.signal, response.text()));
          // An init of its own: `new Response(body, response)` is slow (it reads the Response as a dictionary).
          const answer = new Response(text, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
          recordCredentials(answer, credentials);
          if (api && answer.ok && text)
            try {
              JSON.parse(text);
            } catch {
              // The error does not quote the text: it may echo the request.
              throw new ResponseParseError(answer);
            }
          return answer;
        }
        void discard(response);
      } catch (error) {
        // A network error or this attempt's timeout; the caller's own abort is final, and so is
        // a success answer that cannot be read.
        if (signal.aborted) throw signal.reason;
        if (attempt >= attempts || error instanceof ResponseParseError) throw error;
      } finally {
        attemptSignal.release();
      }
      await sleep(delay ?? Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), signal);
    }
  };
}
