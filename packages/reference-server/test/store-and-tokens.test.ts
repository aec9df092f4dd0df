import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, fixtures, mintToken } from '../src/index.js';
import { Database } from '../src/sqlite-driver.js';
import { TokenVerifier } from '../src/tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'reference-server-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteStore', () => {
  it('migrates a new file to the current schema, once', async () => {
    const path = join(dir, 'migrate.db');
    await new SqliteStore(path).close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const reopened = new SqliteStore(path);
    expect(await reopened.findOrganization(fixtures.organizations.name237)).toBeUndefined();
    await reopened.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(path)).toThrow(/newer/);
  });

  it('loads a dataset once per database', async () => {
    const store = new SqliteStore(join(dir, 'dataset.db'));
    try {
      expect(await store.loadDataset(fixtures.datasetName, fixtures.dataset)).toBe(true);
      await store.revokeOrgRole(fixtures.organizations.name237, fixtures.userIds.user, 'users', false, {
        actorUserId: undefined,
        requestId: 'r1',
      });
      expect(await store.loadDataset(fixtures.datasetName, fixtures.dataset)).toBe(false);
      expect(await store.hasOrgRole(fixtures.organizations.name237, fixtures.userIds.user, 'users')).toBe(false);
      expect(await store.findOrganization(fixtures.organizations.name1766)).toMatchObject({ name: 'name-1766', status: 'active' });
    } finally {
      await store.close();
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
    for (const name of ['user@example.com', 'manager@example.com', 'billing_manager@example.com', 'auditor@example.com']) {
      expect(users.filter((u) => u.username === name).map((u) => u.origin)).toEqual(['uaa']);
    }
    expect(users.filter((u) => u.username === fixtures.multiOriginUsername).map((u) => u.origin)).toEqual(['uaa', 'ldap']);
    expect(fixtures.dataset.members).toContainEqual({ organizationId: fixtures.membersOrgId, userId: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34' });
    expect(fixtures.orgManagerUserId(fixtures.organizations.name1766)).toBe(fixtures.userIds.orgManager);
    expect(fixtures.orgManagerUserId(fixtures.unknownOrganizationGuid)).toBeUndefined();
  });
});

describe('tokens', () => {
  it('mints UAA-shaped tokens whose audience follows the scopes', async () => {
    const verifier = new TokenVerifier({ jwtSecret: 's' });
    const cf = await verifier.verify(await mintToken({ secret: 's', scopes: ['cloud_controller.write', 'openid'], userId: 'u1' }));
    expect(cf.audiences).toEqual(['cloud_controller']);
    expect([...cf.scopes]).toEqual(['cloud_controller.write', 'openid']);
    expect(cf.userId).toBe('u1');
    const members = await verifier.verify(await mintToken({ secret: 's', scopes: ['update:org'], userId: 'u2', orgId: 'o1' }));
    expect(members).toMatchObject({ audiences: [], organizationId: 'o1' });
  });

  it('accepts a space-separated scope string', async () => {
    const key = new TextEncoder().encode('s');
    const token = await new SignJWT({ scope: 'read:org update:org', org_id: 'o' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('client')
      .setExpirationTime('1h')
      .sign(key);
    const verified = await new TokenVerifier({ jwtSecret: 's' }).verify(token);
    expect([...verified.scopes]).toEqual(['read:org', 'update:org']);
    expect(verified.userId).toBe('client');
  });

  it('verifies RS256 tokens with a configured public key and rejects HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const verifier = new TokenVerifier({ jwtPublicKey: await exportSPKI(publicKey) });
    const token = await new SignJWT({ scope: ['cloud_controller.admin'], aud: ['cloud_controller'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('u')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await verifier.verify(token)).audiences).toEqual(['cloud_controller']);
    await expect(verifier.verify(await mintToken({ secret: 's', scopes: [], userId: 'u' }))).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('never serves a cached token past its expiry', async () => {
    const verifier = new TokenVerifier({ jwtSecret: 's' });
    const token = await mintToken({ secret: 's', scopes: ['update:org'], userId: 'u', expiresInSeconds: 1 });
    await verifier.verify(token);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'expired' });
  });
});
