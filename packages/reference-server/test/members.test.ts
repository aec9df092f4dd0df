import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken } from '../src/index.js';
import {
  UUID,
  bearer,
  expectConforms,
  secret,
  startTestServer,
  tokens,
  problemOf,
  type TestServer,
} from './support.js';

const memberPath = (userId: string) => `/organization/members/${userId}`;

let server: TestServer;
let member: string;
beforeAll(async () => {
  server = await startTestServer();
  member = await tokens.member();
});
afterAll(() => server.close());

const mint = (overrides: Partial<Parameters<typeof mintToken>[0]> = {}) =>
  mintToken({
    secret,
    scopes: ['update:org'],
    userId: fixtures.membersAdminUserId,
    orgId: fixtures.membersOrgId,
    ...overrides,
  });

describe('removeOrgMember', () => {
  it('removes a member of the caller’s organization with 204, and again 204', async () => {
    expect(await server.store.listMembers(fixtures.membersOrgId)).toContain(fixtures.memberUserId);
    const removed = await server.call('DELETE', memberPath(fixtures.memberUserId), {
      headers: bearer(member, 'Bearer'),
    });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(removed.headers.get('x-request-id')).toMatch(UUID);
    expect(await server.store.listMembers(fixtures.membersOrgId)).not.toContain(fixtures.memberUserId);
    const again = await server.call('DELETE', memberPath(fixtures.memberUserId), { headers: bearer(member) });
    expect(again.status).toBe(204);
  });

  it('only touches the organization named by the token', async () => {
    const otherOrg = await mint({ orgId: '11111111-2222-4333-8444-555555555555' });
    const response = await server.call('DELETE', memberPath(fixtures.otherMemberUserId), { headers: bearer(otherOrg) });
    expect(response.status).toBe(204);
    expect(await server.store.listMembers(fixtures.membersOrgId)).toContain(fixtures.otherMemberUserId);
  });

  it('accepts an upper-case uuid', async () => {
    const response = await server.call('DELETE', memberPath(fixtures.otherMemberUserId.toUpperCase()), {
      headers: bearer(member),
    });
    expect(response.status).toBe(204);
    expect(await server.store.listMembers(fixtures.membersOrgId)).not.toContain(fixtures.otherMemberUserId);
  });
});

describe('errors', () => {
  const del = (headers: Record<string, string>, userId: string = fixtures.memberUserId) =>
    server.call('DELETE', memberPath(userId), { headers });

  it('401 missing_token without a bearer token', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: `Basic ${member}` },
      { Authorization: 'Bearer ' },
    ]) {
      const response = await del(headers);
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject(problemOf('missing_token', 'The access token is missing.'));
    }
  });

  it('401 invalid_token for expired, wrongly signed and garbage tokens', async () => {
    const expired = await del(bearer(await mint({ expiresInSeconds: -5 })));
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject(problemOf('invalid_token', 'The access token expired.'));
    for (const token of [await mint({ secret: 'other' }), 'garbage', 'a.b.c']) {
      const response = await del(bearer(token));
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ code: 'invalid_token' });
    }
  });

  it('403 permission_denied without update:org or without an organization', async () => {
    const readOnly = await del(bearer(await mint({ scopes: ['read:org'] })));
    expect(readOnly.status).toBe(403);
    expect(readOnly.json).toMatchObject(problemOf('permission_denied', 'The access token lacks the update:org scope.'));
    expect(readOnly.headers.get('content-type')).toBe('application/problem+json');
    const noOrg = await del(
      bearer(await mintToken({ secret, scopes: ['update:org'], userId: fixtures.membersAdminUserId, api: 'members' })),
    );
    expect(noOrg.status).toBe(403);
    expect(noOrg.json).toMatchObject({ code: 'permission_denied' });
  });

  it('400 invalid_input for a userId that is not a uuid', async () => {
    for (const userId of [
      'abc',
      '3f2b8c1e6d4a4f7b9e2c1a5d7b9c0e34',
      '%00',
      'x'.repeat(500),
      '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e3z',
    ]) {
      const response = await del(bearer(member), userId);
      expect(response.status, userId).toBe(400);
      expect(response.json).toMatchObject(problemOf('invalid_input', 'userId must be a UUID.'));
    }
  });

  it('400 invalid_input for a body over the limit', async () => {
    const response = await server.call('DELETE', memberPath(fixtures.memberUserId), {
      headers: bearer(member),
      body: 'x'.repeat(64 * 1024 + 1),
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'invalid_input' });
  });

  it('checks the token before the userId', async () => {
    expect((await del({}, 'not-a-uuid')).status).toBe(401);
    expect((await del(bearer(await mint({ scopes: [] })), 'not-a-uuid')).status).toBe(403);
  });

  it('429 too_many_requests with Retry-After past the limit, per token', async () => {
    const limited = await startTestServer({ memberRateLimit: { requests: 3, windowMs: 30_000 } });
    try {
      const call = (token: string) =>
        limited.call('DELETE', memberPath(fixtures.memberUserId), { headers: bearer(token) });
      for (let i = 0; i < 3; i += 1) expect((await call(member)).status).toBe(204);
      const refused = await call(member);
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject(problemOf('too_many_requests', 'Too many requests, retry later.'));
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
      // Another caller has its own budget.
      const other = await mint({ userId: '22222222-3333-4444-8555-666666666666' });
      expect((await call(other)).status).toBe(204);
    } finally {
      await limited.close();
    }
  });
});

