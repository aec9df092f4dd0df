import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken } from '../src/index.js';
import { devAccounts, devAccountsDataset } from '../src/dev-accounts.js';
import { CfCli, expectCfError, jwsPayload, legacyAgent, newStackAgent, send } from './cf-cli-replay.js';
import { createTestDatabase } from './postgres-support.js';
import { secret, startTestServer, type TestServer } from './support.js';

// The cf CLI v6.53 against the reference server: each command's exact request sequence
// (cf-cli-replay.ts), on both of the role commands' paths (feature flags on: by username;
// off: UAA lookup, then by user guid), with the database showing each role given and taken
// away. Run on SQLite and on PostgreSQL.

const org = 'name-237';
const orgGuid = fixtures.organizations.name237;
const alice = fixtures.usernames.user;
const aliceId = fixtures.userIds.user;
const admin = devAccounts.find((account) => account.username === 'admin')!;

const rolesOf = async (server: TestServer, userId: string): Promise<string[]> =>
  (await server.store.listOrgRoles(orgGuid))
    .filter((grant) => grant.userId === userId)
    .map((grant) => grant.role)
    .sort();

const flagsOff = { set_roles_by_username: false, unset_roles_by_username: false };

const stores: Array<[string, () => Promise<string | undefined>]> = [
  ['SQLite', async () => undefined],
  ['PostgreSQL', () => createTestDatabase('cf_cli')],
];

