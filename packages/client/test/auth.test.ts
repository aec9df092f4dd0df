import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, clientCredentials, createOrgMembershipClient, type TokenProvider } from '../src/index.js';
import {
  CLOUD_CONTROLLER_URL,
  empty,
  fakeFetch,
  type Handler,
  json,
  MEMBERS_URL,
  organization,
  ORG_GUID,
  TOKEN_URL,
  USER_ID,
} from './support.js';

const CLIENT_SECRET = 'client-secret-5f1c9a7e';
const credentials = { tokenUrl: TOKEN_URL, clientId: 'client-id-1', clientSecret: CLIENT_SECRET };

const tokenAnswer =
  (token: string, expiresIn: unknown = 3600): Handler =>
  () =>
    json(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
const memberRemoved = (): Response => empty(204, { 'X-Request-Id': 'b0658b67-8ea3-46de-a3b8-18c3f5347def' });
const expiredToken = () => json(401, { code: 'invalid_token', message: 'The access token expired.' });

function membersClient(fetch: ReturnType<typeof fakeFetch>, token: string | TokenProvider) {
  return createOrgMembershipClient({ members: { baseUrl: MEMBERS_URL, token }, fetch, retry: { baseDelayMs: 1 } });
}

const authorization = (fetch: ReturnType<typeof fakeFetch>) =>
  fetch.requests.map(({ request }) => request.headers.get('Authorization'));
const tokenRequests = (fetch: ReturnType<typeof fakeFetch>) =>
  fetch.requests.filter(({ request }) => request.url === TOKEN_URL);

describe('tokens', () => {
  it('sends a static token as a Bearer token, to its own API only', async () => {
    const fetch = fakeFetch(() => json(201, organization), memberRemoved);
    const client = createOrgMembershipClient({
      cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: 'cc-token' },
      members: { baseUrl: MEMBERS_URL, token: 'members-token' },
      fetch,
    });
    await client.roles.associate({ org: ORG_GUID, role: 'auditors', username: 'auditor@example.com' });
    await client.members.remove({ userId: USER_ID });
    expect(fetch.requests.map(({ request }) => [request.url, request.headers.get('Authorization')])).toEqual([
      [`${CLOUD_CONTROLLER_URL}/v2/organizations/${ORG_GUID}/auditors`, 'Bearer cc-token'],
      [`${MEMBERS_URL}/organization/members/${USER_ID}`, 'Bearer members-token'],
    ]);
  });

  it('accepts a token that already carries the bearer scheme, as `cf oauth-token` prints it', async () => {
    const fetch = fakeFetch(() => json(201, organization));
    const client = createOrgMembershipClient({
      cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: 'bearer eyJhbGciOi.payload.sig' },
      fetch,
    });
    await client.roles.associate({ org: ORG_GUID, role: 'users', username: 'u' });
    expect(authorization(fetch)).toEqual(['Bearer eyJhbGciOi.payload.sig']);
  });

  it('sends no Authorization header without a token', async () => {
    const fetch = fakeFetch(memberRemoved);
    await createOrgMembershipClient({ members: { baseUrl: MEMBERS_URL }, fetch }).members.remove({ userId: USER_ID });
    expect(fetch.requests[0]?.request.headers.has('Authorization')).toBe(false);
  });

  it('asks an async token provider for every request', async () => {
    const provider = vi.fn(async () => 'provided-token');
    const fetch = fakeFetch(memberRemoved, memberRemoved);
    const client = membersClient(fetch, provider);
    await client.members.remove({ userId: USER_ID });
    await client.members.remove({ userId: USER_ID });
    expect(provider).toHaveBeenCalledTimes(2);
    expect(authorization(fetch)).toEqual(['Bearer provided-token', 'Bearer provided-token']);
  });

  it('does not retry a 401 to a static token', async () => {
    const fetch = fakeFetch(expiredToken, memberRemoved);
    await expect(membersClient(fetch, 'static-token').members.remove({ userId: USER_ID })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('asks a provider for a new token once after a 401, naming the rejected one, and retries once', async () => {
    const provider = vi.fn(async ({ rejectedToken }: { rejectedToken?: string }) =>
      rejectedToken ? 'fresh-token' : 'stale-token',
    );
    const fetch = fakeFetch(expiredToken, memberRemoved);
    await membersClient(fetch, provider).members.remove({ userId: USER_ID });
    expect(provider.mock.calls.map(([context]) => context.rejectedToken)).toEqual([undefined, 'stale-token']);
    expect(authorization(fetch)).toEqual(['Bearer stale-token', 'Bearer fresh-token']);
  });

  it('does not count the retry after a 401 as one of the attempts', async () => {
    const provider = vi.fn(async ({ rejectedToken }: { rejectedToken?: string }) =>
      rejectedToken ? 'fresh-token' : 'stale-token',
    );
    const fetch = fakeFetch(expiredToken, () => empty(503), memberRemoved);
    const client = createOrgMembershipClient({
      members: { baseUrl: MEMBERS_URL, token: provider },
      fetch,
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    await expect(client.members.remove({ userId: USER_ID })).resolves.toBeUndefined();
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('throws the second 401 instead of asking again', async () => {
    const provider = vi.fn(async () => 'rejected-token');
    const fetch = fakeFetch(expiredToken, expiredToken, memberRemoved);
    await expect(membersClient(fetch, provider).members.remove({ userId: USER_ID })).rejects.toMatchObject({
      status: 401,
    });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(provider).toHaveBeenCalledTimes(2);
  });
});

describe('clientCredentials', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('POSTs the client-credentials grant as JSON to the token URL', async () => {
    const fetch = fakeFetch(tokenAnswer('access-1'), memberRemoved);
    await membersClient(fetch, clientCredentials({ ...credentials, scope: 'update:org' })).members.remove({
      userId: USER_ID,
    });
    const [token] = tokenRequests(fetch);
    expect(token?.request.method).toBe('POST');
    expect(token?.request.headers.get('Content-Type')).toBe('application/json');
    expect(token?.request.headers.has('Authorization')).toBe(false);
    expect(JSON.parse(token?.body ?? '')).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-id-1',
      client_secret: CLIENT_SECRET,
      scope: 'update:org',
    });
    expect(authorization(fetch)[1]).toBe('Bearer access-1');
  });

  it('caches the token until shortly before expires_in', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const fetch = fakeFetch(
      tokenAnswer('access-1', 600),
      memberRemoved,
      memberRemoved,
      tokenAnswer('access-2', 600),
      memberRemoved,
    );
    const client = membersClient(fetch, clientCredentials(credentials));
    await client.members.remove({ userId: USER_ID });
    vi.advanceTimersByTime(539_000); // 600 s minus the 60 s margin, less one second
    await client.members.remove({ userId: USER_ID });
    vi.advanceTimersByTime(1_000);
    await client.members.remove({ userId: USER_ID });
    expect(tokenRequests(fetch)).toHaveLength(2);
    expect(authorization(fetch)).toEqual([null, 'Bearer access-1', 'Bearer access-1', null, 'Bearer access-2']);
  });

  it('keeps a short-lived token for half its lifetime', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const fetch = fakeFetch(
      tokenAnswer('short-1', 30),
      memberRemoved,
      memberRemoved,
      tokenAnswer('short-2', 30),
      memberRemoved,
    );
    const client = membersClient(fetch, clientCredentials(credentials));
    await client.members.remove({ userId: USER_ID });
    vi.advanceTimersByTime(14_000);
    await client.members.remove({ userId: USER_ID });
    vi.advanceTimersByTime(1_000);
    await client.members.remove({ userId: USER_ID });
    expect(tokenRequests(fetch)).toHaveLength(2);
  });

  it('does not cache a token without a usable expires_in', async () => {
    const fetch = fakeFetch(tokenAnswer('a', 'soon'), memberRemoved, tokenAnswer('b', undefined), memberRemoved);
    const client = membersClient(fetch, clientCredentials(credentials));
    await client.members.remove({ userId: USER_ID });
    await client.members.remove({ userId: USER_ID });
    expect(authorization(fetch)).toEqual([null, 'Bearer a', null, 'Bearer b']);
  });

  it('shares one token request among concurrent calls', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = fakeFetch(
      async () => {
        await gate;
        return tokenAnswer('shared')(new Request(TOKEN_URL));
      },
      memberRemoved,
      memberRemoved,
      memberRemoved,
      memberRemoved,
      memberRemoved,
    );
    const client = membersClient(fetch, clientCredentials(credentials));
    const calls = Array.from({ length: 5 }, () => client.members.remove({ userId: USER_ID }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    release();
    await Promise.all(calls);
    expect(tokenRequests(fetch)).toHaveLength(1);
    expect(authorization(fetch).slice(1)).toEqual(Array(5).fill('Bearer shared'));
  });

  it('lets one caller abort while waiting for the shared token without failing the others', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = fakeFetch(async () => {
      await gate;
      return tokenAnswer('shared')(new Request(TOKEN_URL));
    }, memberRemoved);
    const client = membersClient(fetch, clientCredentials(credentials));
    const controller = new AbortController();
    const aborted = client.members.remove({ userId: USER_ID }, { signal: controller.signal });
    const waiting = client.members.remove({ userId: USER_ID });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await expect(waiting).resolves.toBeUndefined();
    expect(authorization(fetch)).toEqual([null, 'Bearer shared']);
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const fetch = fakeFetch(tokenAnswer('revoked'), expiredToken, tokenAnswer('renewed'), memberRemoved);
    await membersClient(fetch, clientCredentials(credentials)).members.remove({ userId: USER_ID });
    expect(authorization(fetch)).toEqual([null, 'Bearer revoked', null, 'Bearer renewed']);
  });

  it('refreshes once when concurrent calls all get 401 for the same token', async () => {
    const byToken: Handler = (request) =>
      request.headers.get('Authorization') === 'Bearer revoked' ? expiredToken() : memberRemoved();
    const fetch = fakeFetch(
      tokenAnswer('revoked'),
      byToken,
      byToken,
      byToken,
      tokenAnswer('renewed'),
      byToken,
      byToken,
      byToken,
    );
    const client = membersClient(fetch, clientCredentials(credentials));
    await Promise.all(Array.from({ length: 3 }, () => client.members.remove({ userId: USER_ID })));
    expect(tokenRequests(fetch)).toHaveLength(2);
    expect(authorization(fetch).filter((value) => value === 'Bearer renewed')).toHaveLength(3);
  });

  it('retries the token endpoint like any request', async () => {
    const fetch = fakeFetch(
      () => empty(503),
      () => Promise.reject(new TypeError('fetch failed')),
      tokenAnswer('third-time'),
      memberRemoved,
    );
    await membersClient(fetch, clientCredentials(credentials)).members.remove({ userId: USER_ID });
    expect(authorization(fetch).at(-1)).toBe('Bearer third-time');
  });

  it('throws an ApiError for a refused grant, without the secret, and asks again next time', async () => {
    const refused = () =>
      json(401, { error: 'access_denied', error_description: 'Unauthorized' }, { 'X-Request-Id': 'token-request-1' });
    const fetch = fakeFetch(refused, tokenAnswer('later'), memberRemoved);
    const client = membersClient(fetch, clientCredentials(credentials));
    const error = await client.members.remove({ userId: USER_ID }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 401,
      code: 'access_denied',
      message: 'Unauthorized',
      requestId: 'token-request-1',
    });
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(CLIENT_SECRET);
    }
    await client.members.remove({ userId: USER_ID });
    expect(authorization(fetch).at(-1)).toBe('Bearer later');
  });

  it('throws a ResponseParseError for an answer without access_token', async () => {
    const fetch = fakeFetch(() => json(200, { token_type: 'Bearer' }));
    await expect(
      membersClient(fetch, clientCredentials(credentials)).members.remove({ userId: USER_ID }),
    ).rejects.toMatchObject({
      name: 'ResponseParseError',
      status: 200,
      message: "The 200 answer's body is not the JSON expected",
    });
  });
});
