import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createOrgMembershipClient, parseRetryAfter, type OrgMembershipClientOptions } from '../src/index.js';
import { CLOUD_CONTROLLER_URL, empty, fakeFetch, hang, ignoreSignal, json, organization, ORG_GUID } from './support.js';

const target = { org: ORG_GUID, role: 'users', username: 'user@example.com' } as const;

function clientWith(fetch: ReturnType<typeof fakeFetch>, options: Partial<OrgMembershipClientOptions> = {}) {
  return createOrgMembershipClient({
    cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: 'cc-token' },
    fetch,
    ...options,
  });
}

const rateLimited = (headers: Record<string, string> = {}) =>
  json(429, { description: 'Rate Limit Exceeded', error_code: 'CF-RateLimitExceeded', code: 10013 }, headers);
const unavailable = () =>
  json(503, { description: 'The UAA service is currently unavailable', error_code: 'CF-UaaUnavailable', code: 20004 });

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T08:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, and a past date as no wait', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
  });

  it('gives undefined for a missing or unreadable value', () => {
    for (const value of [null, '', 'soon', '-5', '1.5', '2026-11-23', '30s'])
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
  });
});

describe('retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-11-23T08:00:00Z') });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('retries 429 and 503 with full-jitter exponential backoff, then succeeds', async () => {
    const fetch = fakeFetch(
      () => rateLimited(),
      unavailable,
      () => json(201, organization),
    );
    const result = clientWith(fetch).roles.associate(target);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    // random 0.5 × 200 ms before the first retry, 0.5 × 400 ms before the second.
    await vi.advanceTimersByTimeAsync(99);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(organization);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('caps the backoff at maxDelayMs', async () => {
    vi.mocked(Math.random).mockReturnValue(0.9);
    const fetch = fakeFetch(unavailable, unavailable, unavailable, () => json(201, organization));
    const result = clientWith(fetch, { retry: { attempts: 4, baseDelayMs: 1000, maxDelayMs: 1500 } }).roles.associate(
      target,
    );
    // 0.9 × 1000, then 0.9 × 1500 twice (not × 2000 and × 4000).
    await vi.advanceTimersByTimeAsync(900 + 1350 + 1349);
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(organization);
  });

  it('replays the request body on every attempt', async () => {
    const fetch = fakeFetch(unavailable, () => json(201, organization));
    const result = clientWith(fetch).roles.associate({ ...target, origin: 'ldap' });
    await vi.runAllTimersAsync();
    await result;
    expect(fetch.requests.map(({ body }) => JSON.parse(body))).toEqual([
      { username: 'user@example.com', origin: 'ldap' },
      { username: 'user@example.com', origin: 'ldap' },
    ]);
  });

  it('waits the seconds Retry-After names', async () => {
    const fetch = fakeFetch(
      () => rateLimited({ 'Retry-After': '2' }),
      () => json(201, organization),
    );
    const result = clientWith(fetch).roles.associate(target);
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(organization);
  });

  it('waits until the HTTP-date Retry-After names', async () => {
    const fetch = fakeFetch(
      () => rateLimited({ 'Retry-After': new Date(Date.now() + 3000).toUTCString() }),
      () => json(201, organization),
    );
    const result = clientWith(fetch).roles.associate(target);
    await vi.advanceTimersByTimeAsync(2999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(organization);
  });

  it('falls back to the backoff when Retry-After is unreadable', async () => {
    const fetch = fakeFetch(
      () => rateLimited({ 'Retry-After': 'later, please' }),
      () => json(201, organization),
    );
    const result = clientWith(fetch).roles.associate(target);
    await vi.advanceTimersByTimeAsync(99);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(organization);
  });

  it('does not wait for a Retry-After beyond maxDelayMs: the 429 surfaces at once', async () => {
    const fetch = fakeFetch(() => rateLimited({ 'Retry-After': '3600' }));
    const error = await clientWith(fetch)
      .roles.associate(target)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 10013, errorCode: 'CF-RateLimitExceeded' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('gives up after the configured attempts and throws the last answer', async () => {
    const fetch = fakeFetch(unavailable, unavailable, unavailable, unavailable);
    const result = clientWith(fetch, { retry: { attempts: 2 } })
      .roles.associate(target)
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ name: 'ApiError', status: 503, errorCode: 'CF-UaaUnavailable' });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not retry other errors', async () => {
    const fetch = fakeFetch(
      () => json(500, { description: 'Server error', error_code: 'CF-ServerError', code: 10001 }),
      () => json(201, organization),
    );
    await expect(clientWith(fetch).roles.associate(target)).rejects.toMatchObject({ status: 500 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('retries network errors, then throws the last one', async () => {
    const failure = () => Promise.reject(new TypeError('fetch failed'));
    const recovered = fakeFetch(failure, failure, () => json(201, organization));
    const ok = clientWith(recovered).roles.associate(target);
    await vi.runAllTimersAsync();
    await expect(ok).resolves.toEqual(organization);
    expect(recovered).toHaveBeenCalledTimes(3);

    const broken = fakeFetch(failure, failure, failure);
    const failed = clientWith(broken)
      .roles.associate(target)
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    expect(await failed).toEqual(new TypeError('fetch failed'));
    expect(broken).toHaveBeenCalledTimes(3);
  });

  it('sends once when attempts is 1', async () => {
    const fetch = fakeFetch(unavailable, () => json(201, organization));
    await expect(clientWith(fetch, { retry: { attempts: 1 } }).roles.associate(target)).rejects.toMatchObject({
      status: 503,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('aborts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects at once, without retrying, when the caller aborts during the backoff wait', async () => {
    vi.useFakeTimers();
    const fetch = fakeFetch(
      () => rateLimited({ 'Retry-After': '20' }),
      () => json(201, organization),
    );
    const controller = new AbortController();
    const result = clientWith(fetch).roles.associate(target, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    expect(fetch).toHaveBeenCalledTimes(1);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('rejects with the caller’s abort reason during a request and does not retry it', async () => {
    const fetch = fakeFetch(hang, () => json(201, organization));
    const controller = new AbortController();
    const result = clientWith(fetch).roles.associate(target, { signal: controller.signal });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    const reason = new Error('user navigated away');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('rejects at once even when a custom fetch ignores the signal', async () => {
    const fetch = fakeFetch(ignoreSignal);
    const controller = new AbortController();
    const result = clientWith(fetch).roles.associate(target, { signal: controller.signal });
    await vi.waitFor(() => expect(fetch.requests).toHaveLength(1));
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const fetch = fakeFetch(() => json(201, organization));
    await expect(clientWith(fetch).roles.associate(target, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('rejects at once while waiting for a token', async () => {
    const fetch = fakeFetch(() => json(201, organization));
    const client = createOrgMembershipClient({
      cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: () => new Promise<string>(() => {}) },
      fetch,
    });
    const controller = new AbortController();
    const result = client.roles.associate(target, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('timeouts', () => {
  it('gives each attempt its own timeout, so a retry after a timeout can succeed', async () => {
    const fetch = fakeFetch(hang, () => json(201, organization));
    const client = clientWith(fetch, { timeoutMs: 30, retry: { baseDelayMs: 1 } });
    await expect(client.roles.associate(target)).resolves.toEqual(organization);
    const [first, second] = fetch.requests.map(({ request }) => request.signal);
    expect(first?.aborted).toBe(true);
    expect((first?.reason as Error).name).toBe('TimeoutError');
    expect(second?.aborted).toBe(false);
  });

  it('times out even when a custom fetch ignores the signal', async () => {
    const fetch = fakeFetch(ignoreSignal);
    const error = await clientWith(fetch, { timeoutMs: 20, retry: { attempts: 1 } })
      .roles.associate(target)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('throws the TimeoutError when every attempt times out', async () => {
    const fetch = fakeFetch(hang, hang);
    const started = performance.now();
    const error = await clientWith(fetch, { timeoutMs: 30, retry: { attempts: 2, baseDelayMs: 1 } })
      .roles.associate(target)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('keeps the per-call signal and the timeout apart: neither ends the other early', async () => {
    const controller = new AbortController();
    const fetch = fakeFetch(hang, hang);
    // An attempt's timeout ends the attempt, not the caller's signal.
    await expect(
      clientWith(fetch, { timeoutMs: 20, retry: { attempts: 1 } }).roles.associate(target, {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(controller.signal.aborted).toBe(false);
    // The caller's abort reaches the attempt under way at once.
    const call = clientWith(fetch, { timeoutMs: 10_000 }).roles.associate(target, { signal: controller.signal });
    await vi.waitFor(() => expect(fetch.requests).toHaveLength(2));
    const sent = fetch.requests[1]!.request.signal;
    expect(sent.aborted).toBe(false);
    controller.abort();
    expect(sent.aborted).toBe(true);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('timers after the call', () => {
  afterEach(() => vi.useRealTimers());

  it('clears each attempt’s timeout once the answer has been read, for the methods and the raw clients', async () => {
    vi.useFakeTimers();
    const fetch = fakeFetch(
      () => rateLimited({ 'Retry-After': '0' }),
      () => json(201, organization),
      () => json(201, organization),
      () =>
        json(404, {
          description: 'The organization could not be found: x',
          error_code: 'CF-OrganizationNotFound',
          code: 30003,
        }),
    );
    const client = clientWith(fetch, { timeoutMs: 30_000 });
    // A 429, then the retry (Retry-After: 0): the first attempt's timer goes with its answer.
    const associated = client.roles.associate(target);
    await vi.advanceTimersByTimeAsync(10);
    await associated;
    expect(vi.getTimerCount()).toBe(0);
    await client.raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'x' },
    });
    expect(vi.getTimerCount()).toBe(0);
    await expect(client.roles.associate(target)).rejects.toBeInstanceOf(ApiError);
    expect(vi.getTimerCount()).toBe(0);
    expect(fetch).toHaveBeenCalledTimes(4);
  });
});

describe('empty answers', () => {
  it('treats a 204 as success without a body', async () => {
    const fetch = fakeFetch(() => empty(204));
    await expect(clientWith(fetch).roles.remove(target)).resolves.toBeUndefined();
  });
});
