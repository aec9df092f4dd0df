import { parseArgs } from 'node:util';
import { contractEnvFrom, contractEnvVariables, flagOf, type ContractEnv } from './env.js';
import { formatSummary } from './report.js';
import { preferHint, verdictOf } from './summary.js';
import { defaultFuzzRuns, runContractFuzz } from './fuzz/run.js';
import type { Target } from './plan.js';
import { runContractChecks } from './run.js';
import { startMockTarget, startReferenceTarget, type StartedTarget } from './targets.js';

const fields = Object.keys(contractEnvVariables) as Array<keyof ContractEnv>;

const usage = `Usage: org-membership-contract --server URL [--target mock|server] [options]   (npm run contract -- …)
       org-membership-contract --start mock        (starts the mock itself)
       org-membership-contract --start reference   (starts a seeded reference server itself)
  --server URL          base URL of the server under test (env CONTRACT_SERVER)
  --target mock|server  mock: responses selected with Prefer; server (default): errors provoked by real requests (env CONTRACT_TARGET)
  --report-dir DIR      where contract-checks.xml (JUnit) and dredd.xml go (env CONTRACT_REPORT_DIR, default reports/contract)
  --max-skipped N       fail when more than N checks are skipped (default: no limit)
  --fuzz [N]            property-based mode instead: N requests generated from the contract's schemas
                        (default ${defaultFuzzRuns}), every answer checked against the contract; failures shrunk
  --seed S              replay the requests of an earlier --fuzz run (its seed is printed)
  --time-limit SECONDS  stop generating requests after this long (--fuzz)
  --verbose             also print Dredd's own output (tokens redacted)
What exists on the server (each also from the environment variable of the same name in capitals):
${fields.map((field) => `  --${flagOf(field)}`).join('\n')}
Tokens are better given in the environment than on the command line.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

/** `--fuzz` takes an optional count: without one (last, or before another flag) it is the default. */
function withFuzzDefault(args: string[]): string[] {
  return args.flatMap((arg, i) =>
    arg === '--fuzz' && (i === args.length - 1 || args[i + 1]!.startsWith('-')) ? [`--fuzz=${defaultFuzzRuns}`] : [arg],
  );
}

let values: Record<string, string | boolean | undefined>;
try {
  values = parseArgs({
    // `pnpm run x -- --flag` passes the `--` through.
    args: withFuzzDefault(process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))),
    options: {
      server: { type: 'string' },
      target: { type: 'string' },
      start: { type: 'string' },
      'report-dir': { type: 'string' },
      'max-skipped': { type: 'string' },
      fuzz: { type: 'string' },
      seed: { type: 'string' },
      'time-limit': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(fields.map((field) => [flagOf(field), { type: 'string' as const }])),
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (values['help']) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const env: ContractEnv = contractEnvFrom();
for (const field of fields) {
  const value = values[flagOf(field)];
  if (typeof value === 'string' && value !== '') env[field] = value;
}

const maxSkippedText = values['max-skipped'] as string | undefined;
if (maxSkippedText !== undefined && !/^\d+$/.test(maxSkippedText)) fail('--max-skipped must be a whole number');
const maxSkipped = maxSkippedText === undefined ? undefined : Number(maxSkippedText);

const wholeNumber = (flag: string): number | undefined => {
  const text = values[flag] as string | undefined;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`--${flag} must be a whole number`);
  return Number(text);
};
const fuzzRuns = wholeNumber('fuzz');
const seed = wholeNumber('seed');
const timeLimitSeconds = wholeNumber('time-limit');

let started: StartedTarget | undefined;
const start = values['start'];
if (start !== undefined && start !== 'mock' && start !== 'reference') fail('--start must be mock or reference');
if (start === 'mock') started = await startMockTarget();
// Fuzzing sends thousands of requests: the reference server then runs without its test rate limits.
if (start === 'reference') started = await startReferenceTarget({ rateLimited: fuzzRuns === undefined });

const server = started?.url ?? (values['server'] as string | undefined) ?? process.env['CONTRACT_SERVER'];
if (!server) fail('--server URL is required (or CONTRACT_SERVER)');
try {
  new URL(server);
} catch {
  fail(`--server must be an http(s) URL, got ${JSON.stringify(server)}`);
}
const target =
  started?.target ?? (values['target'] as string | undefined) ?? process.env['CONTRACT_TARGET'] ?? 'server';
if (target !== 'mock' && target !== 'server') fail('--target must be mock or server');

let exitCode = 1;
try {
  const reportDir = (values['report-dir'] as string | undefined) ?? process.env['CONTRACT_REPORT_DIR'];
  if (fuzzRuns !== undefined) {
    exitCode = await fuzz(server, target as Target, reportDir, fuzzRuns);
  } else {
    process.stdout.write(`contract checks against ${server} (${target})\n`);
    const result = await runContractChecks({
      server,
      target,
      env: { ...env, ...started?.env },
      ...(reportDir ? { reportDir } : {}),
      ...(values['verbose'] ? { onDreddOutput: (text: string) => process.stdout.write(`${text}\n`) } : {}),
    });
    process.stdout.write(`${formatSummary(result)}\n`);
    const outcome = {
      checks: result.checks,
      target: target as Target,
      ...(result.unreachable ? { unreachable: result.unreachable } : {}),
    };
    const hint = preferHint(outcome);
    if (hint) process.stdout.write(`${hint}\n`);
    const verdict = verdictOf(outcome, maxSkipped === undefined ? {} : { maxSkipped });
    // The last line says why a run failed.
    if (!verdict.ok) process.stdout.write(`${verdict.line}\n`);
    exitCode = verdict.ok ? 0 : 1;
  }
} catch (error) {
  process.stderr.write(`contract checks could not run: ${(error as Error).message}\n`);
} finally {
  await started?.close();
}
process.exit(exitCode);

async function fuzz(server: string, target: Target, reportDir: string | undefined, runs: number): Promise<number> {
  process.stdout.write(`property-based requests against ${server} (${target}): ${runs} requests\n`);
  const result = await runContractFuzz({
    server,
    target,
    env: { ...env, ...started?.env },
    runs,
    ...(seed === undefined ? {} : { seed }),
    ...(timeLimitSeconds === undefined ? {} : { timeLimitMs: timeLimitSeconds * 1000 }),
    ...(reportDir ? { reportDir } : {}),
  });
  for (const check of result.checks) {
    const mark = check.outcome === 'passed' ? 'pass' : check.outcome === 'failed' ? 'FAIL' : 'skip';
    process.stdout.write(
      `${mark}  ${check.name}${check.outcome === 'passed' ? ` (${check.messages.join('; ')})` : ''}\n`,
    );
    if (check.outcome !== 'passed') for (const message of check.messages) process.stdout.write(`        ${message}\n`);
  }
  const seconds = result.durationMs / 1000;
  process.stdout.write(
    `\nJUnit report: ${result.junitPath}\nfuzz: ${result.requests} requests in ${seconds.toFixed(1)} s (${Math.round(result.requests / Math.max(seconds, 0.001))}/s), seed ${result.seed}, ${result.failures.length} failing operation(s)\n`,
  );
  if (result.unreachable) {
    process.stdout.write(`contract: FAILED: the server could not be reached (${result.unreachable})\n`);
    return 1;
  }
  if (result.failures.length > 0) {
    process.stdout.write(
      `contract: FAILED: ${result.failures.length} operation(s) answered outside the contract (--seed ${result.seed} replays)\n`,
    );
    return 1;
  }
  return 0;
}
