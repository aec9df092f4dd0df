import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken, ORG_ROLES } from '../src/index.js';
import { UUID, bearer, cfError, secret, startTestServer, tokens, type TestServer } from './support.js';

const org = fixtures.organizations.name1766;
const rolePath = (guid: string, role: string) => `/v2/organizations/${guid}/${role}`;

let server: TestServer;
let admin: string;
let manager: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await tokens.admin();
  manager = await tokens.manager();
});
afterAll(() => server.close());

describe('every role: PUT and DELETE', () => {
  for (const role of ORG_ROLES) {
    it(`${role}: PUT 201 twice, DELETE 204 twice`, async () => {
      const body = { username: fixtures.usernames.auditor };
      const put = await server.call('PUT', rolePath(org, role), { headers: bearer(admin), body });
      expect(put.status).toBe(201);
      expect(put.json).toMatchObject({
        metadata: { guid: org, url: `/v2/organizations/${org}`, created_at: '2016-06-08T16:41:35Z' },
        entity: { name: 'name-1766', status: 'active', quota_definition_guid: '566e09b9-2b73-4506-be69-97b1cdca0f1c' },
      });
      const roles = () => server.store.listOrgRoles(org);
      expect(await roles()).toContainEqual({ userId: fixtures.userIds.auditor, role });
      const again = await server.call('PUT', rolePath(org, role), { headers: bearer(admin), body });
      expect(again.status).toBe(201);
      expect((await roles()).filter((r) => r.role === role && r.userId === fixtures.userIds.auditor)).toHaveLength(1);

      const removed = await server.call('DELETE', rolePath(org, role), { headers: bearer(admin), body });
      expect(removed.status).toBe(204);
      expect(await roles()).not.toContainEqual({ userId: fixtures.userIds.auditor, role });
      const removedAgain = await server.call('DELETE', rolePath(org, role), { headers: bearer(admin), body });
      expect(removedAgain.status).toBe(204);
    });
  }

  it('answers DELETE with 200 and the organization when configured as the 2015 releases', async () => {
    const legacy = await startTestServer({ deleteSuccessStatus: 200 });
    try {
      const response = await legacy.call('DELETE', rolePath(fixtures.organizations.name808, 'auditors'), {
        headers: bearer(admin),
        body: { username: fixtures.usernames.auditor },
      });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ metadata: { guid: fixtures.organizations.name808, updated_at: null } });
      expect(await legacy.store.hasOrgRole(fixtures.organizations.name808, fixtures.userIds.auditor, 'auditors')).toBe(
        false,
      );
    } finally {
      await legacy.close();
    }
  });

  it('records who made each change under its request id', async () => {
    const response = await server.call('PUT', rolePath(org, 'managers'), {
      headers: bearer(manager),
      body: { username: fixtures.usernames.manager },
    });
    expect(response.status).toBe(201);
    const events = await server.store.listEvents();
    expect(events.at(-1)).toMatchObject({
      type: 'org_role_add',
      organizationGuid: org,
      userId: fixtures.userIds.manager,
      role: 'managers',
      actorUserId: fixtures.userIds.orgManager,
      requestId: response.headers.get('x-vcap-request-id'),
    });
  });
});

describe('users and space roles', () => {
  const spaceOrg = fixtures.orgWithSpaceRoles;
  const body = { username: fixtures.usernameWithSpaceRoles };

  it('refuses to remove an org user who holds space roles, then removes everything with recursive=true', async () => {
    const refused = await server.call('DELETE', rolePath(spaceOrg, 'users'), { headers: bearer(admin), body });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      description: 'Please delete the user associations for your spaces in the org.',
      error_code: 'CF-AssociationNotEmpty',
      code: 10006,
    });
    expect(await server.store.listSpaceRoles(spaceOrg)).toHaveLength(2);
    // Removing another role does not need the space roles gone.
    const auditors = await server.call('DELETE', `${rolePath(spaceOrg, 'auditors')}?recursive=true`, {
      headers: bearer(admin),
      body,
    });
    expect(auditors.status).toBe(204);
    await server.call('PUT', rolePath(spaceOrg, 'billing_managers'), { headers: bearer(admin), body });

    const recursive = await server.call('DELETE', `${rolePath(spaceOrg, 'users')}?recursive=true`, {
      headers: bearer(admin),
      body,
    });
    expect(recursive.status).toBe(204);
    expect(await server.store.listSpaceRoles(spaceOrg)).toEqual([]);
    const left = (await server.store.listOrgRoles(spaceOrg)).filter((r) => r.userId === fixtures.userIdWithSpaceRoles);
    expect(left).toEqual([]);
  });
});

