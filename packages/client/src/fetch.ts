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
function untilAborted<T>(
  signal: AbortSignal | undefined,
  promise: T | PromiseLike<T>,
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return Promise.resolve(promise);
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

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return untilAborted(signal, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), () =>
    clearTimeout(timer),
  );
}

/**
 * A signal that aborts with a `TimeoutError` after `ms`: cheaper per request than
 * `AbortSignal.timeout()`, whose weak references the GC has to track. The timer stays armed
 * when the answer is returned, so that it also bounds the reading of the body, until
 * `Transport.release` disarms it.
 */
function armTimeout(ms: number): { signal: AbortSignal; disarm(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('Request timed out', 'TimeoutError')), ms);
  // Node: a pending timeout must not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
  return { signal: controller.signal, disarm: () => clearTimeout(timer) };
}

/**
 * The request the `roles` and `members` methods hand to the transport: openapi-fetch builds
 * it (its `Request` option) in place of a WHATWG `Request`, whose construction, body stream
 * and copy per attempt cost more than the rest of a call. It keeps the URL and the
 * `RequestInit` as given, so that every attempt is a plain `fetch(url, init)`.
 */
export class PreparedRequest {
  // openapi-fetch reads nothing else of it (no HEAD request here, so `method` goes unread).
  declare readonly url: string;
  declare readonly init: PreparedInit;

  constructor(url: string, init: PreparedInit) {
    this.url = url;
    this.init = init;
  }
}

/** openapi-fetch's init: its headers are a `Headers` it made for this call. */
type PreparedInit = RequestInit & { headers: Headers };

// What a Request carries besides its URL, body and signal.
const REQUEST_FIELDS = [
  'method',
  'redirect',
  'credentials',
  'cache',
  'mode',
  'referrer',
  'referrerPolicy',
  'integrity',
  'keepalive',
] as const;

/** A WHATWG Request (the raw clients', a token request) as a URL and init, its body read once so that every attempt can send it. */
async function prepare(request: Request): Promise<{ url: string; init: PreparedInit }> {
  const init: Record<string, unknown> = { headers: new Headers(request.headers), signal: request.signal };
  for (const field of REQUEST_FIELDS) init[field] = request[field];
  if (request.body) init['body'] = await untilAborted(request.signal, request.arrayBuffer());
  return { url: request.url, init: init as unknown as PreparedInit };
}

export interface Transport {
  (request: Request | PreparedRequest): Promise<Response>;
  /** Disarms the timeout of the attempt that gave `response`, once its body has been read. */
  release(response: Response): void;
}

/**
 * Wraps `fetch` with authentication, a timeout per attempt, and retries of 429, 503 and network
 * errors (every operation of both APIs is idempotent). A 401 to a token from a provider gets one
 * more try with a fresh token. The caller's signal (the request's) ends everything at once.
 */
export function createTransport(options: TransportOptions, token?: string | TokenProvider): Transport {
  const { retry = {}, timeoutMs = 30_000 } = options;
  const { attempts = 3, baseDelayMs = 200, maxDelayMs = 30_000 } = retry;
  const customFetch = options.fetch;
  // A custom fetch gets a Request, raced against the signal in case it ignores it; the
  // runtime's fetch takes the URL and init as they are (looked up per call, so that it can be
  // replaced).
  const send = customFetch
    ? (url: string, init: RequestInit & { signal: AbortSignal }) =>
        untilAborted(init.signal, customFetch(new Request(url, init)))
    : (url: string, init: RequestInit) => globalThis.fetch(url, init);
  const provider = typeof token === 'function' ? { next: token, fetch: createTransport(options) } : undefined;

  const armed = new WeakMap<Response, () => void>();

  const transport = async (original: Request | PreparedRequest): Promise<Response> => {
    const { url, init } = original instanceof PreparedRequest ? original : await prepare(original);
    const { headers } = init;
    const signal = init.signal ?? undefined;
    let rejectedToken: string | undefined;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const bearer = provider
        ? await untilAborted(signal, provider.next({ rejectedToken, fetch: provider.fetch }))
        : (token as string | undefined);
      if (bearer !== undefined) {
        try {
          // `cf oauth-token` prints the token with its scheme: accept it as is.
          headers.set('Authorization', `Bearer ${bearer.replace(/^bearer\s+/i, '')}`);
        } catch {
          // The runtime's message would quote the token.
          throw new TypeError('The access token is not a valid HTTP header value');
        }
      }
      const timeout = armTimeout(timeoutMs);
      let delay: number | undefined;
      try {
        const response = await send(url, {
          ...init,
          headers,
          signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
        });
        if (response.status === 401 && provider && rejectedToken === undefined) {
          rejectedToken = bearer;
          attempt--;
          timeout.disarm();
          void discard(response);
          continue;
        }
        const retryable = (response.status === 429 || response.status === 503) && attempt < attempts;
        delay = retryable ? parseRetryAfter(response.headers.get('Retry-After')) : undefined;
        if (!retryable || (delay !== undefined && delay > maxDelayMs)) {
          armed.set(response, timeout.disarm);
          return response;
        }
        timeout.disarm();
        void discard(response);
      } catch (error) {
        timeout.disarm();
        // A network error or this attempt's timeout; the caller's own abort is final.
        if (signal?.aborted) throw signal.reason;
        if (attempt >= attempts) throw error;
      }
      await sleep(delay ?? Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), signal);
    }
  };
  transport.release = (response: Response) => armed.get(response)?.();
  return transport;
}
