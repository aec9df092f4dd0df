// The build's steps on a copy of the contract: what `pnpm bundle` writes in-process is what
// the Redocly CLI writes for each format.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redocly, runStep, staleOutputs } from '../src/build.js';
import { contractPaths, paths, type ContractPaths } from '../src/paths.js';

describe('the bundle step', { timeout: 120_000 }, () => {
  let copy: ContractPaths;
  beforeAll(() => {
    copy = contractPaths(mkdtempSync(join(tmpdir(), 'spec-build-')));
    cpSync(paths.sourceDir, copy.sourceDir, { recursive: true });
    cpSync(paths.redoclyConfig, copy.redoclyConfig);
  });
  afterAll(() => rmSync(copy.root, { recursive: true, force: true }));

  it('writes the JSON and YAML bundles byte for byte as `redocly bundle` does, and both are fresh after', async () => {
    expect(staleOutputs(copy)).toEqual([copy.bundleJson, copy.bundleYaml, copy.docsHtml]);
    const bundled = await runStep('bundle', copy);
    expect(bundled.code, bundled.output).toBe(0);
    const reference = join(copy.root, 'reference.json');
    const cli = await redocly(
      ['bundle', copy.sourceRoot, '--config', copy.redoclyConfig, '--ext', 'json', '--output', reference],
      copy,
      'capture',
    );
    expect(cli.code, cli.output).toBe(0);
    expect(readFileSync(copy.bundleJson, 'utf8')).toBe(readFileSync(reference, 'utf8'));
    const referenceYaml = join(copy.root, 'reference.yaml');
    const cliYaml = await redocly(
      ['bundle', copy.sourceRoot, '--config', copy.redoclyConfig, '--output', referenceYaml],
      copy,
      'capture',
    );
    expect(cliYaml.code, cliYaml.output).toBe(0);
    expect(readFileSync(copy.bundleYaml, 'utf8')).toBe(readFileSync(referenceYaml, 'utf8'));
    expect(staleOutputs(copy)).toEqual([copy.docsHtml]);
  });
});
