import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { defaultFuzzRuns, runContractFuzz, type ContractFuzzResult } from '../src/fuzz/run.js';
import { contractEnvVariables } from '../src/env.js';
import { startMockTarget, startReferenceTarget, type StartedTarget } from '../src/targets.js';
import { startBrokenServer, type Answer } from './broken-server.js';

let reference: StartedTarget;
beforeAll(async () => {
  // Without the test rate limits: fuzzing sends thousands of requests.
  reference = await startReferenceTarget({ rateLimited: false });
});
afterAll(async () => {
  await reference?.close();
});

const cfError = (status: number, description: string): Answer => ({
  status,
  headers: {
    'content-type': 'application/json;charset=utf-8',
    'x-vcap-request-id': '9a1b2c3d-0000-4000-8000-000000000000',
    'x-content-type-options': 'nosniff',
  },
  body: JSON.stringify({ description, error_code: 'CF-ServerError', code: 10001 }),
});

/** Each run stops generating after 60 s: a slow machine shortens the run rather than failing it. */
async function fuzz(server: string, options: { runs?: number; seed?: number; target?: 'mock' | 'server' } = {}) {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-fuzz-'));
  return runContractFuzz({
    server,
    target: options.target ?? 'server',
    env: options.target === 'mock' ? {} : reference.env,
    reportDir,
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    timeLimitMs: 60_000,
  });
}

function bodyUsername(result: ContractFuzzResult, index = 0): string {
  const body = result.failures[index]?.request.body;
  return (JSON.parse(body ?? '{}') as { username: string }).username;
}

const seedNote = (result: ContractFuzzResult) => `seed ${result.seed}: ${JSON.stringify(result.failures, null, 1)}`;

test('a server answering 500 to usernames over 64 characters is caught, shrunk to the boundary', async () => {
  const broken = await startBrokenServer(reference.url, {
    before: ({ username }) =>
      typeof username === 'string' && username.length > 64 ? cfError(500, 'An unknown error occurred.') : undefined,
  });
  try {
    const result = await fuzz(broken.url);
    expect(result.runs).toBe(defaultFuzzRuns);
    expect(result.failures.length, seedNote(result)).toBeGreaterThan(0);
    // Shrunk to a username that still fails but passes with one of its characters taken out:
    // the server counts UTF-16 units, the generator characters, so a shrunk name holding
    // characters outside the BMP may be 66 units long and pass only without one of those (the
    // shrinker need not take out the last one). Or 256 'a's where the failing request was one
    // breaking maxLength 255 (its shortest).
    const usernames = result.failures.map((_, index) => bodyUsername(result, index));
    const atBoundary = (name: string) =>
      name.length > 64 && name.length - Math.max(...Array.from(name, (character) => character.length)) <= 64;
    expect(usernames.some(atBoundary), seedNote(result)).toBe(true);
    for (const [index, failure] of result.failures.entries()) {
      expect(failure.status).toBe(500);
      expect(failure.violations.join('\n')).toContain('status 500: a server fault');
      expect(atBoundary(usernames[index]!) || usernames[index] === 'a'.repeat(256), seedNote(result)).toBe(true);
      // The body as sent, in the curl line (single quotes escaped for the shell).
      expect(failure.curl).toContain(JSON.stringify(bodyUsername(result, index)).replaceAll("'", `'\\''`));
    }
    // A failure may be a request sent without a token (the broken server answers before any
    // check); where the admin token is sent, the curl line names its variable, never the value.
    const tokens = Object.entries(reference.env).filter(([field]) => field.endsWith('Token'));
    for (const failure of result.failures) {
      for (const [, value] of tokens) expect(failure.curl).not.toContain(value);
      if (failure.curl.includes('CF_ADMIN_TOKEN'))
        expect(failure.curl).toMatch(/-H 'Authorization: bearer '"\$\{CF_ADMIN_TOKEN\}"/);
    }
    const junit = await readFile(result.junitPath, 'utf8');
    expect(junit).toContain(`name="fuzz: ${result.failures[0]!.operationId}"><failure`);
    for (const [field, value] of Object.entries(reference.env))
      if (field.endsWith('Token')) expect(junit).not.toContain(value);
  } finally {
    await broken.close();
  }
});

