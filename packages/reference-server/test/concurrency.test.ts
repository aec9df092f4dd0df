import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, type OrgRole } from '../src/index.js';
import { bearer, startTestServer, tokens, type TestServer } from './support.js';

// Many parallel PUT/DELETE on one organization: every answer must be a success, every
// success that changed something must be recorded exactly once (and nothing else), and the
// final state of each (user, role) pair must be what the last recorded change to it says.

const org = fixtures.organizations.name1766;
const userCount = 12;
const users = Array.from({ length: userCount }, (_, i) => ({
  id: `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`,
  username: `parallel-${i}@example.com`,
  origin: 'uaa',
}));
const roles: OrgRole[] = ['users', 'managers', 'billing_managers', 'auditors'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.store.loadDataset('parallel-users', {
    organizations: [],
    users,
    orgRoles: [],
    spaces: [],
    spaceRoles: [],
    featureFlags: {},
    members: [],
  });
});
afterAll(() => server.close());

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('parallel changes to one organization', () => {
  it('end in the state that the last recorded change of each pair describes', async () => {
    const next = random(20261123);
    const admin = await tokens.admin();
    const manager = await tokens.manager();
    const requests = Array.from({ length: 240 }, () => {
      const user = users[Math.floor(next() * userCount)]!;
      const role = roles[Math.floor(next() * roles.length)]!;
      const method = next() < 0.5 ? 'PUT' : 'DELETE';
      const recursive = method === 'DELETE' && role === 'users' && next() < 0.3;
      const token = next() < 0.5 ? admin : manager;
      return { user, role, method, recursive, token };
    });
    const responses = await Promise.all(
      requests.map((r) =>
        server.call(r.method, `/v2/organizations/${org}/${r.role}${r.recursive ? '?recursive=true' : ''}`, {
          headers: bearer(r.token),
          body: { username: r.user.username },
        }),
      ),
    );
    responses.forEach((response, i) => expect(response.status).toBe(requests[i]!.method === 'PUT' ? 201 : 204));

    const events = (await server.store.listEvents()).filter((e) => e.organizationGuid === org);
    const requestIds = responses.map((response) => response.headers.get('x-vcap-request-id')!);
    expect(new Set(requestIds).size).toBe(requests.length);
    // A success is recorded at most once, as its own (user, role) change, under its own request id.
    requests.forEach((r, i) => {
      const own = events.filter((e) => e.requestId === requestIds[i] && e.role === r.role);
      expect(own.length).toBeLessThanOrEqual(1);
      for (const event of own) {
        expect(event).toMatchObject({
          userId: r.user.id,
          type: r.method === 'PUT' ? 'org_role_add' : 'org_role_remove',
        });
      }
    });
    // Only real changes are recorded: per pair, grants and removals alternate, from a grant
    // (no pair is held at the start).
    for (const user of users) {
      for (const role of roles) {
        const types = events.filter((e) => e.userId === user.id && e.role === role).map((e) => e.type);
        types.forEach((type, i) => expect(type).toBe(i % 2 === 0 ? 'org_role_add' : 'org_role_remove'));
      }
    }
    expect(events.length).toBeGreaterThan(0);

    const state = await server.store.listOrgRoles(org);
    for (const user of users) {
      for (const role of roles) {
        const last = events.filter((e) => e.userId === user.id && e.role === role).at(-1);
        const held = state.some((s) => s.userId === user.id && s.role === role);
        expect(held, `${user.username} ${role}`).toBe(last?.type === 'org_role_add');
      }
    }
  });
});
