import { mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, fixtures } from '../src/index.js';
import { bearer, startTestServer, tokens } from './support.js';

// Storage faults: a damaged file must stop the start, a file removed under
// the running server must stop writes from being acknowledged, and the audit table must not
// grow with requests that change nothing.

const dir = mkdtempSync(join(tmpdir(), 'reference-server-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const org = fixtures.organizations.name1766;
const context = { actorUserId: fixtures.adminUserId, requestId: 'r' };

describe('start-up checks', () => {
  it('a database with damaged pages: refused at start with one clear message', async () => {
    const path = join(dir, 'damaged.db');
    const store = new SqliteStore(path);
    await store.loadDataset(fixtures.datasetName, fixtures.dataset);
    await store.close();
    const pageSize = 4096;
    const pages = statSync(path).size / pageSize;
    expect(pages).toBeGreaterThan(4);
    // Overwrite every page but the header page with garbage that still looks like b-tree pages.
    const fd = openSync(path, 'r+');
    for (let page = 1; page < pages; page += 1) {
      const garbage = Buffer.alloc(pageSize, 0x0d);
      writeSync(fd, garbage, 0, pageSize, page * pageSize);
    }
    closeSync(fd);
    expect(() => new SqliteStore(path)).toThrow(new RegExp(`^${path}.*(damaged|cannot be used)`));
    await expect(startTestServer({ databasePath: path, seed: false })).rejects.toThrow(/damaged|cannot be used/);
  });
});

describe('the database file removed while the server runs', () => {
  it('writes are no longer acknowledged: 500 CF-ServerError (Cloud Controller), 500 (member API)', async () => {
    const lines: string[] = [];
    const server = await startTestServer({ log: (line) => lines.push(line) });
    try {
      const admin = await tokens.admin();
      const put = () =>
        fetch(`${server.url}/v2/organizations/${org}/auditors`, {
          method: 'PUT',
          headers: bearer(admin),
          body: JSON.stringify({ username: fixtures.usernames.user }),
        });
      rmSync(server.databasePath);
      rmSync(`${server.databasePath}-wal`, { force: true });
      const response = await put();
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ description: 'Server error', error_code: 'CF-ServerError', code: 10001 });
      const member = await fetch(`${server.url}/organization/members/${fixtures.memberUserId}`, {
        method: 'DELETE',
        headers: bearer(await tokens.member()),
      });
      expect(member.status).toBe(500);
      expect(lines.join('\n')).toContain('was removed or replaced while the server ran');
    } finally {
      await server.close();
    }
  });
});

describe('a store that fails under the running server', () => {
  it("the root documents answer without a token, and 500 with one: the caller's record is looked up first", async () => {
    const server = await startTestServer();
    try {
      await server.store.close();
      const admin = await tokens.admin();
      for (const path of ['/', '/v2/info']) {
        expect((await server.call('GET', path)).status, path).toBe(200);
        // (call() holds every answer to the contract and a 500 to be no fault; this one is injected.)
        const withToken = await fetch(`${server.url}${path}`, { headers: bearer(admin) });
        expect(withToken.status, path).toBe(500);
        expect(await withToken.json()).toEqual({
          description: 'Server error',
          error_code: 'CF-ServerError',
          code: 10001,
        });
      }
    } finally {
      await server.close();
    }
  });
});

describe('audit events', () => {
  it('only real changes are recorded: a repeated grant or revoke adds nothing', async () => {
    const store = new SqliteStore(join(dir, 'audit.db'));
    try {
      await store.loadDataset(fixtures.datasetName, fixtures.dataset);
      for (let i = 0; i < 20; i += 1) await store.grantOrgRole(org, fixtures.userIds.user, 'auditors', context);
      for (let i = 0; i < 20; i += 1) {
        await store.revokeOrgRole(org, fixtures.userIds.user, 'auditors', false, context);
        await store.removeMember(fixtures.membersOrgId, fixtures.memberUserId, context);
      }
      expect((await store.listEvents()).map((e) => e.type)).toEqual([
        'org_role_add',
        'org_role_remove',
        'member_remove',
      ]);
    } finally {
      await store.close();
    }
  });

  it('only the newest events are kept (retention)', async () => {
    const store = new SqliteStore(join(dir, 'retention.db'), { auditRetention: 5 });
    try {
      await store.loadDataset(fixtures.datasetName, fixtures.dataset);
      for (let i = 0; i < 10; i += 1) {
        await store.grantOrgRole(org, fixtures.userIds.user, 'auditors', { ...context, requestId: `grant-${i}` });
        await store.revokeOrgRole(org, fixtures.userIds.user, 'auditors', false, {
          ...context,
          requestId: `revoke-${i}`,
        });
      }
      expect((await store.listEvents()).map((e) => e.requestId)).toEqual([
        'revoke-7',
        'grant-8',
        'revoke-8',
        'grant-9',
        'revoke-9',
      ]);
    } finally {
      await store.close();
    }
  });
});
