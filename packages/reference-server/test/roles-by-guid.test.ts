import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken, ORG_ROLES, SPACE_ROLES } from '../src/index.js';
import { exchange, request } from './raw-http.js';
import { bearer, secret, startTestServer, tokens, type TestServer } from './support.js';

// The role routes by user guid look the user up among Cloud Controller's own records only
// (vcap_relations' add_/remove_*_by_guid): they never ask UAA, and never create the record.

const org = fixtures.spaceOrgGuid;
const space = fixtures.spaceGuid;
const madeUpUserGuid = '5d1e7a40-0000-4000-8000-00000000beef';
const unknownToCloudController = (guid: string) => ({
  description: `Could not find VCAP::CloudController::User with guid: ${guid}`,
  error_code: 'CF-InvalidRelation',
  code: 1002,
});

const routes = [
  ...ORG_ROLES.map((role) => (user: string) => `/v2/organizations/${org}/${role}/${user}`),
  ...SPACE_ROLES.map((role) => (user: string) => `/v2/spaces/${space}/${role}/${user}`),
];

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await tokens.admin();
});
afterAll(() => server.close());

const rolesOf = async (userId: string) => [
  ...(await server.store.listOrgRoles(org)).filter((grant) => grant.userId === userId),
  ...(await server.store.listSpaceRoles(org)).filter((grant) => grant.userId === userId),
];