test('a server answering an undocumented 422 to non-ASCII usernames is caught, shrunk to one character', async () => {
  const broken = await startBrokenServer(reference.url, {
    before: ({ username }) =>
      typeof username === 'string' && /[^\u0000-\u007f]/.test(username)
        ? { ...cfError(422, 'Unprocessable username'), status: 422 }
        : undefined,
  });
  try {
    const result = await fuzz(broken.url);
    expect(result.failures.length, seedNote(result)).toBeGreaterThan(0);
    const failure = result.failures[0]!;
    expect(failure.status).toBe(422);
    expect(failure.violations.join('\n')).toContain('undocumented status 422');
    const username = bodyUsername(result);
    expect(username).toMatch(/[^\u0000-\u007f]/);
    // One grapheme (at most two code points, e.g. a letter and its accent).
    expect(Array.from(username).length).toBeLessThanOrEqual(2);
  } finally {
    await broken.close();
  }
});

test('a server dropping a required header on error answers to odd inputs is caught, and the CLI prints the reproduction', async () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const broken = await startBrokenServer(reference.url, {
    after: ({ path }, answer) => {
      // The guid of /v2/organizations/{guid}/..., the userId of /organization/members/{userId}.
      const segment = decodeURIComponent(path.split('?')[0]!.split('/')[3] ?? '');
      const guarded = /^\/(?:v2\/(?:organizations|spaces)|organization\/members)\/[^/]/.test(path);
      if (answer.status >= 400 && guarded && !uuid.test(segment)) {
        delete answer.headers['x-vcap-request-id'];
        delete answer.headers['x-request-id'];
      }
    },
  });
  try {
    const result = await fuzz(broken.url);
    expect(result.failures.length, seedNote(result)).toBeGreaterThan(0);
    for (const failure of result.failures) {
      expect(failure.violations.join('\n')).toMatch(/missing required header X-(VCAP-Request-ID|Request-Id)/);
      expect(failure.status).toBeGreaterThanOrEqual(400);
      expect(failure.breaks).toMatch(/odd path parameter (guid|userId)/);
    }

    // The same through the CLI: exit 1, a runnable curl, the seed that replays it.
    const environment: Record<string, string | undefined> = { ...process.env };
    for (const [field, name] of Object.entries(contractEnvVariables))
      environment[name] = (reference.env as Record<string, string | undefined>)[field];
    const reportDir = await mkdtemp(join(tmpdir(), 'contract-fuzz-cli-'));
    const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx');
    const cli = join(import.meta.dirname, '../src/cli.ts');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(
        tsx,
        [cli, '--server', broken.url, '--fuzz', '--seed', String(result.seed), '--report-dir', reportDir],
        {
          env: environment,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output: text }));
    });
    expect(code, output).toBe(1);
    expect(output).toContain(result.failures[0]!.curl);
    expect(output).toContain(`reproduce: --fuzz ${defaultFuzzRuns} --seed ${result.seed}`);
    expect(output.trim().split('\n').at(-1)).toMatch(
      /^contract: FAILED: \d+ operation\(s\) answered outside the contract/,
    );
    for (const [field, value] of Object.entries(reference.env))
      if (field.endsWith('Token')) expect(output).not.toContain(value);
  } finally {
    await broken.close();
  }
});

test('the reference server passes the default budget with zero failures', async () => {
  const result = await fuzz(reference.url);
  expect(result.failures, seedNote(result)).toEqual([]);
  expect(result.requests).toBe(defaultFuzzRuns);
});

// 2,000 requests against each of the reference server and the mock: half with a fixed seed,
// half with a random one, printed so that a failure can be replayed with --seed.
for (const name of ['reference server', 'mock'] as const) {
  test(`the ${name} passes 2,000 requests, half with a fixed and half with a random seed`, async () => {
    const mock = name === 'mock' ? await startMockTarget() : undefined;
    try {
      const server = mock?.url ?? reference.url;
      const target = mock ? 'mock' : 'server';
      for (const seed of [20261128, Math.floor(Math.random() * 0x7fffffff)]) {
        const result = await fuzz(server, { runs: 1000, seed, target });
        console.log(
          `fuzz ${name}: seed ${seed}, ${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s`,
        );
        expect(result.failures, seedNote(result)).toEqual([]);
      }
    } finally {
      await mock?.close();
    }
  });
}
