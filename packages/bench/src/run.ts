import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOrgMembershipClient } from '@org-membership-api/client';
import type { paths } from '@org-membership-api/types';
import createClient from 'openapi-fetch';
import { fixtures, mintToken } from '@org-membership-api/reference-server';
import type { Request } from 'autocannon';
import { compareLoad, runLoad, type LoadResult } from './load.js';
import {
  freePort,
  pinLoadGenerator,
  placement,
  repoRoot,
  startCommand,
  startServerProcess,
  timeCommand,
  type ServerProcess,
} from './processes.js';
import { measurePostgres, type PostgresResults } from './postgres.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import { writeReport } from './report.js';
import type { CannedAnswer } from './serve.js';
import { median, rotate, slope, spread, type Spread } from './stats.js';

export interface BenchConfig {
  mode: string;
  /** Rounds of every side-by-side comparison (each figure is the median of these). */
  rounds: number;
  loadSeconds: number;
  /** Bound each load run by this many requests instead of `loadSeconds` (tiny runs only). */
  loadRequests?: number;
  warmupSeconds: number;
  connections: number;
  /** The overload run: `overloadFactor` × the connections, for `overloadSeconds`. */
  overloadFactor: number;
  overloadSeconds: number;
  /** Sequential requests per subject per round in the client overhead comparison. */
  clientRequests: number;
  /** Runs of each contract pipeline command; 0 leaves the pipeline out. */
  pipelineRounds: number;
  /** Seconds of load on each CPU-profiled server; 0 leaves the profiles out. */
  profileSeconds: number;
  /** Pin the load generator and the servers to different cores. */
  pin: boolean;
  /** Where RESULTS.md, results.json and the chart go. */
  outDir: string;
  log?: (line: string) => void;
}

export const modes = {
  full: {
    rounds: 5,
    loadSeconds: 4,
    warmupSeconds: 2,
    connections: 10,
    overloadFactor: 10,
    overloadSeconds: 30,
    clientRequests: 2000,
    pipelineRounds: 3,
    profileSeconds: 8,
  },
  quick: {
    rounds: 3,
    loadSeconds: 1,
    warmupSeconds: 1,
    connections: 10,
    overloadFactor: 10,
    overloadSeconds: 5,
    clientRequests: 300,
    pipelineRounds: 1,
    profileSeconds: 3,
  },
} satisfies Record<string, Omit<BenchConfig, 'mode' | 'pin' | 'outDir' | 'log'>>;

export interface Goal {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    mode: string;
    durationSeconds: number;
    cores: number;
    pinned: boolean;
    placement: string;
    loadAverageBefore: number;
    loadAverageAfter: number;
    config: Omit<BenchConfig, 'log' | 'outDir'>;
  };
  clientOverhead: {
    operation: string;
    requestsPerSubject: number;
    clientMedianUs: Spread;
    /** openapi-fetch alone (no auth, retries or timeout; its default WHATWG Requests), for reference. */
    openapiFetchMedianUs: Spread;
    /** Raw fetch with an abort signal on a 30 s timer, as the client gives each attempt: what a timeout costs fetch itself. */
    fetchWithTimeoutMedianUs: Spread;
    fetchMedianUs: Spread;
    /** Median of every openapi-fetch request over the median of every raw fetch. */
    openapiFetchRatio: number;
    /** Median of every client request over the median of every raw fetch. */
    ratio: number;
    ratioPerRound: Spread;
  };
  clientSize: {
    clientGzipped: number;
    clientMinified: number;
    openapiFetchGzipped: number;
    openapiFetchCreateClientGzipped: number;
    ownCodeGzipped: number;
    addedGzipped: number;
  };
  mock: {
    operation: string;
    connections: number;
    results: LoadResult[];
    ratioToBare: number;
    ratioToPrismCli: number;
    /** Spawn to first answered request, each CLI started alone: `pnpm mock`'s command vs `prism mock`. */
    startupMs: { mock: Spread; prismCli: Spread };
  };
  server: {
    connections: number;
    put: { operation: string; results: LoadResult[]; ratioToBare: number };
    delete: { operation: string; results: LoadResult[]; ratioToBare: number };
    overload: {
      connections: number;
      seconds: number;
      rateLimit: { requests: number; windowMs: number };
      requests: number;
      reqPerSec: number;
      statusCodes: Record<string, number>;
      errors: number;
      timeouts: number;
      /** Answers other than 201, 204 and 429. */
      unexpected: number;
      rssMiB: {
        first: number;
        last: number;
        min: number;
        max: number;
        slopeMiBPerMin: number;
        samples: Array<[number, number]>;
      };
      /** RSS of the last third of the run over the first third (after the first 5 s). */
      rssGrowth: number;
    };
  };
  /** The reference server on PostgreSQL beside SQLite, and two instances on one database. */
  postgres: PostgresResults;
  pipeline?: {
    steps: Record<'lint' | 'bundle' | 'generate' | 'docs', Spread>;
    sumOfSteps: number;
    together: Spread;
    outputsUnchanged: boolean;
    contractCheck: { ms: Spread; passed: number; failed: number; skipped: number };
  };
  /** Our servers, slowest (relative to its bare baseline) first. */
  profiles?: ProfileSummary[];
  goals: Goal[];
}

