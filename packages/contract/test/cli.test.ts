import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');
const cli = join(import.meta.dirname, '../src/cli.ts');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('a server that does not answer fails the run (exit 1), every check naming why, and no token is printed', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
  const token = 'cli-token-that-must-not-be-printed';
  const { code, output } = await run(['--server', 'http://127.0.0.1:9', '--report-dir', reportDir], {
    CF_ADMIN_TOKEN: token,
    CF_ORG_GUID: '6f0e3308-1340-4682-937e-7b8186f5431e',
    CF_USERNAME: 'user@example.com',
  });
  expect(code).toBe(1);
  expect(output).toMatch(
    /FAIL {2}associateUserWithOrganizationByUsername 201\n {8}contract: no HTTP response Dredd could read/,
  );
  // Without member API values, those checks say what they need.
  expect(output).toMatch(
    /skip {2}removeOrgMember 204\n {8}every member API request needs MEMBERS_TOKEN, MEMBERS_USER_ID/,
  );
  expect(output).toMatch(/contract: 0 passed, \d+ failed, \d+ skipped/);
  expect(output).not.toContain(token);
});

test('bad arguments get a clear message and exit 2', async () => {
  const { code, output } = await run(['--target', 'staging', '--server', 'http://127.0.0.1:9']);
  expect(code).toBe(2);
  expect(output).toContain('--target must be mock or server');
  const missing = await run([], { CONTRACT_SERVER: '' });
  expect(missing.code).toBe(2);
  expect(missing.output).toContain('--server URL is required');
});
