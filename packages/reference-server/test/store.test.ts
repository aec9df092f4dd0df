import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PgStore, SqliteStore, fixtures, type Store } from '../src/index.js';
import { SCHEMA_VERSION } from '../src/migrations.js';
import { Database } from '../src/sqlite-driver.js';
import { closedPort, createTestDatabase, queryDatabase } from './postgres-support.js';

// One suite for both stores: the same calls must give the same answers and leave the same
// state, on SQLite and on PostgreSQL, including when two stores share one database.

interface Backend {
  name: string;
  /** A new, empty database; `open` may be called several times on it (several instances). */
  fresh(): Promise<{
    open(options?: { auditRetention?: number }): Promise<Store>;
    schemaVersion(): Promise<number>;
    setSchemaVersion(v: number): Promise<void>;
  }>;
}

const dir = mkdtempSync(join(tmpdir(), 'reference-server-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const sqlite: Backend = {
  name: 'SQLite',
  async fresh() {
    const path = join(dir, `store-${(files += 1)}.db`);
    const withDb = <T>(use: (db: Database) => T): T => {
      const db = new Database(path);
      try {
        return use(db);
      } finally {
        db.close();
      }
    };
    return {
      open: async (options = {}) => new SqliteStore(path, options),
      schemaVersion: async () => withDb((db) => db.pragma('user_version', { simple: true }) as number),
      setSchemaVersion: async (version) => void withDb((db) => db.pragma(`user_version = ${version}`)),
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async fresh() {
    const url = await createTestDatabase('store');
    return {
      open: (options = {}) => PgStore.open(url, options),
      schemaVersion: async () =>
        (await queryDatabase<{ version: number }>(url, 'SELECT version FROM schema_version'))[0]!.version,
      setSchemaVersion: async (version) =>
        void (await queryDatabase(url, 'UPDATE schema_version SET version = $1', [version])),
    };
  },
};

const context = (requestId: string) => ({ actorUserId: fixtures.adminUserId, requestId });
const org = fixtures.organizations.name1766;
const { userIds } = fixtures;

describe.each([sqlite, postgres])('$name store', (backend) => {
  async function seeded(): Promise<{ store: Store; open(): Promise<Store> }> {
    const database = await backend.fresh();
    const store = await database.open();
    await store.loadDataset(fixtures.datasetName, fixtures.dataset);
    return { store, open: database.open };
  }

  it('migrates a new database to the current schema, once, also when two instances open it together', async () => {
    const database = await backend.fresh();
    const [first, second] = await Promise.all([database.open(), database.open()]);
    expect(await database.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(await first.findOrganization(org)).toBeUndefined();
    await Promise.all([first.close(), second.close()]);
    const reopened = await database.open();
    expect(await reopened.findUsersByUsername(fixtures.usernames.user)).toEqual([]);
    await reopened.close();
    expect(await database.schemaVersion()).toBe(SCHEMA_VERSION);
  });

  it('refuses a database written by a newer schema', async () => {
    const database = await backend.fresh();
    await (await database.open()).close();
    await database.setSchemaVersion(99);
    await expect(database.open()).rejects.toThrow(/schema version 99 is newer than this server/);
  });

  it('loads a dataset once per database, also when two instances load it together', async () => {
    const database = await backend.fresh();
    const [a, b] = await Promise.all([database.open(), database.open()]);
    try {
      const loaded = await Promise.all([
        a.loadDataset(fixtures.datasetName, fixtures.dataset),
        b.loadDataset(fixtures.datasetName, fixtures.dataset),
      ]);
      expect(loaded.sort()).toEqual([false, true]);
      await a.revokeOrgRole(fixtures.organizations.name237, userIds.user, 'users', false, context('r1'));
      expect(await b.loadDataset(fixtures.datasetName, fixtures.dataset)).toBe(false);
      expect(await b.hasOrgRole(fixtures.organizations.name237, userIds.user, 'users')).toBe(false);
      expect(await b.findOrganization(fixtures.organizations.name1766)).toMatchObject({
        name: 'name-1766',
        status: 'active',
        billingEnabled: false,
        updatedAt: '2016-06-08T16:41:26Z',
      });
      // Origins in insertion order.
      expect((await b.findUsersByUsername(fixtures.multiOriginUsername)).map((u) => u.origin)).toEqual(['uaa', 'ldap']);
      expect(await b.listMembers(fixtures.membersOrgId)).toEqual(
        [fixtures.otherMemberUserId, userIds.membersAdmin, fixtures.memberUserId].sort(),
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('grants and revokes idempotently, and records only the changes that changed something', async () => {
    const { store } = await seeded();
    try {
      await store.grantOrgRole(org, userIds.auditor, 'auditors', context('g1'));
      await store.grantOrgRole(org, userIds.auditor, 'auditors', context('g2'));
      expect(await store.hasOrgRole(org, userIds.auditor, 'auditors')).toBe(true);
      expect((await store.listOrgRoles(org)).filter((r) => r.userId === userIds.auditor)).toEqual([
        { userId: userIds.auditor, role: 'auditors' },
      ]);
      expect(await store.revokeOrgRole(org, userIds.auditor, 'auditors', false, context('r1'))).toEqual({ ok: true });
      expect(await store.revokeOrgRole(org, userIds.auditor, 'auditors', false, context('r2'))).toEqual({ ok: true });
      expect(await store.hasOrgRole(org, userIds.auditor, 'auditors')).toBe(false);
      const events = await store.listEvents();
      expect(events.map((e) => [e.type, e.role, e.actorUserId])).toEqual([
        ['org_role_add', 'auditors', fixtures.adminUserId],
        ['org_role_remove', 'auditors', fixtures.adminUserId],
      ]);
      expect(events.map((e) => e.sequence)).toEqual([...events.map((e) => e.sequence)].sort((x, y) => x - y));
      expect(typeof events[0]!.sequence).toBe('number');
    } finally {
      await store.close();
    }
  });

  it('keeps the newest audit events up to the retention', async () => {
    const database = await backend.fresh();
    const store = await database.open({ auditRetention: 5 });
    try {
      await store.loadDataset(fixtures.datasetName, fixtures.dataset);
      for (let i = 0; i < 10; i += 1) {
        if (i % 2 === 0) await store.grantOrgRole(org, userIds.auditor, 'auditors', context(`keep-${i}`));
        else await store.revokeOrgRole(org, userIds.auditor, 'auditors', false, context(`keep-${i}`));
      }
      expect((await store.listEvents()).map((e) => e.requestId)).toEqual([5, 6, 7, 8, 9].map((i) => `keep-${i}`));
    } finally {
      await store.close();
    }
  });

  it('refuses to remove `users` from a user with space roles unless recursive, which removes everything at once', async () => {
    const { store } = await seeded();
    const spaceOrg = fixtures.orgWithSpaceRoles;
    const developer = fixtures.userIdWithSpaceRoles;
    try {
      expect(await store.revokeOrgRole(spaceOrg, developer, 'users', false, context('plain'))).toEqual({
        ok: false,
        reason: 'association_not_empty',
      });
      expect(await store.listSpaceRoles(spaceOrg)).toHaveLength(2);
      expect(await store.hasOrgRole(spaceOrg, developer, 'users')).toBe(true);
      // Removing another role needs no recursion.
      expect(await store.revokeOrgRole(spaceOrg, developer, 'managers', false, context('other'))).toEqual({ ok: true });

      expect(await store.revokeOrgRole(spaceOrg, developer, 'users', true, context('rec'))).toEqual({ ok: true });
      expect(await store.listSpaceRoles(spaceOrg)).toEqual([]);
      expect((await store.listOrgRoles(spaceOrg)).filter((r) => r.userId === developer)).toEqual([]);
      const recorded = (await store.listEvents()).filter((e) => e.requestId === 'rec');
      expect(recorded.map((e) => [e.type, e.role])).toEqual([
        ['space_role_remove', `${fixtures.spaceWithRolesGuid}/auditors`],
        ['space_role_remove', `${fixtures.spaceWithRolesGuid}/developers`],
        ['org_role_remove', 'auditors'],
        ['org_role_remove', 'users'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('space roles: only for Org Users, idempotent, recorded; Cloud Controller records made by associations', async () => {
    const { store } = await seeded();
    const space = fixtures.spaceGuid;
    try {
      expect(await store.findSpace(space)).toMatchObject({ organizationGuid: fixtures.spaceOrgGuid, allowSsh: true });
      expect(await store.findSpace(fixtures.unknownSpaceGuid)).toBeUndefined();
      expect(await store.grantSpaceRole(space, fixtures.notInOrgUserId, 'developers', context('outside'))).toEqual({
        ok: false,
        reason: 'not_in_organization',
      });
      expect(await store.hasSpaceRole(space, fixtures.notInOrgUserId, 'developers')).toBe(false);
      for (const id of ['g1', 'g2']) {
        expect(await store.grantSpaceRole(space, fixtures.spaceUserId, 'developers', context(id))).toEqual({
          ok: true,
        });
      }
      expect(await store.hasSpaceRole(space, fixtures.spaceUserId, 'developers')).toBe(true);
      await store.revokeSpaceRole(space, fixtures.spaceUserId, 'developers', context('r1'));
      await store.revokeSpaceRole(space, fixtures.spaceUserId, 'developers', context('r2'));
      expect(await store.hasSpaceRole(space, fixtures.spaceUserId, 'developers')).toBe(false);
      // Only changes that changed something are recorded.
      const recorded = (await store.listEvents()).filter((e) => ['g1', 'g2', 'r1', 'r2'].includes(e.requestId));
      expect(recorded.map((e) => [e.type, e.requestId])).toEqual([
        ['space_role_add', 'g1'],
        ['space_role_remove', 'r1'],
      ]);
      expect(await store.hasCloudControllerRecord(fixtures.uaaOnlyUserId)).toBe(false);
      await store.grantOrgRole(fixtures.spaceOrgGuid, fixtures.uaaOnlyUserId, 'auditors', context('record'));
      expect(await store.hasCloudControllerRecord(fixtures.uaaOnlyUserId)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('removes a member once: true the first time, false after', async () => {
    const { store } = await seeded();
    try {
      const ctx = context('m');
      expect(await store.removeMember(fixtures.membersOrgId, fixtures.memberUserId, ctx)).toBe(true);
      expect(await store.removeMember(fixtures.membersOrgId, fixtures.memberUserId, ctx)).toBe(false);
      expect(await store.removeMember(fixtures.unknownOrganizationGuid, fixtures.memberUserId, ctx)).toBe(false);
      expect(await store.listMembers(fixtures.membersOrgId)).not.toContain(fixtures.memberUserId);
    } finally {
      await store.close();
    }
  });

  it('rejects a failing change alone: nothing of it is kept, the others commit', async () => {
    const { store } = await seeded();
    try {
      const settled = await Promise.allSettled([
        store.grantOrgRole(org, userIds.user, 'auditors', context('ok-1')),
        // No such organization: the foreign key fails.
        store.grantOrgRole(fixtures.unknownOrganizationGuid, userIds.user, 'auditors', context('bad')),
        store.grantOrgRole(org, userIds.billingManager, 'auditors', context('ok-2')),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.hasOrgRole(org, userIds.user, 'auditors')).toBe(true);
      expect(await store.hasOrgRole(org, userIds.billingManager, 'auditors')).toBe(true);
      expect((await store.listEvents()).map((e) => e.requestId).sort()).toEqual(['ok-1', 'ok-2']);
    } finally {
      await store.close();
    }
  });

  it('treats keys no row can hold (NUL, very long) as unknown, without a fault', async () => {
    const { store } = await seeded();
    try {
      expect(await store.findUsersByUsername('user\0@example.com')).toEqual([]);
      expect(await store.findOrganization(`${org}\0`)).toBeUndefined();
      expect(await store.findOrganization('x'.repeat(10_000))).toBeUndefined();
      expect(await store.hasOrgRole(org, `${userIds.orgManager}\0`, 'managers')).toBe(false);
      expect(await store.removeMember(`${fixtures.membersOrgId}\0`, fixtures.memberUserId, context('nul'))).toBe(false);
      const member = { actorUserId: 'actor\0id', requestId: 'nul-actor' };
      expect(await store.removeMember(fixtures.membersOrgId, fixtures.memberUserId, member)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a change resolves only once another instance on the database sees it', async () => {
    const { store, open } = await seeded();
    const other = await open();
    try {
      const seen: boolean[] = [];
      await Promise.all(
        [userIds.user, userIds.manager, userIds.auditor].map((userId, i) =>
          store.grantOrgRole(org, userId, 'billing_managers', context(`vis-${i}`)).then(async () => {
            seen.push(await other.hasOrgRole(org, userId, 'billing_managers'));
          }),
        ),
      );
      expect(seen).toEqual([true, true, true]);
    } finally {
      await Promise.all([store.close(), other.close()]);
    }
  });

  it('two instances changing the same roles at once end as their last recorded change of each says', async () => {
    const { store: a, open } = await seeded();
    const b = await open();
    try {
      const targets = [userIds.user, userIds.auditor, userIds.developer];
      const work: Array<Promise<unknown>> = [];
      for (let round = 0; round < 20; round += 1) {
        for (const [i, userId] of targets.entries()) {
          const instance = (round + i) % 2 === 0 ? a : b;
          const ctx = context(`race-${round}-${i}`);
          work.push(
            round % 3 === 2
              ? instance.revokeOrgRole(org, userId, 'auditors', false, ctx)
              : instance.grantOrgRole(org, userId, 'auditors', ctx),
          );
          work.push(
            (instance === a ? b : a).revokeOrgRole(org, userId, 'auditors', false, context(`race-${round}-${i}-x`)),
          );
        }
      }
      const settled = await Promise.allSettled(work);
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
      const events = await a.listEvents();
      // No change is recorded twice, none that was not asked for.
      expect(new Set(events.map((e) => e.requestId)).size).toBe(events.length);
      expect(events.every((e) => e.requestId.startsWith('race-'))).toBe(true);
      const roles = await b.listOrgRoles(org);
      for (const userId of targets) {
        const last = events.filter((e) => e.userId === userId && e.role === 'auditors').at(-1)!;
        expect(
          roles.some((r) => r.userId === userId && r.role === 'auditors'),
          userId,
        ).toBe(last.type === 'org_role_add');
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('PostgreSQL store', () => {
  it('answers a database that does not answer with one line that names it without its password', async () => {
    const port = await closedPort();
    const error = await PgStore.open(`postgres://someone:hunter2secret@127.0.0.1:${port}/nowhere`).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      new RegExp(
        `^cannot open the PostgreSQL database postgres://someone:\\*\\*\\*@127\\.0\\.0\\.1:${port}/nowhere: .*ECONNREFUSED`,
      ),
    );
    expect(error?.message).not.toContain('hunter2secret');
    expect(error?.message).not.toContain('\n');
  });

  it('keeps the schema version in schema_version and the users in insertion order with an index', async () => {
    const url = await createTestDatabase('schema');
    await (await PgStore.open(url)).close();
    const indexes = await queryDatabase<{ indexdef: string }>(
      url,
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'users_by_username'`,
    );
    expect(indexes.map((i) => i.indexdef)).toEqual([
      'CREATE INDEX users_by_username ON public.users USING btree (username, "position")',
    ]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM schema_version')).rows).toEqual([{ version: SCHEMA_VERSION }]);
    } finally {
      await client.end();
    }
  });
});
