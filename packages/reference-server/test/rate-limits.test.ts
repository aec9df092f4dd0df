import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken } from '../src/index.js';
import { bearer, problemOf, secret, startTestServer, tokens, type ApiResponse, type TestServer } from './support.js';

// Cloud Controller's rate limiters (off by default) and the member API's problem details.

const org = fixtures.organizations.name1766;
const path = `/v2/organizations/${org}/auditors`;
const body = { username: fixtures.usernames.user };

function expectRateLimited(response: ApiResponse, errorCode: string, code: number, suffix: string): void {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBeNull();
  expect(response.json).toMatchObject({ error_code: errorCode, code });
  expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(response.text));
  const reset = Number(response.headers.get(`x-ratelimit-reset${suffix}`));
  const now = Date.now() / 1000;
  expect(reset).toBeGreaterThan(now);
  expect(reset).toBeLessThanOrEqual(now + 61);
  // Cloud Controller sends the reset time itself as Retry-After.
  expect(response.headers.get('retry-after')).toBe(String(reset));
  expect(response.headers.get(`x-ratelimit-limit${suffix}`)).toBe('2');
  expect(response.headers.get(`x-ratelimit-remaining${suffix}`)).toBe('0');
  expect(response.headers.get('x-vcap-request-id')).toBeTruthy();
}

describe('off by default', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('no limit and no X-RateLimit headers', async () => {
    const manager = await tokens.manager();
    for (let i = 0; i < 5; i++) {
      const response = await server.call('PUT', path, { headers: bearer(manager), body });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('the general limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ cloudControllerRateLimit: { requests: 2, windowMs: 60_000 } });
  });
  afterAll(() => server.close());

  it('429 CF-RateLimitExceeded per user past the limit, with the headers; limits shown on other answers', async () => {
    const manager = await tokens.manager();
    const first = await server.call('PUT', path, { headers: bearer(manager), body });
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await server.call('PUT', path, { headers: bearer(manager), body })).status).toBe(201);
    const refused = await server.call('PUT', path, { headers: bearer(manager), body });
    expectRateLimited(refused, 'CF-RateLimitExceeded', 10013, '');
    expect(refused.json).toEqual({
      description: 'Rate Limit Exceeded',
      error_code: 'CF-RateLimitExceeded',
      code: 10013,
    });
    // Another user has a limit of their own; admins are not counted.
    expect((await server.call('PUT', path, { headers: bearer(await tokens.outsider()), body })).status).toBe(403);
    const admin = await tokens.admin();
    for (let i = 0; i < 4; i++) {
      const response = await server.call('PUT', path, { headers: bearer(admin), body });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('429 CF-IPBasedRateLimitExceeded for requests without a user token, counted per address', async () => {
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 3; i++) {
      last = await server.call('PUT', path, { headers: bearer('not-a-token'), body });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    expectRateLimited(last!, 'CF-IPBasedRateLimitExceeded', 10014, '');
    expect(last!.json).toEqual({
      description:
        'Rate Limit Exceeded: Unauthenticated requests from this IP address have exceeded the limit. Please log in.',
      error_code: 'CF-IPBasedRateLimitExceeded',
      code: 10014,
    });
  });
});

describe('the root documents', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ cloudControllerRateLimit: { requests: 2, windowMs: 60_000 } });
  });
  afterAll(() => server.close());

  it('skips the root documents asked by their bare path, and counts them asked with a query string', async () => {
    const user = await tokens.outsider();
    for (let i = 0; i < 4; i++) {
      for (const root of ['/', '/v2/info']) {
        const response = await server.call('GET', root, { headers: bearer(user) });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBeNull();
      }
    }
    // Cloud Controller matches the full path: a query string makes it an ordinary request.
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (const root of ['/v2/info?x=1', '/?x=1', '/v2/info?x=1']) {
      last = await server.call('GET', root, { headers: bearer(user) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expectRateLimited(last!, 'CF-RateLimitExceeded', 10013, '');
  });
});

describe('the v2 API limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ cloudControllerV2RateLimit: { requests: 2, windowMs: 60_000 } });
  });
  afterAll(() => server.close());

  it('429 CF-RateLimitV2APIExceeded with the -V2-API headers, admins included', async () => {
    const admin = await tokens.admin();
    const first = await server.call('POST', `${path}/remove`, { headers: bearer(admin), body });
    expect(first.status).toBe(204);
    expect(first.headers.get('x-ratelimit-limit-v2-api')).toBe('2');
    expect(first.headers.get('x-ratelimit-limit')).toBeNull();
    expect((await server.call('PUT', path, { headers: bearer(admin), body })).status).toBe(201);
    const refused = await server.call('PUT', path, { headers: bearer(admin), body });
    expectRateLimited(refused, 'CF-RateLimitV2APIExceeded', 10018, '-V2-API');
    expect(refused.json).toEqual({
      description: 'Rate Limit of V2 API Exceeded. Please consider using the V3 API',
      error_code: 'CF-RateLimitV2APIExceeded',
      code: 10018,
    });
    expect(await server.store.hasOrgRole(org, fixtures.userIds.user, 'auditors')).toBe(true);
    // The member API is not Cloud Controller's: not limited by it.
    const member = await server.call('DELETE', `/organization/members/${fixtures.otherMemberUserId}`, {
      headers: bearer(await tokens.member()),
    });
    expect(member.status).toBe(204);
  });

  it('never counts /v2/info, with or without a query string', async () => {
    const admin = await tokens.admin();
    for (const info of ['/v2/info', '/v2/info?x=1', '/v2/info', '/v2/info?x=1']) {
      const response = await server.call('GET', info, { headers: bearer(admin) });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit-v2-api')).toBeNull();
    }
  });
});

