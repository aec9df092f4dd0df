// `pnpm bench`: every measured subject in turn, then the goals, results.json and RESULTS.md.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'autocannon';
import { measureClientOverhead } from './client-overhead.js';
import { measureClientSize } from './client-size.js';
import type { BenchConfig } from './config.js';
import { runLoad } from './load.js';
import { measureMock, mockRequest } from './mock.js';
import { measurePipeline } from './pipeline.js';
import { pinLoadGenerator, placement, startServerProcess, type ServerProcess } from './processes.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import { measurePostgres } from './postgres.js';
import { measureServer, referenceRequests } from './reference-server.js';
import { writeReport } from './report.js';
import type { BenchResults, Goal } from './results.js';

export { modes, type BenchConfig } from './config.js';
export type { BenchResults, Goal } from './results.js';

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
      name: 'client overhead (median client / median openapi-fetch alone)',
      goal: '≤ 1.10',
      value: r.clientOverhead.ratioToOpenapiFetch.toFixed(3),
      met: r.clientOverhead.ratioToOpenapiFetch <= 1.1,
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