describe('users by origin', () => {
  it('rejects a username found in several origins, naming them', async () => {
    const response = await server.call('PUT', rolePath(org, 'users'), {
      headers: bearer(admin),
      body: { username: fixtures.multiOriginUsername },
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      description: "The user exists in multiple origins. Specify an origin for the requested user from: 'uaa', 'ldap'",
      error_code: 'CF-UserIsInMultipleOrigins',
      code: 20006,
    });
  });

  it('takes the user of the given origin', async () => {
    const response = await server.call('PUT', rolePath(org, 'users'), {
      headers: bearer(admin),
      body: { username: fixtures.multiOriginUsername, origin: 'ldap' },
    });
    expect(response.status).toBe(201);
    expect(await server.store.hasOrgRole(org, fixtures.userIds.sharedLdap, 'users')).toBe(true);
    expect(await server.store.hasOrgRole(org, fixtures.userIds.sharedUaa, 'users')).toBe(false);
  });

  it('answers the contract example for a username unknown in that origin', async () => {
    const response = await server.call('PUT', rolePath(org, 'users'), {
      headers: bearer(admin),
      body: { username: 'user@example.com', origin: 'ldap' },
    });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      description: "The user could not be found, username: 'user@example.com', origin: 'ldap'",
      error_code: 'CF-UserWithOriginNotFound',
      code: 20007,
    });
  });

  it('answers UserNotFound for an unknown username, even on an unknown organization', async () => {
    for (const guid of [org, fixtures.unknownOrganizationGuid]) {
      const response = await server.call('PUT', rolePath(guid, 'users'), {
        headers: bearer(admin),
        body: { username: fixtures.unknownUsername },
      });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({
        description: `The user could not be found: ${fixtures.unknownUsername}`,
        error_code: 'CF-UserNotFound',
        code: 20003,
      });
    }
  });

  it('answers 503 UaaUnavailable while the directory is down', async () => {
    server.setUserDirectoryAvailable(false);
    try {
      const response = await server.call('PUT', rolePath(org, 'users'), {
        headers: bearer(admin),
        body: { username: fixtures.usernames.user },
      });
      expect(response.status).toBe(503);
      expect(cfError(response).error_code).toBe('CF-UaaUnavailable');
    } finally {
      server.setUserDirectoryAvailable(true);
    }
  });
});

describe('organizations', () => {
  it('answers the contract example for an unknown organization, and 404 for a malformed guid', async () => {
    const unknown = await server.call('PUT', rolePath(fixtures.unknownOrganizationGuid, 'users'), {
      headers: bearer(admin),
      body: { username: fixtures.usernames.user },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      description: 'The organization could not be found: 5d1e7a40-0000-4000-8000-000000000000',
      error_code: 'CF-OrganizationNotFound',
      code: 30003,
    });
    for (const guid of ['not-a-guid', '%E2%98%83', 'x'.repeat(300)]) {
      const response = await server.call('DELETE', rolePath(guid, 'managers'), {
        headers: bearer(admin),
        body: { username: fixtures.usernames.user },
      });
      expect(response.status).toBe(404);
      expect(cfError(response).code).toBe(30003);
      expect(cfError(response).description.length).toBeLessThan(120);
    }
  });
});

