import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, fixtures, mintToken } from '../src/index.js';
import { migrate } from '../src/sqlite-store.js';
import { Database } from '../src/sqlite-driver.js';
import { TokenVerifier, defaultTokenExpectations } from '../src/tokens.js';

const cfTokens = defaultTokenExpectations.cloudController;
const memberTokens = defaultTokenExpectations.members;

const dir = mkdtempSync(join(tmpdir(), 'reference-server-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What both stores share is in store.test.ts; these are SQLite's own (WAL, group commit).
describe('SqliteStore', () => {
  it('migrates a new file to the current schema, once', async () => {
    const path = join(dir, 'migrate.db');
    await new SqliteStore(path).close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const reopened = new SqliteStore(path);
    expect(await reopened.findOrganization(fixtures.organizations.name237)).toBeUndefined();
    await reopened.close();
  });

  it('upgrades a database of schema 1: the username index serves lookups without a sort', async () => {
    const path = join(dir, 'schema-1.db');
    const db = new Database(path);
    migrate(db, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    await new SqliteStore(path).close();
    const upgraded = new Database(path);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(3);
      const plan = upgraded
        .prepare<[string], { detail: string }>(
          'EXPLAIN QUERY PLAN SELECT id, username, origin FROM users WHERE username = ? ORDER BY rowid',
        )
        .all('x')
        .map((row) => row.detail);
      expect(plan.join('\n')).toContain('users_by_username');
      expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    } finally {
      upgraded.close();
    }
  });

  it('group commit: changes of one turn commit together, a failing one is undone alone, none settles before the commit', async () => {
    const path = join(dir, 'group-commit.db');
    const store = new SqliteStore(path);
    const reader = new Database(path, { readonly: true });
    try {
      await store.loadDataset(fixtures.datasetName, fixtures.dataset);
      const org = fixtures.organizations.name1766;
      const context = (requestId: string) => ({ actorUserId: fixtures.adminUserId, requestId });
      const visibleToOtherConnection = (userId: string) =>
        reader
          .prepare('SELECT 1 FROM org_roles WHERE organization_guid = ? AND user_id = ? AND role = ?')
          .get(org, userId, 'auditors') !== undefined;
      const seenAtSettlement: boolean[] = [];
      const changes = [
        store.grantOrgRole(org, fixtures.userIds.user, 'auditors', context('gc-1')).then(() => {
          seenAtSettlement.push(visibleToOtherConnection(fixtures.userIds.user));
        }),
        // No such organization: the foreign key fails inside this change's savepoint only.
        store.grantOrgRole('00000000-0000-4000-8000-000000000000', fixtures.userIds.user, 'auditors', context('gc-2')),
        store.grantOrgRole(org, fixtures.userIds.billingManager, 'auditors', context('gc-3')).then(() => {
          seenAtSettlement.push(visibleToOtherConnection(fixtures.userIds.billingManager));
        }),
      ];
      // Nothing is applied before the turn ends.
      expect(visibleToOtherConnection(fixtures.userIds.user)).toBe(false);
      const settled = await Promise.allSettled(changes);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
      expect(seenAtSettlement).toEqual([true, true]);
      const events = (await store.listEvents()).filter((e) => e.requestId.startsWith('gc-'));
      expect(events.map((e) => e.requestId)).toEqual(['gc-1', 'gc-3']);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('close() commits the changes still queued', async () => {
    const path = join(dir, 'close-queued.db');
    const store = new SqliteStore(path);
    await store.loadDataset(fixtures.datasetName, fixtures.dataset);
    const org = fixtures.organizations.name1766;
    const pending = store.grantOrgRole(org, fixtures.userIds.auditor, 'auditors', {
      actorUserId: undefined,
      requestId: 'queued',
    });
    await store.close();
    await pending;
    const reopened = new SqliteStore(path);
    try {
      expect(await reopened.hasOrgRole(org, fixtures.userIds.auditor, 'auditors')).toBe(true);
    } finally {
      await reopened.close();
    }
  });
});

describe('fixtures', () => {
  it('hold every organization guid and username of the contract examples', () => {
    const guids = fixtures.dataset.organizations.map((o) => o.guid);
    for (const guid of [
      'f996b04a-68c3-4af7-bbf1-a13fd3880ae6',
      '0cad2557-71c4-40ed-9501-8584064b90a1',
      'e39f90e8-a545-4bb5-9f5f-a8ad2fb0bbec',
      '6f0e3308-1340-4682-937e-7b8186f5431e',
      '9f3ab7d0-5f3e-4c51-9d3b-2f4c0b8e6a17',
    ]) {
      expect(guids).toContain(guid);
    }
    expect(guids).not.toContain(fixtures.unknownOrganizationGuid);
    const users = fixtures.dataset.users;
    for (const name of [
      'user@example.com',
      'manager@example.com',
      'billing_manager@example.com',
      'auditor@example.com',
    ]) {
      expect(users.filter((u) => u.username === name).map((u) => u.origin)).toEqual(['uaa']);
    }
    expect(users.filter((u) => u.username === fixtures.multiOriginUsername).map((u) => u.origin)).toEqual([
      'uaa',
      'ldap',
    ]);
    expect(fixtures.dataset.members).toContainEqual({
      organizationId: fixtures.membersOrgId,
      userId: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34',
    });
    expect(fixtures.orgManagerUserId(fixtures.organizations.name1766)).toBe(fixtures.userIds.orgManager);
    expect(fixtures.orgManagerUserId(fixtures.unknownOrganizationGuid)).toBeUndefined();
  });
});

describe('tokens', () => {
  it('mints UAA-shaped tokens whose audience follows the scopes', async () => {
    const verifier = new TokenVerifier({ jwtSecret: 's' });
    const cf = await verifier.verify(
      await mintToken({ secret: 's', scopes: ['cloud_controller.write', 'openid'], userId: 'u1' }),
      cfTokens,
    );
    expect(cf.audiences).toEqual(['cloud_controller']);
    expect([...cf.scopes]).toEqual(['cloud_controller.write', 'openid']);
    expect(cf.userId).toBe('u1');
    const members = await verifier.verify(
      await mintToken({ secret: 's', scopes: ['update:org'], userId: 'u2', orgId: 'o1' }),
      memberTokens,
    );
    expect(members).toMatchObject({ audiences: [memberTokens.audience], organizationId: 'o1' });
  });

  it('accepts a space-separated scope string', async () => {
    const key = new TextEncoder().encode('s');
    const token = await new SignJWT({ scope: 'read:org update:org', org_id: 'o' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('client')
      .setIssuer(memberTokens.issuer)
      .setAudience(memberTokens.audience)
      .setExpirationTime('1h')
      .sign(key);
    const verified = await new TokenVerifier({ jwtSecret: 's' }).verify(token, memberTokens);
    expect([...verified.scopes]).toEqual(['read:org', 'update:org']);
    expect(verified.userId).toBe('client');
  });

  it('verifies RS256 tokens with a configured public key and rejects HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const verifier = new TokenVerifier({ jwtPublicKey: await exportSPKI(publicKey) });
    const token = await new SignJWT({ scope: ['cloud_controller.admin'], aud: ['cloud_controller'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('u')
      .setIssuer(cfTokens.issuer)
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await verifier.verify(token, cfTokens)).audiences).toEqual(['cloud_controller']);
    const hs256 = await mintToken({ secret: 's', scopes: ['cloud_controller.admin'], userId: 'u' });
    await expect(verifier.verify(hs256, cfTokens)).rejects.toMatchObject({
      reason: 'invalid',
    });
  });

  it('never serves a cached token past its expiry', async () => {
    const verifier = new TokenVerifier({ jwtSecret: 's' });
    const token = await mintToken({
      secret: 's',
      scopes: ['update:org'],
      userId: 'u',
      orgId: 'o',
      expiresInSeconds: 1,
    });
    await verifier.verify(token, memberTokens);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(verifier.verify(token, memberTokens)).rejects.toMatchObject({ reason: 'expired' });
  });
});
