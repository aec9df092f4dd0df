import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken, SPACE_ROLES } from '../src/index.js';
import { bearer, cfError, secret, startTestServer, tokens, type TestServer } from './support.js';

// Space roles by username, and POST .../remove on organizations, with Cloud Controller's rules.

const space = fixtures.spaceGuid;
const spaceOrg = fixtures.spaceOrgGuid;
const spacePath = (guid: string, role: string, remove = false) =>
  `/v2/spaces/${guid}/${role}${remove ? '/remove' : ''}`;
const orgPath = (guid: string, role: string, remove = false) =>
  `/v2/organizations/${guid}/${role}${remove ? '/remove' : ''}`;

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await tokens.admin();
});
afterAll(() => server.close());

const writeToken = (userId: string) =>
  mintToken({ secret, scopes: ['cloud_controller.write', 'cloud_controller.read'], userId });
const spaceRoles = async () =>
  (await server.store.listSpaceRoles(spaceOrg)).filter(
    (r) => r.spaceGuid === space && r.userId === fixtures.spaceUserId,
  );

describe('space roles: PUT, DELETE and POST .../remove', () => {
  for (const role of SPACE_ROLES) {
    it(`${role}: PUT 201 twice with the space, removal 200 via POST and via DELETE, twice`, async () => {
      const body = { username: fixtures.spaceUsername };
      const put = await server.call('PUT', spacePath(space, role), { headers: bearer(admin), body });
      expect(put.status).toBe(201);
      expect(put.json).toMatchObject({
        metadata: { guid: space, url: `/v2/spaces/${space}`, created_at: '2024-03-18T09:14:02Z' },
        entity: { name: 'development', organization_guid: spaceOrg, isolation_segment_guid: null },
      });
      expect(await spaceRoles()).toEqual([{ spaceGuid: space, userId: fixtures.spaceUserId, role }]);
      expect((await server.call('PUT', spacePath(space, role), { headers: bearer(admin), body })).status).toBe(201);
      expect(await spaceRoles()).toHaveLength(1);

      const removed = await server.call('POST', spacePath(space, role, true), { headers: bearer(admin), body });
      expect(removed.status).toBe(200);
      expect(removed.json).toEqual(put.json);
      expect(await spaceRoles()).toEqual([]);
      const stateAfterPost = await server.store.listSpaceRoles(spaceOrg);
      expect((await server.call('POST', spacePath(space, role, true), { headers: bearer(admin), body })).status).toBe(
        200,
      );

      // The deprecated DELETE leaves the same state.
      await server.call('PUT', spacePath(space, role), { headers: bearer(admin), body });
      const deleted = await server.call('DELETE', spacePath(space, role), { headers: bearer(admin), body });
      expect(deleted.status).toBe(200);
      expect(await server.store.listSpaceRoles(spaceOrg)).toEqual(stateAfterPost);
      expect((await server.call('DELETE', spacePath(space, role), { headers: bearer(admin), body })).status).toBe(200);
    });
  }

  it('404 SpaceNotFound for an unknown (or malformed) space guid', async () => {
    for (const guid of [fixtures.unknownSpaceGuid, 'not-a-guid']) {
      const response = await server.call('PUT', spacePath(guid, 'developers'), {
        headers: bearer(admin),
        body: { username: fixtures.spaceUsername },
      });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({
        description: `The app space could not be found: ${guid}`,
        error_code: 'CF-SpaceNotFound',
        code: 40004,
      });
    }
  });

  it('400 InvalidRelation for a user outside the organization; after joining it, 201', async () => {
    const body = { username: fixtures.notInOrgUsername };
    const refused = await server.call('PUT', spacePath(space, 'developers'), { headers: bearer(admin), body });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      description: fixtures.notInOrgUserId,
      error_code: 'CF-InvalidRelation',
      code: 1002,
    });
    expect(await server.store.hasSpaceRole(space, fixtures.notInOrgUserId, 'developers')).toBe(false);
    expect((await server.call('PUT', orgPath(spaceOrg, 'users'), { headers: bearer(admin), body })).status).toBe(201);
    const granted = await server.call('PUT', spacePath(space, 'developers'), { headers: bearer(admin), body });
    expect(granted.status).toBe(201);
    expect(await server.store.hasSpaceRole(space, fixtures.notInOrgUserId, 'developers')).toBe(true);
  });

  it('who may: an Org Manager of the organization or a Space Manager of the space; not others', async () => {
    const body = { username: fixtures.spaceUsername };
    const orgManager = await tokens.manager();
    expect((await server.call('PUT', spacePath(space, 'auditors'), { headers: bearer(orgManager), body })).status).toBe(
      201,
    );
    const spaceManager = await writeToken(fixtures.spaceManagerUserId);
    expect(
      (await server.call('POST', spacePath(space, 'auditors', true), { headers: bearer(spaceManager), body })).status,
    ).toBe(200);
    // A Space Manager of one space is nobody in another space of another organization.
    const elsewhere = await server.call('PUT', spacePath(fixtures.spaces.name2142, 'auditors'), {
      headers: bearer(spaceManager),
      body: { username: fixtures.usernames.user },
    });
    expect(elsewhere.status).toBe(403);
    expect(cfError(elsewhere).error_code).toBe('CF-NotAuthorized');
    const outsider = await tokens.outsider();
    const refused = await server.call('PUT', spacePath(space, 'auditors'), { headers: bearer(outsider), body });
    expect(refused.status).toBe(403);
    expect(cfError(refused).error_code).toBe('CF-NotAuthorized');
    const readOnly = await tokens.readOnlyManager();
    const scope = await server.call('PUT', spacePath(space, 'auditors'), { headers: bearer(readOnly), body });
    expect(scope.status).toBe(403);
    expect(cfError(scope).error_code).toBe('CF-InsufficientScope');
    expect(await server.store.hasSpaceRole(space, fixtures.spaceUserId, 'auditors')).toBe(false);
  });
});

