import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDocument, paths } from '@org-membership-api/spec';
import { parse as parseYaml } from 'yaml';
import { runCredentialFreeChecks } from './credential-free.js';
import { dreddDocument } from './dredd-document.js';
import { redactionPattern, redactorOf, type ContractEnv } from './env.js';
import { buildPlan, type Target } from './plan.js';
import { writeJunit } from './report.js';
import { reachability } from './send.js';
import { createStrictValidator } from './validator.js';
import { runWorkflows, type CheckResult } from './workflows.js';

export type { CheckResult } from './workflows.js';

export interface ContractCheckOptions {
  /** Base URL of the server under test. */
  server: string;
  /** mock: every response is selected with `Prefer`; server: errors are provoked with real requests. */
  target: 'mock' | 'server';
  env: ContractEnv;
  /** JUnit XML goes here (contract-checks.xml, plus Dredd's own dredd.xml). Default <repo>/reports/contract. */
  reportDir?: string;
  /** The bundled contract. Default <repo>/dist/openapi.json. */
  specPath?: string;
  /** Receives Dredd's own output (tokens redacted). */
  onDreddOutput?: (text: string) => void;
}

export interface ContractCheckResult {
  passed: number;
  failed: number;
  skipped: Array<{ name: string; reason: string }>;
  failures: Array<{ name: string; message: string }>;
  /** Every check in order: the credential-free checks, the Dredd transactions, then the workflows. */
  checks: CheckResult[];
  /** Why the server could not be reached (then no check ran). */
  unreachable?: string;
  junitPath: string;
  durationMs: number;
}

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultSpecPath = paths.bundleJson;
export const defaultReportDir = join(paths.root, 'reports', 'contract');
const hooksPath = join(packageDir, 'hooks', 'contract-hooks.cjs');
const dreddBin = createRequire(import.meta.url).resolve('dredd/bin/dredd');

interface HookResult {
  key: string;
  name: string;
  status: number;
  actualStatus?: number;
  mockSigns?: boolean;
  outcome: 'passed' | 'failed' | 'skipped';
  messages: string[];
  reason?: string;
}

/** Runs Dredd (one transaction per documented response) with the strict layer, then the workflows. */
export async function runContractChecks(options: ContractCheckOptions): Promise<ContractCheckResult> {
  const started = Date.now();
  const specPath = options.specPath ?? defaultSpecPath;
  const spec = loadDocument(specPath);
  const target: Target = options.target;
  const server = new URL(options.server);
  const plans = buildPlan(spec, target, options.env);
  const redact = redactorOf(options.env);
  const reportDir = resolve(options.reportDir ?? defaultReportDir);
  await mkdir(reportDir, { recursive: true });

  const checks: CheckResult[] = [];
  const reached = await reachability(options.server);
  if (!reached.reachable) return finish(checks, redact, reportDir, started, redact(reached.reason));
  const validator = createStrictValidator(spec);
  checks.push(
    ...(await runCredentialFreeChecks({ server: options.server, target, env: options.env, spec, validator })),
  );

  const workDir = await mkdtemp(join(tmpdir(), 'contract-checks-'));
  try {
    const planPath = join(workDir, 'plan.json');
    const resultsPath = join(workDir, 'results.json');
    // The plan holds tokens: readable by this user only, removed after the run.
    await writeFile(
      planPath,
      JSON.stringify({
        specPath,
        resultsPath,
        server: server.origin,
        basePath: server.pathname.replace(/\/+$/, ''),
        redactionPattern: redactionPattern(options.env),
        plans,
      }),
      { mode: 0o600 },
    );
    await chmod(planPath, 0o600);

    const dreddSpecPath = join(workDir, 'openapi.json');
    await writeFile(dreddSpecPath, JSON.stringify(dreddDocument(spec).document));

    // With --config, Dredd takes the document and the URL from the file only: write one per run.
    const dreddConfig = parseYaml(await readFile(join(packageDir, 'dredd.yml'), 'utf8')) as Record<string, unknown>;
    const configPath = join(workDir, 'dredd.yml');
    await writeFile(
      configPath,
      JSON.stringify({
        ...dreddConfig,
        blueprint: dreddSpecPath,
        endpoint: server.href,
        hookfiles: [hooksPath],
        output: [join(reportDir, 'dredd.xml')],
      }),
    );
    const dredd = await runDredd([dreddBin, '--config', configPath], {
      ...process.env,
      ORG_MEMBERSHIP_CONTRACT_PLAN: planPath,
    });
    const dreddOutput = redact(dredd.output);
    options.onDreddOutput?.(dreddOutput);

    let hookResults: HookResult[] = [];
    try {
      hookResults = JSON.parse(await readFile(resultsPath, 'utf8')) as HookResult[];
    } catch {
      hookResults = [];
    }
    const byKey = new Map(hookResults.map((result) => [result.key, result]));
    const lastLines = dreddOutput.trim().split('\n').slice(-5).join(' | ');
    for (const plan of plans) {
      if (plan.skip) {
        checks.push({ name: plan.name, outcome: 'skipped', messages: [plan.skip] });
        continue;
      }
      const result = byKey.get(plan.key);
      if (!result) {
        checks.push({
          name: plan.name,
          outcome: 'failed',
          messages: [`no result: Dredd did not complete this transaction (exit ${dredd.code}): ${lastLines}`],
        });
      } else {
        checks.push({
          name: result.name,
          outcome: result.outcome,
          messages: result.outcome === 'skipped' ? [result.reason ?? ''] : result.messages,
          expectedStatus: result.status,
          ...(result.actualStatus === undefined ? {} : { actualStatus: result.actualStatus }),
          ...(result.mockSigns ? { mockSigns: true } : {}),
        });
      }
    }
    checks.push(...(await runWorkflows({ server: options.server, target, env: options.env, validator })));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  return finish(checks, redact, reportDir, started);
}

async function finish(
  checks: CheckResult[],
  redact: (text: string) => string,
  reportDir: string,
  started: number,
  unreachable?: string,
): Promise<ContractCheckResult> {
  const redacted = checks.map((check) => ({ ...check, messages: check.messages.map(redact) }));
  const junitPath = join(reportDir, 'contract-checks.xml');
  const durationMs = Date.now() - started;
  if (unreachable) {
    redacted.push({
      name: 'the server answers HTTP',
      outcome: 'failed',
      messages: [`could not be reached: ${unreachable}`],
    });
  }
  await writeJunit(junitPath, redacted, durationMs);
  return {
    ...(unreachable ? { unreachable } : {}),
    passed: redacted.filter((c) => c.outcome === 'passed').length,
    failed: redacted.filter((c) => c.outcome === 'failed').length,
    skipped: redacted
      .filter((c) => c.outcome === 'skipped')
      .map((c) => ({ name: c.name, reason: c.messages.join('; ') })),
    failures: redacted
      .filter((c) => c.outcome === 'failed')
      .map((c) => ({ name: c.name, message: c.messages.join('\n') })),
    checks: redacted,
    junitPath,
    durationMs,
  };
}

function runDredd(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}
