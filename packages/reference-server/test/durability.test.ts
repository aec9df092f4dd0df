import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, fixtures } from '../src/index.js';
import { bearer, expectConforms, secret, tokens } from './support.js';

// Acknowledged writes survive kill -9: the server runs as a child process, is killed with
// SIGKILL right after its answers arrive, and the database is read afterwards.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reference-server-durability-'));
const databasePath = join(dir, 'durable.db');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--db', databasePath, '--seed'],
    {
      cwd: packageDir,
      env: { ...process.env, JWT_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function call(url: string, method: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${url}${path}`, { method, headers: bearer(token), body: JSON.stringify(body) });
  const text = await response.text();
  const result = {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
  expectConforms(method, path, result);
  return result;
}

describe('durability', () => {
  it('keeps every acknowledged change across kill -9 and a restart', async () => {
    const admin = await tokens.admin();
    const member = await tokens.member();
    const org = fixtures.organizations.name1766;
    const first = await startChild();
    const answers = await Promise.all([
      call(first.url, 'PUT', `/v2/organizations/${org}/managers`, admin, { username: fixtures.usernames.manager }),
      call(first.url, 'PUT', `/v2/organizations/${org}/auditors`, admin, { username: fixtures.usernames.auditor }),
      call(first.url, 'DELETE', `/v2/organizations/${fixtures.organizations.name237}/users`, admin, {
        username: fixtures.usernames.user,
      }),
      call(first.url, 'DELETE', `/organization/members/${fixtures.memberUserId}`, member, {}),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 204, 204]);
    await killHard(first.child);

    // Restart on the same file (with --seed again: the fixtures must not come back).
    const second = await startChild();
    const again = await call(second.url, 'PUT', `/v2/organizations/${org}/users`, admin, {
      username: fixtures.usernames.user,
    });
    expect(again.status).toBe(201);
    await killHard(second.child);

    const store = new SqliteStore(databasePath);
    try {
      expect(await store.hasOrgRole(org, fixtures.userIds.manager, 'managers')).toBe(true);
      expect(await store.hasOrgRole(org, fixtures.userIds.auditor, 'auditors')).toBe(true);
      expect(await store.hasOrgRole(org, fixtures.userIds.user, 'users')).toBe(true);
      expect(await store.hasOrgRole(fixtures.organizations.name237, fixtures.userIds.user, 'users')).toBe(false);
      expect(await store.listMembers(fixtures.membersOrgId)).not.toContain(fixtures.memberUserId);
    } finally {
      await store.close();
    }
  });
});
