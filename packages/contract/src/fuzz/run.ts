// The property-based mode: for each operation, fast-check generates requests from the
// contract's schemas (valid ones and ones breaking one rule), sends them with the configured
// tokens, and checks every answer against the contract (documented status, body schema,
// headers) with the strict validator. A failure is shrunk to a minimal request and reported
// as a runnable curl with the tokens replaced by their environment variables.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import fc from 'fast-check';
import { basicCredentials } from '../credential-free.js';
import { contractEnvVariables, redactorOf, type ContractEnv } from '../env.js';
import { contractOperations, concretePath, tokenOf, type ContractOperation, type Schema } from '../operations.js';
import { deref, type OpenApiDocument } from '@org-membership-api/spec';
import { cfClientBasic, garbageToken, type Target } from '../plan.js';
import { writeJunit } from '../report.js';
import { defaultReportDir, defaultSpecPath } from '../run.js';
import { curlOf, describeNetworkError, reachability, send, type PlainRequest, type PlainResponse } from '../send.js';
import { createStrictValidator } from '../validator.js';
import type { StrictValidator } from '../validator.js';
import type { CheckResult } from '../workflows.js';
import { requestsOf, type GeneratedRequest } from './arbitraries.js';

export const fuzzSuite = 'Property-based requests';
export const defaultFuzzRuns = 300;

export interface FuzzOptions {
  server: string;
  target: Target;
  env: ContractEnv;
  spec: OpenApiDocument;
  validator: StrictValidator;
  /** Requests to generate in all (shrinking sends more), spread over the operations. */
  runs?: number;
  /** fast-check seed: the same seed and runs replay the same requests. */
  seed?: number;
  /** Stop generating after this long (the properties run so far still count). */
  timeLimitMs?: number;
}

export interface FuzzFailure {
  operationId: string;
  /** The shrunk request as a curl command line (tokens as `$VARIABLE`). */
  curl: string;
  request: PlainRequest;
  /** The rule the request breaks, or `valid`. */
  breaks: string;
  status: number | undefined;
  violations: string[];
  /** fast-check's replay path of the counterexample. */
  path: string;
  shrinks: number;
}

export interface FuzzResult {
  seed: number;
  runs: number;
  /** Requests sent, shrinking included. */
  requests: number;
  durationMs: number;
  failures: FuzzFailure[];
  checks: CheckResult[];
}

