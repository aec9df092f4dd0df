// The breaking-change check on pairs of small contracts: base.yaml against one changed copy
// per kind of break, and a copy with only compatible changes.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { breakingChanges, compareContracts } from '../src/contract-diff.js';

const run = promisify(execFile);
const fixtures = join(import.meta.dirname, 'fixtures', 'contract-diff');
const load = async (name: string) => parse(await readFile(join(fixtures, name), 'utf8')) as object;

const breaks: Array<[file: string, operation: string, message: RegExp]> = [
  ['removed-operation.yaml', 'DELETE /things/{thingId}', /Removed\] operation DELETE/],
  ['new-required-request-field.yaml', 'PUT /things/{thingId}', /required status to `owner` in Request Body/],
  ['removed-response-field.yaml', 'PUT /things/{thingId}', /Removed\] property `note` in Response 200/],
  ['removed-response-status.yaml', 'PUT /things/{thingId}', /Removed\] Response 404/],
  ['narrowed-type.yaml', 'PUT /things/{thingId}', /type definition of `size` in Request Body/],
  ['changed-response-type.yaml', 'PUT /things/{thingId}', /type definition of `id` in Response 200/],
  ['narrowed-enum.yaml', 'PUT /things/{thingId}', /possible values of `kind` in Request Body/],
  ['new-required-parameter.yaml', 'PUT /things/{thingId}', /Added\] required query parameter `version`/],
];

describe('breaking changes between two contracts', () => {
  let base: object;
  beforeAll(async () => {
    base = await load('base.yaml');
  });

  it('finds nothing between a contract and itself', () => {
    expect(compareContracts(base, structuredClone(base))).toEqual([]);
  });

  it.each(breaks)('%s is breaking', async (file, operation, message) => {
    const found = breakingChanges(base, await load(file));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((change) => change.operation)).toSatisfy((ops: unknown[]) => ops.every((op) => op === operation));
    expect(
      found.some((change) => message.test(change.message)),
      JSON.stringify(found),
    ).toBe(true);
  });

  it('lets compatible changes pass, while still seeing them', async () => {
    const head = await load('compatible.yaml');
    expect(breakingChanges(base, head)).toEqual([]);
    // Each of the compatible edits is detected (so the empty list is not blindness).
    expect(compareContracts(base, head).length).toBeGreaterThanOrEqual(7);
  });
});

describe('pnpm diff --base <ref>', () => {
  let repo: string;
  // The package's command, as `pnpm diff` runs it.
  const cli = fileURLToPath(new URL('../bin/org-membership-diff.mjs', import.meta.url));
  const diff = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [cli, ...args], { cwd: repo });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.org', ...args], { cwd: repo });

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'contract-diff-'));
    await mkdir(join(repo, 'openapi'));
    await writeFile(join(repo, 'redocly.yaml'), 'apis:\n  fixture@v1:\n    root: openapi/openapi.yaml\n');
    await copyFile(join(fixtures, 'base.yaml'), join(repo, 'openapi', 'openapi.yaml'));
    await git('init', '--quiet');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'base');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('exits 1 and names the operation when the working tree breaks clients', async () => {
    await copyFile(join(fixtures, 'removed-operation.yaml'), join(repo, 'openapi', 'openapi.yaml'));
    const result = await diff('--base', 'HEAD');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('DELETE /things/{thingId}');
  });

  it('exits 0 for compatible changes', async () => {
    await copyFile(join(fixtures, 'compatible.yaml'), join(repo, 'openapi', 'openapi.yaml'));
    const result = await diff('--base', 'HEAD');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No breaking changes');
  });

  it('exits 2 with a clear message for an unknown revision or a missing --base', async () => {
    expect(await diff('--base', 'no-such-ref')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a revision of this repository: no-such-ref'),
    });
    expect(await diff()).toMatchObject({ code: 2, stderr: expect.stringContaining('--base is required') });
  });
});