describe('authentication', () => {
  const put = (headers: Record<string, string>) =>
    server.call('PUT', rolePath(org, 'users'), { headers, body: { username: fixtures.usernames.user } });

  it('accepts any case of the bearer scheme', async () => {
    for (const scheme of ['bearer', 'Bearer', 'BEARER', 'bEaReR']) {
      expect((await put(bearer(admin, scheme))).status).toBe(201);
    }
  });

  it('answers NotAuthenticated without a bearer token', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: `Basic ${admin}` },
      { Authorization: 'bearer' },
      { Authorization: admin },
    ]) {
      const response = await put(headers);
      expect(response.status).toBe(401);
      expect(response.json).toEqual({
        description: 'Authentication error',
        error_code: 'CF-NotAuthenticated',
        code: 10002,
      });
    }
  });

  it('answers InvalidAuthToken for expired, wrongly signed, wrong-audience and garbage tokens', async () => {
    const base = { scopes: ['cloud_controller.admin'], userId: fixtures.adminUserId };
    const bad = [
      await mintToken({ ...base, secret, expiresInSeconds: -10 }),
      await mintToken({ ...base, secret: 'another-secret' }),
      await mintToken({ ...base, secret, audience: 'another_service' }),
      await mintToken({ secret, scopes: ['update:org'], userId: fixtures.adminUserId }),
      'not.a.jwt',
      `${admin.slice(0, -2)}xx`,
    ];
    for (const token of bad) {
      const response = await put(bearer(token));
      expect(response.status).toBe(401);
      expect(response.json).toEqual({
        description: 'Invalid Auth Token',
        error_code: 'CF-InvalidAuthToken',
        code: 1000,
      });
    }
  });
});

describe('permission matrix', () => {
  const suspended = fixtures.suspendedOrgGuid;
  const cases: Array<{ caller: string; token: () => Promise<string>; org: string; expected: number; code?: number }> = [
    { caller: 'admin', token: tokens.admin, org, expected: 0 },
    { caller: 'admin', token: tokens.admin, org: suspended, expected: 0 },
    { caller: 'write scope + Org Manager', token: tokens.manager, org, expected: 0 },
    {
      caller: 'write scope + Org Manager of a suspended org',
      token: tokens.manager,
      org: suspended,
      expected: 403,
      code: 10003,
    },
    { caller: 'write scope, no role', token: tokens.outsider, org, expected: 403, code: 10003 },
    { caller: 'Org Manager without write scope', token: tokens.readOnlyManager, org, expected: 403, code: 10007 },
    {
      caller: 'no scopes at all',
      token: () => mintToken({ secret, scopes: [], userId: fixtures.adminUserId, audience: 'cloud_controller' }),
      org,
      expected: 403,
      code: 10007,
    },
  ];
  for (const method of ['PUT', 'DELETE'] as const) {
    for (const c of cases) {
      it(`${method} by ${c.caller} on ${c.org === suspended ? 'a suspended' : 'an active'} org`, async () => {
        const response = await server.call(method, rolePath(c.org, 'auditors'), {
          headers: bearer(await c.token()),
          body: { username: fixtures.usernames.billingManager },
        });
        const success = method === 'PUT' ? 201 : 204;
        expect(response.status).toBe(c.expected || success);
        if (c.code) expect(cfError(response).code).toBe(c.code);
      });
    }
  }
});

describe('feature flags and the order of checks', () => {
  let flagsOff: TestServer;
  beforeAll(async () => {
    flagsOff = await startTestServer({
      featureFlags: { set_roles_by_username: false, unset_roles_by_username: false },
    });
  });
  afterAll(() => flagsOff.close());

  it('refuses non-admins with FeatureDisabled naming the flag, before reading the body', async () => {
    const put = await flagsOff.call('PUT', rolePath(org, 'users'), { headers: bearer(manager), body: 'not json' });
    expect(put.status).toBe(403);
    expect(put.json).toEqual({
      description: 'Feature Disabled: set_roles_by_username',
      error_code: 'CF-FeatureDisabled',
      code: 330002,
    });
    const del = await flagsOff.call('DELETE', rolePath(org, 'users'), {
      headers: bearer(manager),
      body: { username: 'x' },
    });
    expect(cfError(del).description).toBe('Feature Disabled: unset_roles_by_username');
  });

  it('lets admins bypass the flags', async () => {
    const response = await flagsOff.call('PUT', rolePath(org, 'users'), {
      headers: bearer(admin),
      body: { username: fixtures.usernames.user },
    });
    expect(response.status).toBe(201);
  });

  it('authenticates before the flag', async () => {
    expect((await flagsOff.call('PUT', rolePath(org, 'users'), { body: 'x' })).status).toBe(401);
  });

  it('checks body, then user, then organization, then scope', async () => {
    const noScope = await mintToken({
      secret,
      scopes: [],
      userId: fixtures.outsiderUserId,
      audience: 'cloud_controller',
    });
    const call = (guid: string, body: unknown) =>
      server.call('PUT', rolePath(guid, 'users'), { headers: bearer(noScope), body });
    expect(cfError(await call(fixtures.unknownOrganizationGuid, '{')).code).toBe(1001);
    expect(cfError(await call(fixtures.unknownOrganizationGuid, { username: fixtures.multiOriginUsername })).code).toBe(
      20006,
    );
    expect(cfError(await call(fixtures.unknownOrganizationGuid, { username: 'nobody' })).code).toBe(20003);
    expect(cfError(await call(fixtures.unknownOrganizationGuid, { username: fixtures.usernames.user })).code).toBe(
      30003,
    );
    expect(cfError(await call(org, { username: fixtures.usernames.user })).code).toBe(10007);
  });
});