describe.each(stores)('cf CLI v6.53 on %s', (_name, database) => {
  const servers: TestServer[] = [];
  async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const databasePath = await database();
    const server = await startTestServer({ ...options, ...(databasePath ? { databasePath } : {}) });
    servers.push(server);
    return server;
  }
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function loggedIn(server: TestServer, username = 'admin', password = 'admin'): Promise<CfCli> {
    const cf = new CfCli();
    await cf.api(server.url);
    const answer = await cf.auth(username, password);
    expect(answer.status, answer.text).toBe(200);
    cf.clearLog();
    return cf;
  }

  describe('cf api, cf auth, cf target', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });

    it('cf api: /v2/info names this server as the authorization endpoint, then /', async () => {
      const cf = new CfCli();
      await cf.api(server.url);
      expect(cf.log).toEqual(['GET /v2/info', 'GET /']);
      expect(cf.config.authorizationEndpoint).toBe(server.url);
      for (const sent of cf.sent) expect(sent.headers['User-Agent']).toBe(newStackAgent);
    });

    it('cf auth admin admin: /login, then the password grant with client cf; the token is a compact JWS of the user', async () => {
      const cf = new CfCli();
      await cf.api(server.url);
      cf.clearLog();
      const answer = await cf.auth('admin', 'admin');
      expect(cf.log).toEqual(['GET /v2/info', 'GET /', 'GET /login', 'POST /oauth/token']);
      expect(answer.status).toBe(200);
      expect(cf.config.uaaEndpoint).toBe(server.url);
      const body = answer.json as Record<string, unknown>;
      expect(body['token_type']).toBe('bearer');
      expect(body['expires_in']).toEqual(expect.any(Number));
      const claims = jwsPayload(body['access_token'] as string);
      expect(claims).toMatchObject({ user_name: 'admin', user_id: admin.userId, email: admin.email });
      expect(claims['scope']).toEqual(expect.arrayContaining(['cloud_controller.admin', 'scim.read']));
      expect(claims['exp'] as number).toBeGreaterThan(Date.now() / 1000 + 600);
      expect(answer.headers['cache-control']).toBe('no-store');
    });

    it('cf auth with a wrong password, an unknown user or another client: UAA 401 Bad credentials', async () => {
      const cf = new CfCli();
      await cf.api(server.url);
      for (const [user, password] of [
        ['admin', 'wrong'],
        ['admin', ''],
        ['nobody@example.com', 'admin'],
      ] as const) {
        const answer = await cf.auth(user, password);
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ error: 'unauthorized', error_description: 'Bad credentials' });
        expect(cf.config.accessToken).toBeUndefined();
      }
      const otherClient = await send(server.url, {
        method: 'POST',
        target: '/oauth/token',
        headers: { Authorization: `Basic ${Buffer.from('cf:secret').toString('base64')}` },
        body: 'grant_type=password&password=admin&username=admin',
      });
      expect(otherClient.status).toBe(401);
      expect((otherClient.json as { error: string }).error).toBe('unauthorized');
    });

    it('cf target -o ORG: the organization by name, then its spaces; its only space is targeted', async () => {
      const cf = await loggedIn(server);
      const result = await cf.target(org);
      expect(cf.log).toEqual([
        'GET /v2/info',
        'GET /',
        'GET /login',
        'GET /v2/organizations?order-by=name&q=name%3Aname-237',
        `GET /v2/spaces?order-by=name&q=organization_guid%3A${orgGuid}`,
      ]);
      const organizations = result.organizations.json as Record<string, unknown>;
      expect(organizations).toMatchObject({ total_results: 1, total_pages: 1, prev_url: null, next_url: null });
      expect(organizations['resources']).toEqual([
        expect.objectContaining({
          metadata: expect.objectContaining({ guid: orgGuid }),
          entity: expect.objectContaining({ name: org }),
        }),
      ]);
      expect(result.space).toBe('development');
      for (const sent of cf.sent.slice(3)) {
        expect(sent.headers['Authorization']).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        expect(sent.headers['Content-Type']).toBeUndefined();
      }
    });

    it('cf target -o an unknown org: an empty list (the CLI says it was not found)', async () => {
      const cf = await loggedIn(server);
      const result = await cf.target('no-such-org');
      expect(result.spaces).toBeUndefined();
      expect(result.organizations.status).toBe(200);
      expect(result.organizations.json).toMatchObject({ total_results: 0, resources: [] });
    });

    it('not logged in: the lists and the flag answer 401 NotAuthenticated with code, description and error_code', async () => {
      for (const target of [
        '/v2/organizations?order-by=name&q=name%3Aname-237',
        '/v2/config/feature_flags/set_roles_by_username',
      ]) {
        const answer = await send(server.url, {
          method: 'GET',
          target,
          headers: { 'User-Agent': legacyAgent, Accept: 'application/json', 'Content-Type': 'application/json' },
          body: undefined,
        });
        expect(expectCfError(answer, 401, 10002, 'CF-NotAuthenticated')).toBe('Authentication error');
      }
    });

    it('a token about to expire: the CLI refreshes it first (refresh grant), and the new token works', async () => {
      const shortLived = await start({ accessTokenSeconds: 30 });
      const cf = await loggedIn(shortLived);
      const before = cf.config.accessToken;
      await cf.target(org);
      expect(cf.log).toEqual([
        'GET /v2/info',
        'GET /',
        'GET /login',
        'POST /oauth/token',
        'GET /v2/organizations?order-by=name&q=name%3Aname-237',
        'POST /oauth/token',
        `GET /v2/spaces?order-by=name&q=organization_guid%3A${orgGuid}`,
      ]);
      expect(cf.sent[3]!.body).toMatch(/^grant_type=refresh_token&refresh_token=[\w.-]+&scope=$/);
      expect(cf.config.accessToken).not.toBe(before);
    });

    it('an expired access token: 401 InvalidAuthToken; the refresh grant gives one that works', async () => {
      const cf = await loggedIn(server);
      const expired = await mintToken({
        secret,
        scopes: ['cloud_controller.admin', 'cloud_controller.read'],
        userId: admin.userId,
        expiresInSeconds: -10,
      });
      const list = (token: string) =>
        send(server.url, {
          method: 'GET',
          target: '/v2/organizations?order-by=name&q=name%3Aname-237',
          headers: { 'User-Agent': newStackAgent, Accept: 'application/json', Authorization: `bearer ${token}` },
          body: undefined,
        });
      expectCfError(await list(expired), 401, 1000, 'CF-InvalidAuthToken');
      const refreshed = await send(server.url, {
        method: 'POST',
        target: '/oauth/token',
        headers: { Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${cf.config.refreshToken!}&scope=`,
      });
      expect(refreshed.status, refreshed.text).toBe(200);
      const fresh = (refreshed.json as { access_token: string }).access_token;
      expect(jwsPayload(fresh)['user_name']).toBe('admin');
      expect((await list(fresh)).status).toBe(200);
    });

    it('tokens do not pass for each other: an access token is no refresh token, a refresh token no access token', async () => {
      const cf = await loggedIn(server);
      const access = cf.config.accessToken!.replace(/^bearer /, '');
      const asRefresh = await send(server.url, {
        method: 'POST',
        target: '/oauth/token',
        headers: { Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${access}`,
      });
      expect(asRefresh.status).toBe(401);
      expect((asRefresh.json as { error: string }).error).toBe('invalid_token');
      const asAccess = await send(server.url, {
        method: 'GET',
        target: '/v2/organizations',
        headers: { Authorization: `bearer ${cf.config.refreshToken!}` },
        body: undefined,
      });
      expectCfError(asAccess, 401, 1000, 'CF-InvalidAuthToken');
    });
  });

  describe('lookups: errors and paging', () => {
    let server: TestServer;
    let token: string;
    const get = (target: string, authorization = token) =>
      send(server.url, { method: 'GET', target, headers: { Authorization: authorization }, body: undefined });
    beforeAll(async () => {
      server = await start();
      token = (await loggedIn(server)).config.accessToken!;
    });

    it('an unknown feature flag: 404 FeatureFlagNotFound (330000); a flag Cloud Controller knows: its default', async () => {
      expect(
        expectCfError(await get('/v2/config/feature_flags/no_such_flag'), 404, 330000, 'CF-FeatureFlagNotFound'),
      ).toBe('The feature flag could not be found: no_such_flag');
      expect((await get('/v2/config/feature_flags/user_org_creation')).json).toMatchObject({ enabled: false });
    });

    it('a filter on what the list cannot be filtered on, or a page too large: 400 BadQueryParameter (10005)', async () => {
      expectCfError(await get('/v2/organizations?q=bogus%3Ax'), 400, 10005, 'CF-BadQueryParameter');
      expectCfError(await get('/v2/organizations?results-per-page=101'), 400, 10005, 'CF-BadQueryParameter');
      expectCfError(await get('/v2/spaces?inline-relations-depth=4'), 400, 10005, 'CF-BadQueryParameter');
    });

    it('pages: next_url leads to the rest, in name order', async () => {
      const seeded = [...fixtures.dataset.organizations, ...devAccountsDataset.dataset.organizations];
      type Page = { total_results: number; next_url: string | null; resources: Array<{ entity: { name: string } }> };
      const first = (await get('/v2/organizations?order-by=name&results-per-page=4')).json as Page;
      expect(first.total_results).toBe(seeded.length);
      expect(first.next_url).toBe('/v2/organizations?order-by=name&order-direction=asc&page=2&results-per-page=4');
      const names = first.resources.map((org) => org.entity.name);
      for (let next = first.next_url; next !== null;) {
        const page = (await get(next)).json as Page;
        names.push(...page.resources.map((org) => org.entity.name));
        next = page.next_url;
      }
      expect(names).toEqual(seeded.map((org) => org.name).sort());
    });

    it('the spaces of an unknown organization: 404 OrganizationNotFound; an unknown space name: an empty list', async () => {
      expectCfError(
        await get(`/v2/organizations/${fixtures.unknownOrganizationGuid}/spaces?q=name%3Adevelopment`),
        404,
        30003,
        'CF-OrganizationNotFound',
      );
      const none = await get(`/v2/organizations/${orgGuid}/spaces?q=name%3Anospace&inline-relations-depth=1`);
      expect(none.json).toMatchObject({ total_results: 0, resources: [] });
    });

    it('/Users: an unparsable filter is 400 in the shape of UAA SCIM errors; no token 401; an expired one 401 invalid_token', async () => {
      const bad = await get('/Users?filter=userName+sw+%22a%22');
      expect(bad.status).toBe(400);
      const invalid = 'Invalid filter expression: [userName sw &#34;a&#34;]';
      expect(bad.json).toEqual({ error_description: invalid, error: 'scim', message: invalid });
      const anonymous = await send(server.url, {
        method: 'GET',
        target: '/Users?filter=id+eq+%22x%22',
        headers: {},
        body: undefined,
      });
      expect(anonymous.status).toBe(401);
      expect((anonymous.json as { error: string }).error).toBe('unauthorized');
      const expired = await mintToken({
        secret,
        scopes: ['scim.read', 'cloud_controller.read'],
        userId: admin.userId,
        expiresInSeconds: -5,
      });
      const late = await get('/Users?filter=id+eq+%22x%22', `bearer ${expired}`);
      expect(late.status).toBe(401);
      expect((late.json as { error: string }).error).toBe('invalid_token');
    });

    it('/Users by id, and by userName within an origin', async () => {
      const byId = await get(`/Users?attributes=id,userName&filter=id+eq+%22${aliceId}%22+or+id+eq+%22nope%22`);
      expect(byId.json).toMatchObject({ totalResults: 1, resources: [{ id: aliceId, userName: alice }] });
      const ldap = await get(
        '/Users?attributes=id,origin&filter=origin+eq+%22ldap%22+and+userName+eq+%22shared%40example.com%22',
      );
      expect((ldap.json as { resources: unknown[] }).resources).toEqual([
        { id: fixtures.userIds.sharedLdap, origin: 'ldap' },
      ]);
    });
  });

  describe('role commands, feature flags on: the by-username path', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });

    it('cf set-org-role / unset-org-role: flag, org lookup, PUT role and users by username; DELETE by username', async () => {
      const cf = await loggedIn(server);
      expect(await rolesOf(server, aliceId)).toEqual(['users']);
      await cf.setOrgRole(alice, org, 'OrgManager');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/set_roles_by_username',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `PUT /v2/organizations/${orgGuid}/managers`,
        `PUT /v2/organizations/${orgGuid}/users`,
      ]);
      expect(cf.sent[2]!.body).toBe('{"username": "user@example.com"}');
      for (const sent of cf.sent) {
        expect(sent.headers).toMatchObject({
          'User-Agent': legacyAgent,
          'Content-Type': 'application/json',
          Connection: 'close',
        });
      }
      expect(await rolesOf(server, aliceId)).toEqual(['managers', 'users']);

      cf.clearLog();
      await cf.unsetOrgRole(alice, org, 'OrgManager');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/unset_roles_by_username',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `DELETE /v2/organizations/${orgGuid}/managers`,
      ]);
      expect(await rolesOf(server, aliceId)).toEqual(['users']);
    });

    it('the org name is lowercased by the CLI and matched case-insensitively', async () => {
      const cf = await loggedIn(server);
      await cf.setOrgRole(alice, 'NAME-237', 'OrgAuditor');
      expect(cf.log[1]).toBe('GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1');
      expect(await rolesOf(server, aliceId)).toContain('auditors');
      await cf.unsetOrgRole(alice, org, 'OrgAuditor');
      expect(await rolesOf(server, aliceId)).not.toContain('auditors');
    });

    it('an unknown user: 404 UserNotFound (20003) in the shape the legacy stack reads', async () => {
      const cf = await loggedIn(server);
      await expect(cf.setOrgRole('nobody@example.com', org, 'OrgManager')).rejects.toThrow(
        'Server error, status code: 404, error code: 20003, message: The user could not be found: nobody@example.com',
      );
    });

    it('an unknown org: the lookup answers an empty list, and nothing is sent after it', async () => {
      const cf = await loggedIn(server);
      await expect(cf.setOrgRole(alice, 'no-such-org', 'OrgManager')).rejects.toThrow(
        'Organization no-such-org not found',
      );
      expect(cf.log).toHaveLength(2);
    });
  });

  describe('role commands, feature flags off: the UAA lookup and the by-guid path', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start({ featureFlags: flagsOff });
    });

    it('cf set-org-role / unset-org-role: flag, /Users, org lookup, PUT role and users by guid; DELETE by guid', async () => {
      const cf = await loggedIn(server);
      await cf.setOrgRole(alice, org, 'BillingManager');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/set_roles_by_username',
        'GET /Users?attributes=id,userName&filter=userName+Eq+%22user%40example.com%22',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `PUT /v2/organizations/${orgGuid}/billing_managers/${aliceId}`,
        `PUT /v2/organizations/${orgGuid}/users/${aliceId}`,
      ]);
      expect(cf.sent[3]!.body).toBeUndefined();
      expect(await rolesOf(server, aliceId)).toEqual(['billing_managers', 'users']);

      cf.clearLog();
      await cf.unsetOrgRole(alice, org, 'BillingManager');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/unset_roles_by_username',
        'GET /Users?attributes=id,userName&filter=userName+Eq+%22user%40example.com%22',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `DELETE /v2/organizations/${orgGuid}/billing_managers/${aliceId}`,
      ]);
      expect(await rolesOf(server, aliceId)).toEqual(['users']);
    });

    it('the flag reads enabled:false; /Users answers only the id and userName asked for', async () => {
      const cf = await loggedIn(server);
      const token = cf.config.accessToken!;
      const flag = await send(server.url, {
        method: 'GET',
        target: '/v2/config/feature_flags/unset_roles_by_username',
        headers: { Authorization: token },
        body: undefined,
      });
      expect(flag.json).toEqual({
        name: 'unset_roles_by_username',
        enabled: false,
        error_message: null,
        url: '/v2/config/feature_flags/unset_roles_by_username',
      });
      const users = await send(server.url, {
        method: 'GET',
        target: '/Users?attributes=id,userName&filter=userName+Eq+%22user%40example.com%22',
        headers: { Authorization: token },
        body: undefined,
      });
      expect(users.json).toMatchObject({ resources: [{ id: aliceId, userName: alice }], totalResults: 1 });
      expect(Object.keys((users.json as { resources: object[] }).resources[0]!).sort()).toEqual(['id', 'userName']);
    });

    it('an unknown user: /Users answers no one, and the CLI stops there', async () => {
      const cf = await loggedIn(server);
      await expect(cf.setOrgRole('nobody@example.com', org, 'OrgManager')).rejects.toThrow(
        'User nobody@example.com not found',
      );
      expect(cf.log).toHaveLength(2);
    });

    it('a user guid Cloud Controller has no record of: 400 InvalidRelation (1002); an unknown org: 404 (30003)', async () => {
      const cf = await loggedIn(server);
      const call = (method: string, target: string) =>
        send(server.url, { method, target, headers: { Authorization: cf.config.accessToken! }, body: undefined });
      const unknownUser = '5d1e7a40-0000-4000-8000-00000000beef';
      for (const method of ['PUT', 'DELETE']) {
        expect(
          expectCfError(
            await call(method, `/v2/organizations/${orgGuid}/managers/${unknownUser}`),
            400,
            1002,
            'CF-InvalidRelation',
          ),
        ).toBe(`Could not find VCAP::CloudController::User with guid: ${unknownUser}`);
        expectCfError(
          await call(method, `/v2/organizations/${fixtures.unknownOrganizationGuid}/managers/${aliceId}`),
          404,
          30003,
          'CF-OrganizationNotFound',
        );
      }
    });

    it('a user only UAA knows: /Users finds them, the PUT by guid fails (400, 1002) and gives no role', async () => {
      const cf = await loggedIn(server);
      await expect(cf.setOrgRole(fixtures.uaaOnlyUsername, org, 'OrgAuditor')).rejects.toThrow(
        `Server error, status code: 400, error code: 1002, message: Could not find VCAP::CloudController::User with guid: ${fixtures.uaaOnlyUserId}`,
      );
      expect(cf.log.at(-1)).toBe(`PUT /v2/organizations/${orgGuid}/auditors/${fixtures.uaaOnlyUserId}`);
      expect(await rolesOf(server, fixtures.uaaOnlyUserId)).toEqual([]);
    });

    it('a non-admin: the by-username route says FeatureDisabled (330002); /Users needs scim.read (403)', async () => {
      const cf = await loggedIn(server, 'org-manager@example.com', 'org-manager');
      const token = cf.config.accessToken!;
      const byUsername = await send(server.url, {
        method: 'PUT',
        target: `/v2/organizations/${orgGuid}/managers`,
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: alice }),
      });
      expect(expectCfError(byUsername, 403, 330002, 'CF-FeatureDisabled')).toBe(
        'Feature Disabled: set_roles_by_username',
      );
      await expect(cf.setOrgRole(alice, org, 'OrgManager')).rejects.toThrow('Server error, status code: 403');
      const byGuid = await send(server.url, {
        method: 'PUT',
        target: `/v2/organizations/${orgGuid}/auditors/${aliceId}`,
        headers: { Authorization: token },
        body: undefined,
      });
      expect(byGuid.status, byGuid.text).toBe(201);
      expect(await rolesOf(server, aliceId)).toContain('auditors');
    });

    it('a user with no role sees no organization, and may not change roles by guid (403 NotAuthorized)', async () => {
      const cf = await loggedIn(server, 'outsider@example.com', 'outsider');
      const result = await cf.target(org);
      expect(result.organizations.json).toMatchObject({ total_results: 0 });
      const byGuid = await send(server.url, {
        method: 'PUT',
        target: `/v2/organizations/${orgGuid}/managers/${aliceId}`,
        headers: { Authorization: cf.config.accessToken! },
        body: undefined,
      });
      expectCfError(byGuid, 403, 10003, 'CF-NotAuthorized');
    });
  });

  describe('space role commands, on both paths', () => {
    const space = 'development';
    // name-237's only space.
    const spaceGuid = fixtures.spaces.withRoles;
    const spaceRolesOf = async (server: TestServer, userId: string): Promise<string[]> =>
      (await server.store.listSpaceRoles(orgGuid))
        .filter((grant) => grant.userId === userId && grant.spaceGuid === spaceGuid)
        .map((grant) => grant.role)
        .sort();

    it('flags on: flag, org and space lookups, PUT org users then the space role by username; DELETE by username', async () => {
      const server = await start();
      const cf = await loggedIn(server);
      await cf.setSpaceRole(alice, org, space, 'SpaceDeveloper');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/set_roles_by_username',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `GET /v2/organizations/${orgGuid}/spaces?q=name%3Adevelopment&inline-relations-depth=1`,
        `PUT /v2/organizations/${orgGuid}/users`,
        `PUT /v2/spaces/${spaceGuid}/developers`,
      ]);
      expect(cf.sent[4]!.body).toBe('{"username": "user@example.com"}');
      expect(await spaceRolesOf(server, aliceId)).toEqual(['developers']);
      cf.clearLog();
      await cf.unsetSpaceRole(alice, org, space, 'SpaceDeveloper');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/unset_roles_by_username',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `GET /v2/organizations/${orgGuid}/spaces?q=name%3Adevelopment&inline-relations-depth=1`,
        `DELETE /v2/spaces/${spaceGuid}/developers`,
      ]);
      expect(await spaceRolesOf(server, aliceId)).toEqual([]);
    });

    it('flags off: /Users, org and space lookups, PUT org users and the space role by guid; DELETE by guid with async=true', async () => {
      const server = await start({ featureFlags: flagsOff });
      const cf = await loggedIn(server);
      const outsider = fixtures.outsiderUserId;
      await cf.setSpaceRole('outsider@example.com', org, space, 'SpaceManager');
      expect(cf.log).toEqual([
        'GET /v2/config/feature_flags/set_roles_by_username',
        'GET /Users?attributes=id,userName&filter=userName+Eq+%22outsider%40example.com%22',
        'GET /v2/organizations?q=name%3Aname-237&inline-relations-depth=1',
        `GET /v2/organizations/${orgGuid}/spaces?q=name%3Adevelopment&inline-relations-depth=1`,
        `PUT /v2/organizations/${orgGuid}/users/${outsider}`,
        `PUT /v2/spaces/${spaceGuid}/managers/${outsider}`,
      ]);
      expect(await rolesOf(server, outsider)).toEqual(['users']);
      expect(await spaceRolesOf(server, outsider)).toEqual(['managers']);
      cf.clearLog();
      await cf.unsetSpaceRole('outsider@example.com', org, space, 'SpaceManager');
      expect(cf.log.at(-1)).toBe(`DELETE /v2/spaces/${spaceGuid}/managers/${outsider}?async=true`);
      expect(await spaceRolesOf(server, outsider)).toEqual([]);
    });

    it('an unknown space: an empty list (the CLI stops); by guid, a user outside the org: 400 InvalidRelation; an unknown space guid: 404 (40004)', async () => {
      const server = await start({ featureFlags: flagsOff });
      const cf = await loggedIn(server);
      await expect(cf.setSpaceRole(alice, org, 'nospace', 'SpaceAuditor')).rejects.toThrow('Space nospace not found');
      const put = (target: string) =>
        send(server.url, {
          method: 'PUT',
          target,
          headers: { Authorization: cf.config.accessToken! },
          body: undefined,
        });
      expectCfError(
        await put(`/v2/spaces/${spaceGuid}/auditors/${fixtures.outsiderUserId}`),
        400,
        1002,
        'CF-InvalidRelation',
      );
      expect(await spaceRolesOf(server, fixtures.outsiderUserId)).toEqual([]);
      expectCfError(
        await put(`/v2/spaces/${fixtures.unknownOrganizationGuid}/auditors/${aliceId}`),
        404,
        40004,
        'CF-SpaceNotFound',
      );
    });
  });
});