describe('removals need a Cloud Controller record of the user', () => {
  it('404 UserNotFound (naming the user guid) for a user only UAA knows, on org and space removals', async () => {
    const body = { username: fixtures.uaaOnlyUsername };
    for (const [method, path] of [
      ['POST', orgPath(spaceOrg, 'auditors', true)],
      ['DELETE', orgPath(spaceOrg, 'auditors')],
      ['POST', spacePath(space, 'developers', true)],
      ['DELETE', spacePath(space, 'developers')],
    ] as const) {
      const response = await server.call(method, path, { headers: bearer(admin), body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.json).toEqual({
        description: `The user could not be found: ${fixtures.uaaOnlyUserId}`,
        error_code: 'CF-UserNotFound',
        code: 20003,
      });
    }
  });

  it('an association creates the record: removal then succeeds', async () => {
    const isolated = await startTestServer();
    try {
      const body = { username: fixtures.uaaOnlyUsername };
      expect((await isolated.call('PUT', orgPath(spaceOrg, 'users'), { headers: bearer(admin), body })).status).toBe(
        201,
      );
      expect(
        (await isolated.call('POST', orgPath(spaceOrg, 'users', true), { headers: bearer(admin), body })).status,
      ).toBe(204);
      expect(await isolated.store.hasOrgRole(spaceOrg, fixtures.uaaOnlyUserId, 'users')).toBe(false);
    } finally {
      await isolated.close();
    }
  });
});

describe('organizations: POST .../remove', () => {
  it('answers 204 and leaves the same state as DELETE, for every role', async () => {
    const org = fixtures.organizations.name1766;
    const body = { username: fixtures.usernames.auditor };
    for (const role of ['users', 'managers', 'billing_managers', 'auditors']) {
      await server.call('PUT', orgPath(org, role), { headers: bearer(admin), body });
      const removed = await server.call('POST', orgPath(org, role, true), { headers: bearer(admin), body });
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      const afterPost = await server.store.listOrgRoles(org);
      expect(afterPost).not.toContainEqual({ userId: fixtures.userIds.auditor, role });
      await server.call('PUT', orgPath(org, role), { headers: bearer(admin), body });
      expect((await server.call('DELETE', orgPath(org, role), { headers: bearer(admin), body })).status).toBe(204);
      expect(await server.store.listOrgRoles(org)).toEqual(afterPost);
    }
  });

  it('answers 204 (not 200) even where DELETE answers as the 2015 releases', async () => {
    const legacy = await startTestServer({ deleteSuccessStatus: 200 });
    try {
      const response = await legacy.call('POST', orgPath(fixtures.organizations.name808, 'auditors', true), {
        headers: bearer(admin),
        body: { username: fixtures.usernames.auditor },
      });
      expect(response.status).toBe(204);
    } finally {
      await legacy.close();
    }
  });

  it('recursive on POST .../remove: refused without it, all space and org roles gone atomically with it', async () => {
    const isolated = await startTestServer();
    try {
      const org = fixtures.orgWithSpaceRoles;
      const body = { username: fixtures.usernameWithSpaceRoles };
      const before = { org: await isolated.store.listOrgRoles(org), spaces: await isolated.store.listSpaceRoles(org) };
      for (const query of ['', '?recursive=TRUE', '?recursive=1', '?recursive=', '?recursive=true&recursive=false']) {
        const refused = await isolated.call('POST', `${orgPath(org, 'users', true)}${query}`, {
          headers: bearer(admin),
          body,
        });
        expect(refused.status, query).toBe(400);
        expect(refused.json).toEqual({
          description: 'Please delete the user associations for your spaces in the org.',
          error_code: 'CF-AssociationNotEmpty',
          code: 10006,
        });
        // Nothing of a refused removal happened.
        expect(await isolated.store.listOrgRoles(org)).toEqual(before.org);
        expect(await isolated.store.listSpaceRoles(org)).toEqual(before.spaces);
      }
      const removed = await isolated.call('POST', `${orgPath(org, 'users', true)}?recursive=true`, {
        headers: bearer(admin),
        body,
      });
      expect(removed.status).toBe(204);
      expect(
        (await isolated.store.listSpaceRoles(org)).filter((r) => r.userId === fixtures.userIdWithSpaceRoles),
      ).toEqual([]);
      expect(
        (await isolated.store.listOrgRoles(org)).filter((r) => r.userId === fixtures.userIdWithSpaceRoles),
      ).toEqual([]);
    } finally {
      await isolated.close();
    }
  });
});

describe('the body, read as Cloud Controller reads it', () => {
  const put = (body: unknown) =>
    server.call('PUT', orgPath(fixtures.organizations.name1766, 'auditors'), { headers: bearer(admin), body });

  it('ignores unknown fields and treats origin "" or null as no origin', async () => {
    for (const body of [
      { username: fixtures.usernames.user, extra: true },
      { username: fixtures.usernames.user, origin: '' },
      { username: fixtures.usernames.user, origin: null },
      '{"username":"user@example.com","__proto__":{"x":1}}',
    ]) {
      expect((await put(body)).status, JSON.stringify(body)).toBe(201);
    }
    // With no origin, a name in several origins is ambiguous again.
    const ambiguous = await put({ username: fixtures.multiOriginUsername, origin: '' });
    expect(cfError(ambiguous).error_code).toBe('CF-UserIsInMultipleOrigins');
  });

  it('looks a missing or non-string username up as its text: 404 UserNotFound', async () => {
    for (const [body, shown] of [
      [{}, ''],
      [{ username: null }, ''],
      [{ username: '' }, ''],
      [{ username: 42 }, '42'],
      [{ username: true }, 'true'],
      [{ username: 'u'.repeat(300) }, 'u'.repeat(300)],
    ] as const) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(404);
      expect(response.json).toEqual({
        description: `The user could not be found: ${shown}`,
        error_code: 'CF-UserNotFound',
        code: 20003,
      });
    }
  });

  it('a non-string origin names an origin nobody is in: 404 UserWithOriginNotFound', async () => {
    const response = await put({ username: fixtures.usernames.user, origin: 7 });
    expect(response.status).toBe(404);
    expect(cfError(response).error_code).toBe('CF-UserWithOriginNotFound');
  });
});

describe('feature flags on space roles', () => {
  it('set_roles_by_username / unset_roles_by_username off: 403 FeatureDisabled for non-admins, admins go on', async () => {
    const flagsOff = await startTestServer({
      featureFlags: { set_roles_by_username: false, unset_roles_by_username: false },
    });
    try {
      const body = { username: fixtures.spaceUsername };
      const manager = await tokens.manager();
      const put = await flagsOff.call('PUT', spacePath(space, 'developers'), { headers: bearer(manager), body });
      expect(put.status).toBe(403);
      expect(put.json).toEqual({
        description: 'Feature Disabled: set_roles_by_username',
        error_code: 'CF-FeatureDisabled',
        code: 330002,
      });
      const remove = await flagsOff.call('POST', spacePath(space, 'developers', true), {
        headers: bearer(manager),
        body,
      });
      expect(cfError(remove).description).toBe('Feature Disabled: unset_roles_by_username');
      expect(
        (await flagsOff.call('PUT', spacePath(space, 'developers'), { headers: bearer(admin), body })).status,
      ).toBe(201);
    } finally {
      await flagsOff.close();
    }
  });
});