const orgGuid = fixtures.organizations.name1766;
const rolePath = (role: string) => `/v2/organizations/${orgGuid}/${role}`;

/** Follows local `$ref`s in the bundle. */
function deref(spec: unknown, node: unknown): any {
  let current = node as any;
  while (current && typeof current.$ref === 'string') {
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce((acc: any, key) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current;
}

/** The bytes the contract documents for a successful PUT users: the `Organization` example. */
function contractOrganizationBytes(): string {
  const spec = JSON.parse(readFileSync(join(repoRoot, 'dist/openapi.json'), 'utf8'));
  const response = deref(spec, spec.paths['/v2/organizations/{guid}/users'].put.responses['201']);
  const examples = deref(spec, response.content['application/json'].examples);
  const example = deref(spec, examples.Organization ?? Object.values(examples)[0]);
  if (!example?.value) throw new Error('dist/openapi.json: no Organization example on PUT users 201');
  return JSON.stringify(example.value);
}

/** Captures one answer of `url` to `request`, to be replayed byte for byte by a bare server. */
export function capture(url: string, request: Request): Promise<CannedAnswer> {
  // A connection of its own (no keep-alive pool), so that the server can stop at once later.
  return new Promise((resolve, reject) => {
    const headers = {
      ...request.headers,
      ...(request.body !== undefined && { 'content-length': String(Buffer.byteLength(request.body)) }),
    };
    const req = httpRequest(url + request.path, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(res.headers)) {
          if (
            value !== undefined &&
            !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(key)
          )
            headers[key] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('base64') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

export function ratio(results: LoadResult[], subject: string, baseline: string): number {
  const of = (name: string) => results.find((r) => r.name === name)!.reqPerSec.median;
  return of(subject) / of(baseline);
}

export async function withServers<T>(
  starting: Array<Promise<ServerProcess>>,
  body: (servers: ServerProcess[]) => Promise<T>,
): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const servers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await body(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function measureClientOverhead(
  config: BenchConfig,
  log: (l: string) => void,
): Promise<BenchResults['clientOverhead']> {
  log('client overhead: our client vs raw fetch, sequential PUT users against a bare server');
  const body = Buffer.from(contractOrganizationBytes()).toString('base64');
  const answer: CannedAnswer = { status: 201, headers: { 'content-type': 'application/json' }, body };
  return withServers(
    [startServerProcess('bare', { kind: 'bare', answers: { PUT: answer } }, { pin: config.pin })],
    async ([bare]) => {
      const token = 'bench-token';
      const client = createOrgMembershipClient({ cloudController: { baseUrl: bare!.url, token } });
      const target = { org: orgGuid, role: 'users' as const, username: fixtures.usernames.user };
      const viaClient = async () => {
        const org = await client.roles.associate(target);
        if (!org.metadata) throw new Error('client: no organization in the answer');
      };
      const plain = createClient<paths>({ baseUrl: bare!.url, headers: { authorization: `bearer ${token}` } });
      const viaOpenapiFetch = async () => {
        const { data, response } = await plain.PUT('/v2/organizations/{guid}/users', {
          params: { path: { guid: target.org } },
          body: { username: target.username },
        });
        if (response.status !== 201 || !data?.metadata) throw new Error(`openapi-fetch: status ${response.status}`);
      };
      const viaFetch = async (signal?: AbortSignal) => {
        const response = await fetch(`${bare!.url}/v2/organizations/${target.org}/${target.role}`, {
          method: 'PUT',
          headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ username: target.username }),
          ...(signal && { signal }),
        });
        if (response.status !== 201) throw new Error(`fetch: status ${response.status}`);
        const org = (await response.json()) as { metadata?: unknown };
        if (!org.metadata) throw new Error('fetch: no organization in the answer');
      };
      const viaFetchWithTimeout = () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        return viaFetch(controller.signal).finally(() => clearTimeout(timer));
      };
      const subjects = [
        { name: 'client', call: viaClient, samples: [] as number[], roundMedians: [] as number[] },
        { name: 'openapi-fetch', call: viaOpenapiFetch, samples: [] as number[], roundMedians: [] as number[] },
        {
          name: 'fetch with timeout',
          call: viaFetchWithTimeout,
          samples: [] as number[],
          roundMedians: [] as number[],
        },
        { name: 'fetch', call: () => viaFetch(), samples: [] as number[], roundMedians: [] as number[] },
      ];
      // Warm-up: JIT and the connection pool, for both.
      for (const s of subjects) for (let i = 0; i < Math.min(500, config.clientRequests); i++) await s.call();
      for (let round = 0; round < config.rounds; round++) {
        for (const s of rotate(subjects, round)) {
          const times: number[] = [];
          for (let i = 0; i < config.clientRequests; i++) {
            const started = performance.now();
            await s.call();
            times.push((performance.now() - started) * 1000);
          }
          s.samples.push(...times);
          s.roundMedians.push(median(times));
        }
      }
      const [c, o, t, f] = subjects as [
        (typeof subjects)[0],
        (typeof subjects)[0],
        (typeof subjects)[0],
        (typeof subjects)[0],
      ];
      return {
        operation: 'PUT /v2/organizations/{guid}/users (roles.associate vs fetch + JSON.parse)',
        requestsPerSubject: c.samples.length,
        clientMedianUs: spread(c.roundMedians),
        openapiFetchMedianUs: spread(o.roundMedians),
        fetchWithTimeoutMedianUs: spread(t.roundMedians),
        fetchMedianUs: spread(f.roundMedians),
        openapiFetchRatio: median(o.samples) / median(f.samples),
        ratio: median(c.samples) / median(f.samples),
        ratioPerRound: spread(c.roundMedians.map((m, i) => m / f.roundMedians[i]!)),
      };
    },
  );
}

async function measureClientSize(log: (l: string) => void): Promise<BenchResults['clientSize']> {
  log('client size: esbuild bundles, minified, gzip -9');
  // The client package's own size script, so that there is one way to measure it.
  const clientDir = dirname(createRequire(import.meta.url).resolve('@org-membership-api/client/package.json'));
  const { measureSize } = (await import(
    pathToFileURL(join(clientDir, 'scripts/measure-size.mjs')).href
  )) as typeof import('../../client/scripts/measure-size.mjs');
  const sizes = await measureSize();
  return {
    clientGzipped: sizes.client.gzipped,
    clientMinified: sizes.client.minified,
    openapiFetchGzipped: sizes.openapiFetch.gzipped,
    openapiFetchCreateClientGzipped: sizes.openapiFetchCreateClient.gzipped,
    ownCodeGzipped: sizes.ownCode.gzipped,
    addedGzipped: sizes.addedGzipped,
  };
}

// Upper-case scheme: the Prism CLI rejects lower-case `bearer` (upstream issue 2722).
const mockRequest: Request = {
  method: 'PUT',
  path: rolePath('users'),
  headers: { authorization: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig', 'content-type': 'application/json' },
  body: '{"username":"user@example.com"}',
};

async function measureMock(config: BenchConfig, log: (l: string) => void): Promise<BenchResults['mock']> {
  log('mock: embedded mock vs prism mock CLI vs bare node:http');
  const prismCli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  const prismPort = await freePort();
  const probe = async (url: string) => {
    const answer = await capture(url, mockRequest);
    if (answer.status !== 201) throw new Error(`status ${answer.status}`);
  };
  // Start-up, one process at a time and alternating, so neither waits on the other's CPU.
  const startups: { mock: number[]; prismCli: number[] } = { mock: [], prismCli: [] };
  for (let round = 0; round < config.rounds; round += 1) {
    for (const which of rotate(['mock', 'prismCli'] as const, round)) {
      const port = await freePort();
      const command =
        which === 'mock'
          ? [process.execPath, '--import', 'tsx', join(repoRoot, 'packages/mock/src/cli.ts'), '--port', String(port)]
          : [
              process.execPath,
              prismCli,
              'mock',
              '-h',
              '127.0.0.1',
              '-p',
              String(port),
              join(repoRoot, 'dist/openapi.json'),
            ];
      const started = await startCommand(which, command, port, probe, { pin: config.pin });
      startups[which].push(started.startupMs);
      await started.stop();
    }
  }
  return withServers(
    [
      startServerProcess('mock (embedded Prism)', { kind: 'mock' }, { pin: config.pin }),
      startCommand(
        'prism mock CLI 5.14.2',
        [
          process.execPath,
          prismCli,
          'mock',
          '-h',
          '127.0.0.1',
          '-p',
          String(prismPort),
          join(repoRoot, 'dist/openapi.json'),
        ],
        prismPort,
        probe,
        { pin: config.pin },
      ),
    ],
    async ([mock, prism]) => {
      const answer = await capture(mock!.url, mockRequest);
      if (answer.status !== 201) throw new Error(`the mock answered ${answer.status} to the benchmark request`);
      return withServers(
        [startServerProcess('bare', { kind: 'bare', answers: { PUT: answer } }, { pin: config.pin })],
        async ([bare]) => {
          const results = await compareLoad(
            [
              { name: 'mock', role: 'subject', url: mock!.url, request: mockRequest, expectedStatus: 201 },
              { name: 'prism mock CLI', role: 'baseline', url: prism!.url, request: mockRequest, expectedStatus: 201 },
              { name: 'bare node:http', role: 'baseline', url: bare!.url, request: mockRequest, expectedStatus: 201 },
            ],
            {
              connections: config.connections,
              seconds: config.loadSeconds,
              warmupSeconds: config.warmupSeconds,
              rounds: config.rounds,
              amount: config.loadRequests,
            },
          );
          return {
            operation: 'PUT /v2/organizations/{guid}/users (static example)',
            connections: config.connections,
            results,
            ratioToBare: ratio(results, 'mock', 'bare node:http'),
            ratioToPrismCli: ratio(results, 'mock', 'prism mock CLI'),
            startupMs: { mock: spread(startups.mock), prismCli: spread(startups.prismCli) },
          };
        },
      );
    },
  );
}

export async function referenceRequests() {
  const jwtSecret = `bench-${process.pid}-${Date.now()}`;
  const token = await mintToken({
    secret: jwtSecret,
    scopes: ['cloud_controller.admin'],
    userId: fixtures.adminUserId,
    expiresInSeconds: 3600,
  });
  const request = (method: 'PUT' | 'DELETE'): Request => ({
    method,
    path: rolePath('auditors'),
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username: fixtures.usernames.user }),
  });
  return { jwtSecret, put: request('PUT'), delete: request('DELETE') };
}

async function measureServer(config: BenchConfig, log: (l: string) => void): Promise<BenchResults['server']> {
  log('reference server: PUT and DELETE vs bare node:http');
  const requests = await referenceRequests();
  const throughput = await withServers(
    [startServerProcess('reference server', { kind: 'reference', jwtSecret: requests.jwtSecret }, { pin: config.pin })],
    async ([server]) => {
      const put = await capture(server!.url, requests.put);
      const del = await capture(server!.url, requests.delete);
      if (put.status !== 201 || del.status !== 204)
        throw new Error(`the reference server answered PUT ${put.status}, DELETE ${del.status} (expected 201, 204)`);
      return withServers(
        [startServerProcess('bare', { kind: 'bare', answers: { PUT: put, DELETE: del } }, { pin: config.pin })],
        async ([bare]) => {
          const options = {
            connections: config.connections,
            seconds: config.loadSeconds,
            warmupSeconds: config.warmupSeconds,
            rounds: config.rounds,
            amount: config.loadRequests,
          };
          const subjects = (request: Request, expectedStatus: number) => [
            { name: 'reference server', role: 'subject' as const, url: server!.url, request, expectedStatus },
            { name: 'bare node:http', role: 'baseline' as const, url: bare!.url, request, expectedStatus },
          ];
          const putResults = await compareLoad(subjects(requests.put, 201), options);
          const deleteResults = await compareLoad(subjects(requests.delete, 204), options);
          return {
            put: {
              operation: 'PUT /v2/organizations/{guid}/auditors (201)',
              results: putResults,
              ratioToBare: ratio(putResults, 'reference server', 'bare node:http'),
            },
            delete: {
              operation: 'DELETE /v2/organizations/{guid}/auditors (204)',
              results: deleteResults,
              ratioToBare: ratio(deleteResults, 'reference server', 'bare node:http'),
            },
          };
        },
      );
    },
  );

  // Overload: a rate limit at half the measured PUT rate, so that the limiter is exercised.
  const measuredRate = throughput.put.results.find((r) => r.name === 'reference server')!.reqPerSec.median;
  const rateLimit = { requests: Math.max(50, Math.round(measuredRate / 2)), windowMs: 1000 };
  const connections = config.connections * config.overloadFactor;
  log(
    `reference server: ${connections} connections for ${config.overloadSeconds} s, rate limit ${rateLimit.requests}/s, sampling RSS`,
  );
  const overload = await withServers(
    [
      startServerProcess(
        'reference server',
        { kind: 'reference', jwtSecret: requests.jwtSecret, cloudControllerRateLimit: rateLimit },
        { pin: config.pin },
      ),
    ],
    async ([server]) => {
      const started = performance.now();
      const samples: Array<[number, number]> = [];
      const sample = () => {
        const rss = server!.rss();
        if (rss !== undefined)
          samples.push([Math.round(performance.now() - started) / 1000, Math.round((rss / 2 ** 20) * 10) / 10]);
      };
      sample();
      const timer = setInterval(sample, 500);
      const result = await runLoad(server!.url, requests.put, connections, config.overloadSeconds, {
        requests: [requests.put, requests.delete],
      }).finally(() => clearInterval(timer));
      sample();
      const statusCodes = Object.fromEntries(
        Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
      );
      const unexpected = Object.entries(statusCodes).reduce(
        (sum, [code, count]) => sum + (['201', '204', '429'].includes(code) ? 0 : count),
        0,
      );
      const rss = samples.map(([, mib]) => mib);
      // Start-up and warm-up grow the heap at first: compare thirds of the rest of the run.
      const steady = samples.filter(([t]) => t >= Math.min(5, config.overloadSeconds / 3));
      const third = Math.max(1, Math.floor(steady.length / 3));
      const firstThird = median(steady.slice(0, third).map(([, m]) => m));
      const lastThird = median(steady.slice(-third).map(([, m]) => m));
      return {
        connections,
        seconds: config.overloadSeconds,
        rateLimit,
        requests: result.requests.total,
        reqPerSec: Math.round(result.requests.total / result.duration),
        statusCodes,
        errors: result.errors,
        timeouts: result.timeouts,
        unexpected,
        rssMiB: {
          first: rss[0] ?? 0,
          last: rss.at(-1) ?? 0,
          min: Math.min(...rss),
          max: Math.max(...rss),
          slopeMiBPerMin: Math.round(slope(steady.map(([x, y]) => ({ x, y }))) * 60 * 10) / 10,
          samples,
        },
        rssGrowth: lastThird / firstThird - 1,
      };
    },
  );
  return { connections: config.connections, ...throughput, overload };
}

const pipelineOutputs = [
  'dist/openapi.json',
  'dist/openapi.yaml',
  'dist/docs/index.html',
  'packages/types/src/openapi.d.ts',
];
const outputsHash = () =>
  pipelineOutputs
    .map((p) =>
      existsSync(join(repoRoot, p))
        ? createHash('sha256')
            .update(readFileSync(join(repoRoot, p)))
            .digest('hex')
        : 'missing',
    )
    .join(',');

async function measurePipeline(
  config: BenchConfig,
  log: (l: string) => void,
): Promise<NonNullable<BenchResults['pipeline']>> {
  log('contract pipeline: lint, bundle, generate, docs, each and together; contract checks against the mock');
  const pnpm = process.env['npm_execpath']?.includes('pnpm')
    ? [process.execPath, process.env['npm_execpath']]
    : ['pnpm'];
  const before = outputsHash();
  const steps = { lint: ['lint'], bundle: ['bundle'], generate: ['generate'], docs: ['run', 'docs'] } as const;
  const times: Record<string, number[]> = { lint: [], bundle: [], generate: [], docs: [], together: [], contract: [] };
  let counts = { passed: 0, failed: 0, skipped: 0 };
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-contract-'));
  try {
    for (let round = 0; round < config.pipelineRounds; round++) {
      for (const [name, args] of Object.entries(steps))
        times[name]!.push((await timeCommand([...pnpm, ...args], repoRoot)).ms);
      times['together']!.push((await timeCommand([...pnpm, 'check'], repoRoot)).ms);
      const contract = await timeCommand(
        [...pnpm, '--filter', '@org-membership-api/contract', 'run', 'contract:mock', '--report-dir', reportDir],
        repoRoot,
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
  const stepSpreads = { lint: ms('lint'), bundle: ms('bundle'), generate: ms('generate'), docs: ms('docs') };
  return {
    steps: stepSpreads,
    sumOfSteps: Object.values(stepSpreads).reduce((sum, s) => sum + s.median, 0),
    together: ms('together'),
    outputsUnchanged: outputsHash() === before,
    contractCheck: { ms: ms('contract'), ...counts },
  };
}

/** The mock and the slower reference server operation, slowest relative to bare first. */
function profileTargets(results: Pick<BenchResults, 'mock' | 'server'>): string[] {
  const server =
    results.server.put.ratioToBare <= results.server.delete.ratioToBare
      ? { target: 'reference server (PUT)', ratio: results.server.put.ratioToBare }
      : { target: 'reference server (DELETE)', ratio: results.server.delete.ratioToBare };
  return [{ target: 'mock', ratio: results.mock.ratioToBare }, server]
    .sort((a, b) => a.ratio - b.ratio)
    .map((c) => c.target);
}

/** CPU profile of one of our servers under the same load as its measured runs, summarised by self time. */
async function profileServer(config: BenchConfig, slowest: string, log: (l: string) => void): Promise<ProfileSummary> {
  log(`profile: ${slowest} under ${config.connections} connections for ${config.profileSeconds} s (V8 CPU profiler)`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  try {
    let request: Request;
    let server: ServerProcess;
    if (slowest === 'mock') {
      server = await startServerProcess('mock', { kind: 'mock' }, { pin: config.pin, ipc: true });
      request = mockRequest;
    } else {
      const requests = await referenceRequests();
      server = await startServerProcess(
        'reference server',
        { kind: 'reference', jwtSecret: requests.jwtSecret },
        { pin: config.pin, ipc: true },
      );
      request = slowest.includes('DELETE') ? requests.delete : requests.put;
    }
    const path = join(dir, 'server.cpuprofile');
    try {
      // The same warm-up as the measured runs; start-up and warm-up stay out of the profile.
      if (config.warmupSeconds > 0) await runLoad(server.url, request, config.connections, config.warmupSeconds);
      await server.ask({ type: 'profile-start' }, 'profile-started');
      const load = await runLoad(server.url, request, config.connections, config.profileSeconds, {
        amount: config.loadRequests,
      });
      await server.ask({ type: 'profile-stop', path }, 'profile-written');
      log(`profile: ${Math.round(load.requests.total / load.duration)} req/s while profiling`);
    } finally {
      await server.stop();
    }
    return summariseProfile(slowest, JSON.parse(readFileSync(path, 'utf8')), config.profileSeconds);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function goals(r: Omit<BenchResults, 'goals' | 'meta'>): Goal[] {
  const loadRuns = [
    ...r.mock.results,
    ...r.server.put.results,
    ...r.server.delete.results,
    ...r.postgres.put.results,
    ...r.postgres.delete.results,
  ];
  const wrong = loadRuns.reduce((sum, x) => sum + x.unexpected + x.errors, 0) + r.postgres.instances.unexpected;
  const list: Goal[] = [
    {
      name: 'throughput runs: every answer has the expected status, no socket errors',
      goal: '0 other',
      value: String(wrong),
      met: wrong === 0,
    },
    {
      name: 'client overhead (median client / median fetch)',
      goal: '≤ 1.10',
      value: r.clientOverhead.ratio.toFixed(3),
      met: r.clientOverhead.ratio <= 1.1,
    },
    {
      name: 'client size: our code over openapi-fetch (gzip)',
      goal: '< 2048 B',
      value: `${r.clientSize.addedGzipped} B`,
      met: r.clientSize.addedGzipped < 2048,
    },
    {
      name: 'reference server PUT / bare node:http',
      goal: '≥ 0.5',
      value: r.server.put.ratioToBare.toFixed(2),
      met: r.server.put.ratioToBare >= 0.5,
    },
    {
      name: 'reference server DELETE / bare node:http',
      goal: '≥ 0.5',
      value: r.server.delete.ratioToBare.toFixed(2),
      met: r.server.delete.ratioToBare >= 0.5,
    },
    {
      name: `overload (${r.server.overload.connections} connections, ${r.server.overload.seconds} s): errors other than 429`,
      goal: '0',
      value: String(r.server.overload.errors + r.server.overload.timeouts + r.server.overload.unexpected),
      met: r.server.overload.errors + r.server.overload.timeouts + r.server.overload.unexpected === 0,
    },
    {
      name: 'overload: RSS growth, last third over first third',
      goal: '< 10 %',
      value: `${(r.server.overload.rssGrowth * 100).toFixed(1)} %`,
      met: r.server.overload.rssGrowth < 0.1,
    },
  ];
  if (r.pipeline) {
    list.push({
      name: 'contract pipeline together (pnpm check)',
      goal: '< 3000 ms',
      value: `${r.pipeline.together.median} ms`,
      met: r.pipeline.together.median < 3000,
    });
    list.push({
      name: 'contract checks against the mock',
      goal: '0 failed',
      value: `${r.pipeline.contractCheck.passed} passed, ${r.pipeline.contractCheck.failed} failed`,
      met: r.pipeline.contractCheck.failed === 0,
    });
  }
  return list;
}

export async function runBenchmarks(config: BenchConfig): Promise<BenchResults> {
  const log = config.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const loadAverageBefore = loadavg()[0]!;
  const pinned = config.pin && pinLoadGenerator();
  const placementText = pinned
    ? `load generator (this process, autocannon and the client loop) pinned to CPU ${placement.loadGeneratorCpu}, every server under test to CPU ${placement.serverCpu} (taskset)`
    : 'not pinned: load generator and servers share the cores';
  const clientOverhead = await measureClientOverhead({ ...config, pin: pinned }, log);
  const clientSize = await measureClientSize(log);
  const mock = await measureMock({ ...config, pin: pinned }, log);
  const server = await measureServer({ ...config, pin: pinned }, log);
  const postgres = await measurePostgres({ ...config, pin: pinned }, log);
  const pipeline = config.pipelineRounds > 0 ? await measurePipeline(config, log) : undefined;
  const profiles: ProfileSummary[] = [];
  if (config.profileSeconds > 0)
    for (const target of profileTargets({ mock, server }))
      profiles.push(await profileServer({ ...config, pin: pinned }, target, log));
  const measured = {
    clientOverhead,
    clientSize,
    mock,
    server,
    postgres,
    ...(pipeline && { pipeline }),
    ...(profiles.length > 0 && { profiles }),
  };
  const { log: _log, outDir: _outDir, ...settings } = config;
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      mode: config.mode,
      durationSeconds: Math.round((performance.now() - started) / 1000),
      cores: placement.cores,
      pinned,
      placement: placementText,
      loadAverageBefore,
      loadAverageAfter: loadavg()[0]!,
      config: settings,
    },
    ...measured,
    goals: goals(measured),
  };
  await mkdir(config.outDir, { recursive: true });
  await writeFile(join(config.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeReport(results, config.outDir);
  return results;
}