describe('a user Cloud Controller has no record of', () => {
  it('400 InvalidRelation on PUT and DELETE of every role, for a user only UAA knows and a made-up guid; nothing changes', async () => {
    expect(await server.store.findUserById(fixtures.uaaOnlyUserId)).toBeDefined();
    for (const user of [fixtures.uaaOnlyUserId, madeUpUserGuid]) {
      for (const route of routes) {
        for (const method of ['PUT', 'DELETE'] as const) {
          const response = await server.call(method, route(user), { headers: bearer(admin) });
          expect(response.status, `${method} ${route(user)}`).toBe(400);
          expect(response.json).toEqual(unknownToCloudController(user));
        }
      }
    }
    // Recursive removal of the Org User role finds no user either.
    const recursive = await server.call('DELETE', `${routes[0]!(madeUpUserGuid)}?recursive=true`, {
      headers: bearer(admin),
    });
    expect(recursive.json).toEqual(unknownToCloudController(madeUpUserGuid));
    expect(await server.store.hasCloudControllerRecord(fixtures.uaaOnlyUserId)).toBe(false);
    expect(await rolesOf(fixtures.uaaOnlyUserId)).toEqual([]);
  });

  it('is looked up last, as Cloud Controller does: an unknown organization or space is 404, a caller without the role 403', async () => {
    const unknownOrg = await server.call(
      'PUT',
      `/v2/organizations/${fixtures.unknownOrganizationGuid}/managers/${madeUpUserGuid}`,
      { headers: bearer(admin) },
    );
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.json).toMatchObject({ error_code: 'CF-OrganizationNotFound' });
    const unknownSpace = await server.call(
      'DELETE',
      `/v2/spaces/${fixtures.unknownOrganizationGuid}/developers/${madeUpUserGuid}`,
      { headers: bearer(admin) },
    );
    expect(unknownSpace.status).toBe(404);
    expect(unknownSpace.json).toMatchObject({ error_code: 'CF-SpaceNotFound' });
    const outsider = await tokens.outsider();
    for (const method of ['PUT', 'DELETE'] as const) {
      const refused = await server.call(method, routes[1]!(fixtures.uaaOnlyUserId), { headers: bearer(outsider) });
      expect(refused.status, method).toBe(403);
      expect(refused.json).toMatchObject({ error_code: 'CF-NotAuthorized' });
    }
  });

  it('once a route by username has made the record, the routes by guid find the user', async () => {
    const isolated = await startTestServer();
    try {
      const body = { username: fixtures.uaaOnlyUsername };
      const byUsername = await isolated.call('PUT', `/v2/organizations/${org}/users`, { headers: bearer(admin), body });
      expect(byUsername.status).toBe(201);
      const byGuid = `/v2/organizations/${org}/auditors/${fixtures.uaaOnlyUserId}`;
      expect((await isolated.call('PUT', byGuid, { headers: bearer(admin) })).status).toBe(201);
      expect(await isolated.store.hasOrgRole(org, fixtures.uaaOnlyUserId, 'auditors')).toBe(true);
      expect((await isolated.call('DELETE', byGuid, { headers: bearer(admin) })).status).toBe(204);
      expect(await isolated.store.hasOrgRole(org, fixtures.uaaOnlyUserId, 'auditors')).toBe(false);
    } finally {
      await isolated.close();
    }
  });

  it('the caller is never unknown: Cloud Controller makes a record of everyone it authenticates', async () => {
    const isolated = await startTestServer();
    try {
      const own = await mintToken({
        secret,
        scopes: ['cloud_controller.write', 'cloud_controller.read'],
        userId: fixtures.uaaOnlyUserId,
      });
      // Removing one's own role from an active organization: allowed, and nothing to remove.
      const self = await isolated.call('DELETE', `/v2/organizations/${org}/auditors/${fixtures.uaaOnlyUserId}`, {
        headers: bearer(own),
      });
      expect(self.status).toBe(204);
      // Another caller asking for that user still finds no record.
      const other = await isolated.call('DELETE', `/v2/organizations/${org}/auditors/${fixtures.uaaOnlyUserId}`, {
        headers: bearer(admin),
      });
      expect(other.json).toEqual(unknownToCloudController(fixtures.uaaOnlyUserId));
    } finally {
      await isolated.close();
    }
  });

  it('an Org User who holds space roles: 400 AssociationNotEmpty, then recursive=true takes the space roles first', async () => {
    const isolated = await startTestServer();
    try {
      const orgWithRoles = fixtures.orgWithSpaceRoles;
      const route = `/v2/organizations/${orgWithRoles}/users/${fixtures.userIdWithSpaceRoles}`;
      const refused = await isolated.call('DELETE', route, { headers: bearer(admin) });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        description: 'Please delete the user associations for your spaces in the org.',
        error_code: 'CF-AssociationNotEmpty',
        code: 10006,
      });
      expect(await isolated.store.hasOrgRole(orgWithRoles, fixtures.userIdWithSpaceRoles, 'users')).toBe(true);
      const recursive = await isolated.call('DELETE', `${route}?recursive=true`, { headers: bearer(admin) });
      expect(recursive.status).toBe(204);
      expect(await isolated.store.hasOrgRole(orgWithRoles, fixtures.userIdWithSpaceRoles, 'users')).toBe(false);
      const spaceRoles = (await isolated.store.listSpaceRoles(orgWithRoles)).filter(
        (grant) => grant.userId === fixtures.userIdWithSpaceRoles,
      );
      expect(spaceRoles).toEqual([]);
    } finally {
      await isolated.close();
    }
  });

  it('a dot segment is a user guid like any other, as Rack routes the path as sent: 401 without a token, 400 with one', async () => {
    // Raw requests: HTTP clients resolve `.` and `..` before sending.
    for (const dots of ['.', '..', '%2E']) {
      const target = `/v2/spaces/${space}/managers/${dots}`;
      const answers = await exchange(
        server.url,
        [
          request('DELETE', target, { Accept: 'application/json' }),
          request('DELETE', target, {
            Accept: 'application/json',
            Authorization: `bearer ${admin}`,
            Connection: 'close',
          }),
        ],
        { end: true },
      );
      expect(
        answers.responses.map((answer) => answer.status),
        target,
      ).toEqual([401, 400]);
      expect(JSON.parse(answers.responses[1]!.body)).toEqual(unknownToCloudController(decodeURIComponent(dots)));
    }
  });
});
