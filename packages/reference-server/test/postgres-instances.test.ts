import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStore, fixtures, type Dataset, type OrgRole } from '../src/index.js';
import {
  closedPort,
  createTestDatabase,
  queryDatabase,
  runServerCli,
  startServerProcess,
  type ServerProcess,
} from './postgres-support.js';
import { bearer, expectConforms, secret, tokens } from './support.js';

// Several server processes on one PostgreSQL database: a storm of concurrent changes spread
// over two instances, kill -9 of one instance under load, and a database unreachable at start.

const org = fixtures.organizations.name1766;
const roles: OrgRole[] = ['users', 'managers', 'billing_managers', 'auditors'];
const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.killHard()));
});

function usersDataset(prefix: string, count: number, extra: Partial<Dataset> = {}): Dataset {
  const users = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-0000-4000-8000-${String(i).padStart(12, '0')}`,
    username: `${prefix}-${i}@example.com`,
    origin: 'uaa',
  }));
  return {
    organizations: [],
    users,
    orgRoles: [],
    spaces: [],
    spaceRoles: [],
    featureFlags: {},
    members: [],
    ...extra,
  };
}

async function addUsers(url: string, name: string, dataset: Dataset): Promise<void> {
  const store = await PgStore.open(url);
  try {
    await store.loadDataset(name, dataset);
  } finally {
    await store.close();
  }
}

async function startInstances(url: string, count: number): Promise<ServerProcess[]> {
  // Started together on a new database: each migrates and seeds, and both must apply once.
  const servers = await Promise.all(
    Array.from({ length: count }, () => startServerProcess(['--db', url, '--seed'], { JWT_SECRET: secret })),
  );
  running.push(...servers);
  return servers;
}

interface Answer {
  status: number;
  requestId: string | null;
}

async function call(baseUrl: string, method: string, path: string, token: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: bearer(token), body: JSON.stringify(body) });
  const text = await response.text();
  expectConforms(method, new URL(path, 'http://x').pathname, {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  });
  return { status: response.status, requestId: response.headers.get('x-vcap-request-id') };
}

/** Runs the jobs with at most `limit` in flight. */
async function bounded<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('two instances on one database', () => {
  let url: string;
  let a: ServerProcess;
  let b: ServerProcess;
  const dataset = usersDataset('aaaaaaaa', 10);
  const stormUsers = dataset.users;
  beforeAll(async () => {
    url = await createTestDatabase('storm');
    [a, b] = (await startInstances(url, 2)) as [ServerProcess, ServerProcess];
    await addUsers(url, 'storm-users', {
      ...dataset,
      members: stormUsers.map((u) => ({ organizationId: fixtures.membersOrgId, userId: u.id })),
    });
  }, 60_000);

  it('a storm of concurrent changes through both: every answer right, no lost or phantom change', async () => {
    const next = random(20261128);
    const admin = await tokens.admin();
    const member = await tokens.member();
    const requests = Array.from({ length: 300 }, () => {
      const user = stormUsers[Math.floor(next() * stormUsers.length)]!;
      const role = roles[Math.floor(next() * roles.length)]!;
      const method = next() < 0.5 ? 'PUT' : 'DELETE';
      const recursive = method === 'DELETE' && role === 'users' && next() < 0.3;
      const instance = next() < 0.5 ? a : b;
      return { user, role, method, recursive, instance };
    });
    const answers = await bounded(
      requests.map(
        (r) => () =>
          call(
            r.instance.url,
            r.method,
            `/v2/organizations/${org}/${r.role}${r.recursive ? '?recursive=true' : ''}`,
            admin,
            {
              username: r.user.username,
            },
          ),
      ),
      24,
    );
    // The same member removed through both instances at once: both answer 204.
    const removals = await Promise.all(
      stormUsers.flatMap((u) =>
        [a, b].map((instance) => call(instance.url, 'DELETE', `/organization/members/${u.id}`, member, {})),
      ),
    );
    expect(removals.map((r) => r.status)).toEqual(removals.map(() => 204));
    answers.forEach((answer, i) => expect(answer.status).toBe(requests[i]!.method === 'PUT' ? 201 : 204));

    // The final state, read from the database itself.
    const events = await queryDatabase<{ request_id: string; type: string; user_id: string; role: string | null }>(
      url,
      'SELECT request_id, type, user_id, role FROM events WHERE organization_guid = $1 ORDER BY sequence',
      [org],
    );
    // A success is recorded at most once (only what changed something is), as its own change.
    requests.forEach((r, i) => {
      const own = events.filter((e) => e.request_id === answers[i]!.requestId && e.role === r.role);
      expect(own.length, `request ${i}`).toBeLessThanOrEqual(1);
      for (const event of own)
        expect(event).toMatchObject({
          user_id: r.user.id,
          type: r.method === 'PUT' ? 'org_role_add' : 'org_role_remove',
        });
    });
    // Per pair, grants and removals alternate from a grant (no pair is held at the start):
    // no change was lost between two instances, none recorded that did not happen.
    for (const user of stormUsers) {
      for (const role of roles) {
        const types = events.filter((e) => e.user_id === user.id && e.role === role).map((e) => e.type);
        types.forEach((type, i) =>
          expect(type, `${user.username} ${role}`).toBe(i % 2 === 0 ? 'org_role_add' : 'org_role_remove'),
        );
      }
    }
    expect(events.length).toBeGreaterThan(0);
    const known = new Set(answers.map((answer) => answer.requestId));
    expect(events.filter((e) => !known.has(e.request_id))).toEqual([]);
    const held = await queryDatabase<{ user_id: string; role: string }>(
      url,
      'SELECT user_id, role FROM org_roles WHERE organization_guid = $1',
      [org],
    );
    for (const user of stormUsers) {
      for (const role of roles) {
        const last = events.filter((e) => e.user_id === user.id && e.role === role).at(-1);
        const holds = held.some((h) => h.user_id === user.id && h.role === role);
        expect(holds, `${user.username} ${role}`).toBe(last?.type === 'org_role_add');
      }
    }
    const members = await queryDatabase<{ user_id: string }>(
      url,
      'SELECT user_id FROM members WHERE organization_id = $1',
      [fixtures.membersOrgId],
    );
    expect(members.filter((m) => stormUsers.some((u) => u.id === m.user_id))).toEqual([]);
  }, 90_000);

  it('changes acknowledged one after the other through alternating instances end as the last one says', async () => {
    const admin = await tokens.admin();
    const pairs = stormUsers.flatMap((user) => roles.map((role) => ({ user, role })));
    await bounded(
      pairs.map(({ user, role }, i) => async () => {
        const steps = i % 2 === 0 ? ['DELETE', 'PUT', 'DELETE', 'PUT'] : ['PUT', 'DELETE', 'PUT', 'DELETE'];
        for (const [step, method] of steps.entries()) {
          const instance = step % 2 === 0 ? a : b;
          const answer = await call(instance.url, method, `/v2/organizations/${org}/${role}`, admin, {
            username: user.username,
          });
          expect(answer.status).toBe(method === 'PUT' ? 201 : 204);
        }
      }),
      16,
    );
    const held = await queryDatabase<{ user_id: string; role: string }>(
      url,
      'SELECT user_id, role FROM org_roles WHERE organization_guid = $1',
      [org],
    );
    pairs.forEach(({ user, role }, i) =>
      expect(
        held.some((h) => h.user_id === user.id && h.role === role),
        `${user.username} ${role}`,
      ).toBe(i % 2 === 0),
    );
  }, 90_000);
});

describe('kill -9 of one instance under load', () => {
  it('keeps every acknowledged change, and the other instance keeps serving', async () => {
    const url = await createTestDatabase('killed');
    const [victim, survivor] = (await startInstances(url, 2)) as [ServerProcess, ServerProcess];
    const dataset = usersDataset('bbbbbbbb', 300);
    // Everyone starts as a billing manager: odd requests remove that, even ones add auditors.
    await addUsers(url, 'kill-users', {
      ...dataset,
      orgRoles: dataset.users.map((u) => ({ organizationGuid: org, userId: u.id, role: 'billing_managers' as const })),
    });
    const admin = await tokens.admin();
    const request = (instance: ServerProcess, i: number) => {
      const username = dataset.users[i]!.username;
      return i % 2 === 0
        ? call(instance.url, 'PUT', `/v2/organizations/${org}/auditors`, admin, { username })
        : call(instance.url, 'DELETE', `/v2/organizations/${org}/billing_managers`, admin, { username });
    };
    const acknowledged = new Set<number>();
    let acknowledgedByVictim = 0;
    let killed: Promise<void> | undefined;
    const victimLoad = bounded(
      Array.from({ length: 200 }, (_, i) => async () => {
        if (killed) return;
        try {
          const answer = await request(victim, i);
          expect(answer.status).toBe(i % 2 === 0 ? 201 : 204);
          acknowledged.add(i);
          acknowledgedByVictim += 1;
          if (acknowledgedByVictim === 60) killed = victim.killHard();
        } catch (error) {
          // Only the connections the kill cut may fail.
          if (!killed) throw error;
        }
      }),
      16,
    );
    const survivorLoad = bounded(
      Array.from({ length: 100 }, (_, k) => async () => {
        const answer = await request(survivor, 200 + k);
        expect(answer.status).toBe(k % 2 === 0 ? 201 : 204);
        acknowledged.add(200 + k);
      }),
      8,
    );
    await Promise.all([victimLoad, survivorLoad]);
    await killed;
    expect(killed).toBeDefined();
    expect(victim.child.signalCode).toBe('SIGKILL');
    // After the kill, the survivor still answers.
    const after = await request(survivor, 198);
    expect(after.status).toBe(201);
    acknowledged.add(198);

    const held = await queryDatabase<{ user_id: string; role: string }>(
      url,
      'SELECT user_id, role FROM org_roles WHERE organization_guid = $1',
      [org],
    );
    const holds = (i: number, role: string) => held.some((h) => h.user_id === dataset.users[i]!.id && h.role === role);
    expect(acknowledged.size).toBeGreaterThanOrEqual(60 + 100);
    for (const i of acknowledged) {
      if (i % 2 === 0) expect(holds(i, 'auditors'), `user ${i} auditors`).toBe(true);
      else expect(holds(i, 'billing_managers'), `user ${i} billing_managers`).toBe(false);
    }
  }, 90_000);
});

describe('a database unreachable at start', () => {
  it('ends the CLI with one line naming it (without its password) and a non-zero exit', async () => {
    const port = await closedPort();
    const result = await runServerCli([], {
      DATABASE_URL: `postgres://tester:s3cret-password@127.0.0.1:${port}/reference`,
      JWT_SECRET: secret,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^reference server: cannot open the PostgreSQL database postgres://tester:\\*\\*\\*@127\\.0\\.0\\.1:${port}/reference: .*ECONNREFUSED`,
      ),
    );
    expect(result.stderr).not.toContain('s3cret-password');
  }, 30_000);
});