/** The request for a generated case: the operation's path, query, body and credentials. */
export function toPlainRequest(
  operation: ContractOperation,
  generated: GeneratedRequest,
  env: ContractEnv,
  target: Target,
): PlainRequest {
  const { breakage } = generated;
  const pathValues = { ...generated.pathValues };
  const query = { ...generated.query };
  if (breakage.kind === 'path') pathValues[breakage.name] = breakage.value;
  if (breakage.kind === 'query') query[breakage.name] = breakage.value;
  // As the cf CLI asks: `/` answers its JSON only to a client that names no HTML.
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = tokenOf(operation.dialect, env) ?? (target === 'mock' ? 'contract-checks' : undefined);
  if (operation.needsToken) {
    const variant = breakage.kind === 'credentials' ? breakage.variant : 'token';
    // UAA's token endpoint takes the cf CLI's client credentials; every other operation a token.
    if (variant === 'token' && operation.credentials === 'basic') headers['Authorization'] = cfClientBasic;
    else if (variant === 'token' && token !== undefined) headers['Authorization'] = `bearer ${token}`;
    if (variant === 'malformed bearer') headers['Authorization'] = `bearer ${garbageToken}`;
    if (variant === 'basic') headers['Authorization'] = basicCredentials;
  }
  let body: string | undefined;
  if (operation.body) {
    if (breakage.kind === 'rawBody') body = breakage.text;
    else body = JSON.stringify(breakage.kind === 'body' ? breakage.apply(generated.body) : generated.body);
    headers['Content-Type'] = 'application/json';
  }
  return {
    method: operation.method,
    path: concretePath(operation, pathValues, query),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function describeBreakage(generated: GeneratedRequest): string {
  const { breakage } = generated;
  switch (breakage.kind) {
    case 'valid':
      return 'valid';
    case 'path':
      return `odd path parameter ${breakage.name}`;
    case 'query':
      return `odd query parameter ${breakage.name}`;
    case 'body':
      return breakage.rule;
    case 'rawBody':
      return 'body that is not a JSON object';
    case 'credentials':
      return `credentials: ${breakage.variant}`;
  }
}

/** What is wrong with the answer to one generated request; empty when it keeps the contract. */
function problemsOf(
  operation: ContractOperation,
  generated: GeneratedRequest,
  response: PlainResponse,
  validator: StrictValidator,
  target: Target,
  hasToken: boolean,
): string[] {
  const problems = validator.validate({
    method: operation.method,
    path: operation.path,
    status: response.status,
    headers: response.headers,
    body: response.body,
  });
  const { breakage } = generated;
  const { errors } = operation;
  // A bearer token to UAA's token endpoint is the wrong scheme, not a bad token.
  const wrongScheme = operation.credentials === 'basic' ? 'malformed bearer' : 'basic';
  const mockTakesIt = target === 'mock' && breakage.kind === 'credentials' && breakage.variant === 'malformed bearer';
  if (breakage.kind === 'credentials' && !(mockTakesIt && operation.credentials === 'bearer')) {
    const expected =
      breakage.variant === 'none' || breakage.variant === wrongScheme ? errors.missingToken : errors.invalidToken;
    const allowed = [expected?.status, errors.rateLimited?.status].filter((s): s is number => s !== undefined);
    if (allowed.length > 0 && !allowed.includes(response.status))
      problems.push(
        `status ${response.status} to a request with ${breakage.variant} credentials (expected ${allowed.join(' or ')})`,
      );
  }
  // Documented for storage faults, which no generated request to a healthy server provokes.
  if (response.status === 500) problems.push('status 500: a server fault in answer to a request');
  if (!hasToken && operation.needsToken && breakage.kind !== 'credentials' && response.status < 300)
    problems.push(`success ${response.status} to a request without a token`);
  return problems;
}

/** Runs the properties, one per operation; the runs are spread evenly. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const runs = options.runs ?? defaultFuzzRuns;
  const operations = contractOperations(options.spec);
  const resolve = (schema: unknown) => deref(options.spec, schema) as Schema;
  const env = options.env;
  const known: Record<string, unknown[]> = {
    guid: [env.cfOrgGuid, env.cfUnknownOrgGuid, env.cfSpaceRolesOrgGuid],
    username: [env.cfUsername, env.cfUnknownUsername, env.cfMultiOriginUsername, env.cfSpaceRolesUsername],
    userId: [env.membersUserId, env.membersWorkflowUserId],
  };
  const placeholders = new Map(
    (Object.keys(contractEnvVariables) as Array<keyof ContractEnv>)
      .filter((field) => field.endsWith('Token') && env[field])
      .map((field) => [env[field]!, contractEnvVariables[field]]),
  );
  const redact = redactorOf(env);
  let requests = 0;
  const failures: FuzzFailure[] = [];
  const checks: CheckResult[] = [];
  const perOperation = Math.max(1, Math.floor(runs / Math.max(1, operations.length)));
  const extra = runs - perOperation * operations.length;
  for (const [index, operation] of operations.entries()) {
    const numRuns = perOperation + (index < extra ? 1 : 0);
    const remaining = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (Date.now() - started);
    const name = `fuzz: ${operation.operationId}`;
    if (remaining !== undefined && remaining <= 0) {
      checks.push({
        name,
        suite: fuzzSuite,
        outcome: 'skipped',
        messages: ['time limit reached before this operation'],
      });
      continue;
    }
    const hasToken = tokenOf(operation.dialect, env) !== undefined || options.target === 'mock';
    const attempt = async (generated: GeneratedRequest) => {
      const request = toPlainRequest(operation, generated, env, options.target);
      requests++;
      let response: PlainResponse;
      try {
        response = await send(options.server, request);
      } catch (error) {
        return { request, response: undefined, problems: [`no HTTP response: ${describeNetworkError(error)}`] };
      }
      return {
        request,
        response,
        problems: problemsOf(operation, generated, response, options.validator, options.target, hasToken),
      };
    };
    const property = fc.asyncProperty(requestsOf(operation, resolve, known), async (generated) => {
      const { problems } = await attempt(generated);
      return problems.length === 0;
    });
    const budget =
      remaining === undefined ? undefined : Math.max(1, Math.floor(remaining / (operations.length - index)));
    const details = await fc.check(property, {
      numRuns,
      // One seed per operation: operations of the same shape would otherwise get the same requests.
      seed: (seed + index) | 0,
      ...(budget === undefined ? {} : { interruptAfterTimeLimit: budget }),
    });
    if (!details.failed || !details.counterexample) {
      checks.push({
        name,
        suite: fuzzSuite,
        outcome: 'passed',
        messages: [`${details.numRuns} requests${details.interrupted ? ' (time limit reached)' : ''}`],
      });
      continue;
    }
    // The shrunk request once more, for its answer.
    const [generated] = details.counterexample;
    const replay = await attempt(generated);
    const problems = replay.problems.length > 0 ? replay.problems : ['failed while generated, passed when sent again'];
    const failure: FuzzFailure = {
      operationId: operation.operationId,
      curl: curlOf(options.server, replay.request, placeholders),
      request: replay.request,
      breaks: describeBreakage(generated),
      status: replay.response?.status,
      violations: problems.map(redact),
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
    };
    failures.push(failure);
    const answer = replay.response
      ? `answer ${replay.response.status}${replay.response.body ? `: ${redact(replay.response.body.slice(0, 300))}` : ''}`
      : 'no answer';
    checks.push({
      name,
      suite: fuzzSuite,
      outcome: 'failed',
      messages: [
        `request (${failure.breaks}), shrunk ${failure.shrinks} times: ${failure.curl}`,
        answer,
        ...failure.violations,
        `reproduce: --fuzz ${runs} --seed ${seed} (fast-check path ${failure.path})`,
      ],
    });
  }
  return { seed, runs, requests, durationMs: Date.now() - started, failures, checks };
}

export interface ContractFuzzOptions extends Omit<FuzzOptions, 'spec' | 'validator'> {
  /** JUnit XML goes here (contract-fuzz.xml). Default <repo>/reports/contract. */
  reportDir?: string;
  /** The bundled contract. Default <repo>/dist/openapi.json. */
  specPath?: string;
}

export interface ContractFuzzResult extends FuzzResult {
  junitPath: string;
  /** Why the server could not be reached (then nothing was sent). */
  unreachable?: string;
}

/** Loads the contract, checks that the server answers, runs the properties and writes the JUnit report. */
export async function runContractFuzz(options: ContractFuzzOptions): Promise<ContractFuzzResult> {
  const started = Date.now();
  const spec = JSON.parse(await readFile(options.specPath ?? defaultSpecPath, 'utf8')) as OpenApiDocument;
  const reportDir = resolvePath(options.reportDir ?? defaultReportDir);
  await mkdir(reportDir, { recursive: true });
  const junitPath = join(reportDir, 'contract-fuzz.xml');
  const reached = await reachability(options.server);
  let result: FuzzResult;
  if (!reached.reachable) {
    result = {
      seed: options.seed ?? 0,
      runs: 0,
      requests: 0,
      durationMs: Date.now() - started,
      failures: [],
      checks: [
        {
          name: 'the server answers HTTP',
          suite: fuzzSuite,
          outcome: 'failed',
          messages: [`could not be reached: ${reached.reason}`],
        },
      ],
    };
  } else {
    result = await runFuzz({ ...options, spec, validator: createStrictValidator(spec) });
  }
  await writeJunit(junitPath, result.checks, result.durationMs);
  return { ...result, junitPath, ...(reached.reachable ? {} : { unreachable: reached.reason }) };
}