describe('X-Request-Id', () => {
  it('echoes a sane client id and replaces anything else with a uuid', async () => {
    const del = (id: string) =>
      server.call('DELETE', memberPath(fixtures.memberUserId), { headers: { ...bearer(member), 'X-Request-Id': id } });
    expect((await del('trace-42.a:b_c')).headers.get('x-request-id')).toBe('trace-42.a:b_c');
    expect((await del('has space')).headers.get('x-request-id')).toMatch(UUID);
    expect((await del('x'.repeat(129))).headers.get('x-request-id')).toMatch(UUID);
  });

  it('is on every response, errors and unknown routes included', async () => {
    for (const [method, path] of [
      ['DELETE', memberPath('nope')],
      ['GET', memberPath(fixtures.memberUserId)],
      ['GET', '/nothing'],
      ['POST', '/organization/members'],
    ] as const) {
      const response = await server.call(method, path);
      expect(response.headers.get('x-request-id'), path).toBeTruthy();
    }
  });

  it('answers unknown routes with 404 in the generic error shape', async () => {
    const response = await server.call('GET', '/organization');
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject(problemOf('not_found', 'No such resource.'));
  });
});

describe('malformed HTTP', () => {
  function raw(text: string): Promise<string> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      import('node:net').then(({ connect }) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('latin1')));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      }, reject);
    });
  }

  it('answers garbage request lines and oversized headers with a 400 in the API’s error shape', async () => {
    const cf = await raw('PUT /v2/organizations/x/users HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(cf).toMatch(/^HTTP\/1.1 400 /);
    expect(cf).toContain('"error_code":"CF-MessageParseError"');
    expect(cf).toMatch(/X-VCAP-Request-ID: /);
    const members = await raw(
      `DELETE /organization/members/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(members).toMatch(/^HTTP\/1.1 400 /);
    expect(members).toContain('"code":"invalid_input"');
    expect(members).toMatch(/X-Request-Id: /);
  });

  it('survives a client that disconnects mid-body', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = request({
        port,
        host: '127.0.0.1',
        method: 'PUT',
        path: '/v2/organizations/x/users',
        headers: { 'Content-Length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('{"username":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const response = await server.call('DELETE', memberPath(fixtures.memberUserId), { headers: bearer(member) });
    expect(response.status).toBe(204);
    expectConforms('DELETE', memberPath(fixtures.memberUserId), response);
  });
});
