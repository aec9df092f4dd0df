// The contract pipeline: each build step alone and all of them as `pnpm check`, then the contract
// checks against the mock; the build's steps and outputs are the spec package's.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOutputs, paths } from '@org-membership-api/spec';
import { buildSteps, type BuildStep } from '@org-membership-api/spec/build';
import type { BenchConfig } from './config.js';
import { timeCommand } from './processes.js';
import type { BenchResults } from './results.js';
import { spread, type Spread } from './stats.js';

const outputsHash = () =>
  buildOutputs()
    .map((output) => (existsSync(output) ? createHash('sha256').update(readFileSync(output)).digest('hex') : 'missing'))
    .join(',');

export async function measurePipeline(
  config: BenchConfig,
  log: (l: string) => void,
): Promise<NonNullable<BenchResults['pipeline']>> {
  log('contract pipeline: lint, bundle, generate, docs, each and together; contract checks against the mock');
  const pnpm = process.env['npm_execpath']?.includes('pnpm')
    ? [process.execPath, process.env['npm_execpath']]
    : ['pnpm'];
  const before = outputsHash();
  const steps = buildSteps;
  const times: Record<string, number[]> = Object.fromEntries(
    [...steps, 'together', 'contract'].map((name) => [name, [] as number[]]),
  );
  let counts = { passed: 0, failed: 0, skipped: 0 };
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-contract-'));
  try {
    for (let round = 0; round < config.pipelineRounds; round++) {
      // Each step as its root script (`pnpm run docs`: `pnpm docs` is a built-in command).
      for (const step of steps) times[step]!.push((await timeCommand([...pnpm, 'run', step], paths.root)).ms);
      times['together']!.push((await timeCommand([...pnpm, 'check'], paths.root)).ms);
      const contract = await timeCommand(
        [...pnpm, '--filter', '@org-membership-api/contract', 'run', 'contract:mock', '--report-dir', reportDir],
        paths.root,
      );
      const summary = /contract: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(contract.stdout);
      if (!summary) throw new Error(`no summary line in the contract check output: ${contract.stdout.slice(-500)}`);
      counts = { passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3]) };
      times['contract']!.push(contract.ms);
    }
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
  const ms = (name: string) => spread(times[name]!.map(Math.round));
  const stepSpreads = Object.fromEntries(steps.map((step) => [step, ms(step)])) as Record<BuildStep, Spread>;
  return {
    steps: stepSpreads,
    sumOfSteps: Object.values(stepSpreads).reduce((sum, s) => sum + s.median, 0),
    together: ms('together'),
    outputsUnchanged: outputsHash() === before,
    contractCheck: { ms: ms('contract'), ...counts },
  };
}
