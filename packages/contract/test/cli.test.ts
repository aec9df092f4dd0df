import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { contractEnvVariables } from '../src/env.js';
import { startMockTarget, startReferenceTarget, type StartedTarget } from '../src/targets.js';

const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');
const cli = join(import.meta.dirname, '../src/cli.ts');

/** The CLI with none of the contract variables set (whatever the calling shell has). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const clean: Record<string, string | undefined> = { ...process.env };
  for (const name of [...Object.values(contractEnvVariables), 'CONTRACT_SERVER', 'CONTRACT_TARGET']) delete clean[name];
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [cli, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const lastLine = (output: string) => output.trim().split('\n').at(-1);

let reference: StartedTarget;
beforeAll(async () => {
  reference = await startReferenceTarget();
});
afterAll(async () => {
  await reference?.close();
});

test('nothing listening, no configuration: exit 1 with a one-line reason, and no token is printed', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
  const token = 'cli-token-that-must-not-be-printed';
  const { code, output } = await run(['--server', 'http://127.0.0.1:9', '--report-dir', reportDir], {
    CF_ADMIN_TOKEN: token,
  });
  expect(code).toBe(1);
  expect(lastLine(output)).toMatch(
    /^contract: FAILED: the server could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:9\)$/,
  );
  expect(output).not.toContain(token);
});

test('no configuration against the reference server: the credential-free checks run and pass, skips grouped by reason', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
  const { code, output } = await run(['--server', reference.url, '--report-dir', reportDir]);
  expect(code, output).toBe(0);
  const totals = /contract: (\d+) passed, 0 failed, (\d+) skipped/.exec(output);
  expect(totals, output).not.toBeNull();
  expect(Number(totals![1])).toBeGreaterThan(0);
  expect(output).toMatch(/pass {2}removeOrgMember: no token\n/);
  expect(output).toMatch(
    /pass {2}associateUserWithOrganizationByUsername: Basic credentials instead of a bearer token\n/,
  );
  expect(output).toMatch(/pass {2}Cloud Controller v2: unknown route\n/);
  // One line per reason, with its count; no line per skipped check.
  expect(output).toMatch(/\n +\d+ × every Cloud Controller request needs CF_ADMIN_TOKEN, CF_ORG_GUID, CF_USERNAME\n/);
  expect(output.match(/every member API request needs/g)).toHaveLength(1);
  expect(output).not.toMatch(/^skip /m);
});

test('--max-skipped fails a run that skips more, saying so in its last line', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
  const { code, output } = await run(['--server', reference.url, '--report-dir', reportDir, '--max-skipped', '3']);
  expect(code).toBe(1);
  expect(lastLine(output)).toMatch(
    /^contract: FAILED: \d+ skipped, more than --max-skipped 3 \(\d+ passed, 0 failed, \d+ skipped\)$/,
  );
});

test('the mock without --target mock: fails, with one hint line about Prefer', async () => {
  const mock = await startMockTarget();
  try {
    const reportDir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
    const { code, output } = await run(['--server', mock.url, '--report-dir', reportDir]);
    expect(code).toBe(1);
    expect(output.match(/^hint: .*--target mock$/gm), output).toHaveLength(1);
    expect(lastLine(output)).toMatch(/^contract: FAILED: \d+ passed, [1-9]\d* failed/);
  } finally {
    await mock.close();
  }
});

test('bad arguments get a clear message and exit 2', async () => {
  const { code, output } = await run(['--target', 'staging', '--server', 'http://127.0.0.1:9']);
  expect(code).toBe(2);
  expect(output).toContain('--target must be mock or server');
  const missing = await run([]);
  expect(missing.code).toBe(2);
  expect(missing.output).toContain('--server URL is required');
  const skipped = await run(['--server', 'http://127.0.0.1:9', '--max-skipped', 'many']);
  expect(skipped.code).toBe(2);
  expect(skipped.output).toContain('--max-skipped must be a whole number');
});