describe('bodies', () => {
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    server.call('PUT', rolePath(org, 'users'), { headers: { ...bearer(admin), ...headers }, body });

  it('parses JSON whatever the Content-Type says', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml']) {
      expect((await put({ username: fixtures.usernames.user }, { 'Content-Type': type })).status).toBe(201);
    }
  });

  it('answers MessageParseError for anything but a JSON object', async () => {
    const bad: unknown[] = ['', '{', 'null', '[]', '"user@example.com"', '42', 'true'];
    for (const body of bad) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(cfError(response).error_code).toBe('CF-MessageParseError');
      expect(cfError(response).description).toMatch(/^Request invalid due to parse error: /);
    }
  });

  it('answers MessageParseError for a body over the limit without reading it all', async () => {
    const big = JSON.stringify({ username: 'u'.repeat(100_000) });
    const response = await put(big);
    expect(response.status).toBe(400);
    expect(cfError(response).description).toBe(
      'Request invalid due to parse error: request body is larger than 65536 bytes',
    );
    expect(response.headers.get('connection')).toBe('close');
  });
});

describe('headers', () => {
  const put = (headers: Record<string, string>) =>
    server.call('PUT', rolePath(org, 'users'), {
      headers: { ...bearer(admin), ...headers },
      body: { username: fixtures.usernames.user },
    });

  it('sends a uuid X-VCAP-Request-ID, or prefixes the client id', async () => {
    expect((await put({})).headers.get('x-vcap-request-id')).toMatch(UUID);
    const vcap = (await put({ 'X-VCAP-Request-ID': 'client-123' })).headers.get('x-vcap-request-id')!;
    expect(vcap.split('::')[0]).toBe('client-123');
    expect(vcap.split('::')[1]).toMatch(UUID);
    const plain = (await put({ 'X-Request-ID': 'abc_def' })).headers.get('x-vcap-request-id')!;
    expect(plain).toMatch(/^abc_def::/);
    const both = (await put({ 'X-VCAP-Request-ID': 'vcap', 'X-Request-ID': 'plain' })).headers.get(
      'x-vcap-request-id',
    )!;
    expect(both).toMatch(/^vcap::/);
  });

  it('reduces a hostile client id to word characters and 255 of them', async () => {
    const id = (await put({ 'X-VCAP-Request-ID': `a b<script>"${'z'.repeat(400)}` })).headers.get('x-vcap-request-id')!;
    const [client, uuid] = id.split('::');
    expect(client).toBe(`abscript${'z'.repeat(247)}`);
    expect(uuid).toMatch(UUID);
    expect((await put({ 'X-VCAP-Request-ID': '<>!' })).headers.get('x-vcap-request-id')).toMatch(UUID);
  });

  it('sends nosniff and the exact JSON content type, and nothing body-related on 204', async () => {
    const response = await put({});
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const removed = await server.call('DELETE', rolePath(org, 'auditors'), {
      headers: bearer(admin),
      body: { username: fixtures.usernames.user },
    });
    expect(removed.status).toBe(204);
    expect(removed.headers.get('content-type')).toBeNull();
    expect(removed.headers.get('content-length')).toBeNull();
    expect(removed.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('outside the contract', () => {
  it('answers unknown /v2 paths and methods with 404 in the Cloud Controller shape', async () => {
    for (const [method, path] of [
      ['GET', rolePath(org, 'users')],
      ['POST', rolePath(org, 'users')],
      ['PUT', rolePath(org, 'developers')],
      ['PUT', `${rolePath(org, 'users')}/extra/more`],
      ['GET', '/v2/apps'],
    ] as const) {
      const response = await server.call(method, path, { headers: bearer(admin) });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ description: 'Unknown request', error_code: 'CF-NotFound', code: 10000 });
    }
  });
});