const cfClient = { Authorization: `Basic ${Buffer.from('cf:').toString('base64')}` };
const tokenForm = (password: string) => ({
  headers: { ...cfClient, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  body: `grant_type=password&username=admin&password=${password}`,
});
const scimReader = () =>
  mintToken({ secret, scopes: ['scim.read', 'cloud_controller.read'], userId: fixtures.adminUserId });
const usersPath = `/Users?filter=${encodeURIComponent(`userName eq "${fixtures.usernames.user}"`)}`;

/** GET from another loopback address than the tests' own (127.0.0.1): another caller to UAA's limiter. */
function getFrom(localAddress: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { Accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectUaaRateLimited(response: ApiResponse, limiter: string): void {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
  expect(response.json).toEqual({
    error: `429 - Too Many Request - Request limited by Rate Limiter configuration: Name: ${limiter} Type: RemoteAddressID`,
  });
  expect(response.headers.get('x-vcap-request-id')).toBeTruthy();
  expect(response.headers.get('retry-after')).toBeNull();
}

describe("the built-in UAA's limiter", () => {
  it('is off by default: no 429 on /login, /oauth/token or /Users', async () => {
    const server = await startTestServer({ cloudControllerRateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      const reader = await scimReader();
      for (let i = 0; i < 5; i++) {
        expect((await server.call('GET', '/login', { headers: { Accept: 'application/json' } })).status).toBe(200);
        expect((await server.call('POST', '/oauth/token', tokenForm('admin'))).status).toBe(200);
        expect((await server.call('GET', usersPath, { headers: bearer(reader) })).status).toBe(200);
      }
    } finally {
      await server.close();
    }
  });

  describe('on', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ uaaRateLimit: { requests: 2, windowMs: 60_000 } });
    });
    afterAll(() => server.close());

    it("the request past the limit gets UAA's 429, per endpoint and caller address, before any credential check", async () => {
      const json = { headers: { Accept: 'application/json' } };
      expect((await server.call('GET', '/login', json)).status).toBe(200);
      expect((await server.call('GET', '/login', json)).status).toBe(200);
      expectUaaRateLimited(await server.call('GET', '/login', json), 'LoginPage');
      // Another caller address has a limit of its own.
      expect(await getFrom('127.0.0.2', `${server.url}/login`)).toBe(200);
      expectUaaRateLimited(await server.call('GET', '/login', json), 'LoginPage');

      // Each endpoint is counted on its own, and every request counts, rejected or not.
      expect((await server.call('POST', '/oauth/token', tokenForm('wrong'))).status).toBe(401);
      expect((await server.call('POST', '/oauth/token', tokenForm('admin'))).status).toBe(200);
      expectUaaRateLimited(await server.call('POST', '/oauth/token', tokenForm('admin')), 'AuthToken');

      const reader = await scimReader();
      expect((await server.call('GET', usersPath)).status).toBe(401);
      expect((await server.call('GET', usersPath, { headers: bearer(reader) })).status).toBe(200);
      expectUaaRateLimited(await server.call('GET', usersPath, { headers: bearer(reader) }), 'ScimUsers');
      expectUaaRateLimited(await server.call('GET', '/Users?filter=bad'), 'ScimUsers');
    });

    it('leaves the other APIs alone: Cloud Controller and the member API have limits of their own', async () => {
      const json = { headers: { Accept: 'application/json' } };
      const logins: number[] = [];
      for (let i = 0; i < 3; i++) logins.push((await server.call('GET', '/login', json)).status);
      expect(logins.at(-1)).toBe(429);
      const admin = await tokens.admin();
      for (let i = 0; i < 4; i++) {
        expect((await server.call('GET', '/v2/info', json)).status).toBe(200);
        const put = await server.call('PUT', path, { headers: bearer(admin), body });
        expect(put.status).toBe(201);
        expect(put.headers.get('x-ratelimit-limit')).toBeNull();
        const member = await server.call('DELETE', `/organization/members/${fixtures.memberUserId}`, {
          headers: bearer('not-a-token'),
        });
        expect(member.status).toBe(401);
      }
    });
  });
});

describe('member API errors as RFC 9457 problem details', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('application/problem+json with type, title, status, detail, instance; message and code kept', async () => {
    const response = await server.call('DELETE', '/organization/members/not-a-uuid', {
      headers: bearer(await tokens.member()),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toEqual({
      type: 'urn:aerospike:errors:validation:failed',
      title: 'Validation Error',
      status: 400,
      detail: 'userId must be a UUID.',
      instance: '/organization/members/not-a-uuid',
      context: { invalid: [{ field: '/userId', type: 'urn:aerospike:errors:validation:failed' }] },
      code: 'invalid_input',
      message: 'userId must be a UUID.',
    });
  });

  it('an expired token is urn:aerospike:errors:auth:token-expired', async () => {
    const expired = await mintToken({
      secret,
      scopes: ['update:org'],
      userId: fixtures.membersAdminUserId,
      orgId: fixtures.membersOrgId,
      expiresInSeconds: -60,
    });
    const response = await server.call('DELETE', `/organization/members/${fixtures.memberUserId}`, {
      headers: bearer(expired),
    });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({
      ...problemOf('invalid_token', 'The access token expired.'),
      type: 'urn:aerospike:errors:auth:token-expired',
      title: 'Token Expired',
      status: 401,
    });
  });
});
