// The guards of `npm test` must fail on a broken contract, naming the file and the problem.
// Each case breaks a copy of the contract in a temp folder and runs the real tool on it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractPaths, paths } from '@org-membership-api/spec';
import { checkGenerated, runStep } from '@org-membership-api/spec/build';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = paths.root;
const copies: string[] = [];

function copyContract(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-guard-'));
  copies.push(dir);
  cpSync(join(repoRoot, 'openapi'), join(dir, 'openapi'), { recursive: true });
  cpSync(join(repoRoot, 'redocly.yaml'), join(dir, 'redocly.yaml'));
  return dir;
}

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, 'openapi', file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
}

/** `pnpm lint`'s step on a copy of the contract. */
async function lint(dir: string) {
  const result = await runStep('lint', contractPaths(dir), 'capture');
  return { status: result.code, output: result.output };
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Each case runs the Redocly CLI, which takes seconds on a busy machine.
describe('redocly lint', { timeout: 60_000 }, () => {
  it('passes on the contract as it is', async () => {
    expect((await lint(copyContract())).status).toBe(0);
  });

  it('fails on an example that does not match its schema, naming the example file', async () => {
    const dir = copyContract();
    edit(dir, 'components/examples/OrganizationName237.yaml', '"billing_enabled": false', '"billing_enabled": "no"');
    const { status, output } = await lint(dir);
    expect(status).not.toBe(0);
    expect(output).toContain('components/examples/OrganizationName237.yaml');
    expect(output).toMatch(/billing_enabled.*must be boolean/);
  });

  it('fails when an operation stops documenting 403, naming the path file and the house rule', async () => {
    const dir = copyContract();
    edit(dir, 'paths/organization_members_{userId}.yaml', /\n {4}'403':\n {6}\$ref: [^\n]+/, '');
    const { status, output } = await lint(dir);
    expect(status).not.toBe(0);
    expect(output).toContain('paths/organization_members_{userId}.yaml');
    expect(output).toContain('rule/operation-documents-401-and-403');
  });

  it('fails when a path parameter loses its example', async () => {
    const dir = copyContract();
    edit(
      dir,
      'components/parameters/OrganizationGuidName808.yaml',
      /\nexample: 0cad2557-71c4-40ed-9501-8584064b90a1/,
      '',
    );
    const { status, output } = await lint(dir);
    expect(status).not.toBe(0);
    expect(output).toContain('components/parameters/OrganizationGuidName808.yaml');
    expect(output).toContain('rule/parameter-has-example');
  });

  it('fails when a 2xx body has no example', async () => {
    const dir = copyContract();
    edit(
      dir,
      'components/responses/ManagerAddedToOrganization.yaml',
      /\n {4}examples:\n {6}Organization:\n {8}\$ref: [^\n]+\n {6}CurrentRelease:\n {8}\$ref: [^\n]+/,
      '',
    );
    const { status, output } = await lint(dir);
    expect(status).not.toBe(0);
    expect(output).toContain('rule/media-type-has-example');
  });
});

describe('check:generated', { timeout: 30_000 }, () => {
  it('fails on stale committed types, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generated-guard-'));
    copies.push(dir);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    const copy = contractPaths(dir);
    cpSync(join(repoRoot, 'packages/types/src'), join(dir, 'packages/types/src'), { recursive: true });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'types');
    expect(await checkGenerated(copy)).toEqual([]);
    writeFileSync(
      copy.typesFile,
      readFileSync(copy.typesFile, 'utf8').replace('username: string;', 'username: number;'),
    );
    const problems = (await checkGenerated(copy)).join('\n');
    expect(problems.split('\n')).toContain('  packages/types/src/openapi.d.ts  (differs from the contract)');
  });
});
