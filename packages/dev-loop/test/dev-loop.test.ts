// `pnpm dev` on a copy of the contract: a save refreshes every artifact, the mock and the
// open docs page; lint problems name file and line; Ctrl-C stops the CLI cleanly.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openBrowser } from '@org-membership-api/docs-check';
import { contractPaths, paths } from '@org-membership-api/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevLoop, type DevLoop } from '../src/dev.js';

const repoRoot = paths.root;
const run = promisify(execFile);

describe('the edit loop', () => {
  let root: string;
  let loop: DevLoop;
  const lines: string[] = [];
  const rootYaml = () => join(root, 'openapi', 'openapi.yaml');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dev-loop-'));
    await cp(join(repoRoot, 'openapi'), join(root, 'openapi'), { recursive: true });
    await cp(join(repoRoot, 'redocly.yaml'), join(root, 'redocly.yaml'));
    await mkdir(join(root, 'dist', 'docs'), { recursive: true });
    await mkdir(join(root, 'packages', 'types', 'src'), { recursive: true });
    loop = await startDevLoop({ root, docsPort: 0, mockPort: 0, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await loop?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('builds what `pnpm check` builds: the types equal the committed ones', async () => {
    const built = await readFile(join(root, 'packages', 'types', 'src', 'openapi.d.ts'), 'utf8');
    expect(built).toBe(await readFile(join(repoRoot, 'packages', 'types', 'src', 'openapi.d.ts'), 'utf8'));
    expect(lines.some((line) => line.startsWith('all artifacts fresh'))).toBe(true);
  });

  it('refreshes bundle, types, docs and mock after a save, and the open page reloads', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(loop.docsUrl, { waitUntil: 'load' });
      const marker = `Edited${Date.now()}`;
      const source = await readFile(rootYaml(), 'utf8');
      const reloaded = page.waitForEvent('load', { timeout: 120_000 });
      const rebuilt = loop.nextRebuild();
      await writeFile(
        rootYaml(),
        source.replace('title: Organization membership API', `title: Organization membership API ${marker}`),
      );
      const result = await rebuilt;
      expect(result.ok).toBe(true);
      console.log(`save to all artifacts fresh: ${result.elapsedMs} ms ${JSON.stringify(result.timings)}`);
      expect(await readFile(contractPaths(root).bundleJson, 'utf8')).toContain(marker);
      expect(await readFile(join(root, 'dist', 'openapi.yaml'), 'utf8')).toContain(marker);
      expect(await readFile(join(root, 'dist', 'docs', 'index.html'), 'utf8')).toContain(marker);
      const mockSpec = await fetch(`${loop.mockUrl}/openapi.json`);
      expect(await mockSpec.text()).toContain(marker);
      await reloaded;
      await page.getByText(marker).first().waitFor({ state: 'visible' });
    } finally {
      await browser.close();
    }
  });

  it('keeps seeing a file saved by rename, as sed -i and vim save it, save after save', async () => {
    const file = join(root, 'openapi', 'paths', 'organization_members_{userId}.yaml');
    const bundle = () => readFile(contractPaths(root).bundleJson, 'utf8');
    // sed -i writes a new file and renames it over the old one.
    let rebuilt = loop.nextRebuild();
    await run('sed', ['-i', 's/summary: Remove org member/summary: Remove org member (renamed once)/', file]);
    expect((await rebuilt).ok).toBe(true);
    expect(await bundle()).toContain('Remove org member (renamed once)');
    // The same again, by hand: the file now watched is the one the first rename put there.
    for (const time of ['twice', 'three times']) {
      rebuilt = loop.nextRebuild();
      const source = await readFile(file, 'utf8');
      const temporary = `${file}.swp`;
      await writeFile(temporary, source.replace(/\(renamed [^)]+\)/, `(renamed ${time})`));
      await rename(temporary, file);
      expect((await rebuilt).ok).toBe(true);
      expect(await bundle()).toContain(`Remove org member (renamed ${time})`);
    }
  });

  it('prints lint problems with file and line and keeps the last good artifacts', async () => {
    const file = join(root, 'openapi', 'paths', 'organization_members_{userId}.yaml');
    const source = await readFile(file, 'utf8');
    const broken = source.replace('operationId: removeOrgMember', 'operationId: Remove_org_member');
    const line = broken.split('\n').findIndex((text) => text.includes('Remove_org_member')) + 1;
    expect(line).toBeGreaterThan(0);
    const rebuilt = loop.nextRebuild();
    await writeFile(file, broken);
    const result = await rebuilt;
    expect(result.ok).toBe(false);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^openapi/paths/organization_members_\\{userId\\}\\.yaml:${line}:\\d+ +error .*camelCase`),
      ),
    );
    expect(await readFile(contractPaths(root).bundleJson, 'utf8')).not.toContain('Remove_org_member');
  });
});

describe('pnpm dev', () => {
  it('stops cleanly on Ctrl-C', async () => {
    // The package's command, as `pnpm dev` runs it.
    const bin = fileURLToPath(new URL('../bin/org-membership-dev.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, '--docs-port', '0', '--mock-port', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 120_000);
      child.stdout.on('data', () => {
        if (output.includes('Watching openapi/')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping');
  });
});
