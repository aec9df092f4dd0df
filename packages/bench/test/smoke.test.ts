import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerOf, summariseProfile } from '../src/profile.js';
import { runBenchmarks, type BenchResults } from '../src/run.js';
import { median, rotate, slope, spread } from '../src/stats.js';

describe('statistics', () => {
  it('takes the median, min and max of the runs', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([9, 2, 4])).toEqual({ median: 4, min: 2, max: 9, runs: 3 });
    expect(() => median([])).toThrow();
  });

  it('rotates the order from round to round and fits a slope', () => {
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c']);
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
  });
});

describe('profile summary', () => {
  it('attributes self time to functions and owners, leaving idle time out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const summary = summariseProfile(
      'x',
      {
        nodes: [
          { id: 1, callFrame: frame('(idle)', '') },
          {
            id: 2,
            callFrame: frame(
              'route',
              'file:///r/node_modules/.pnpm/@stoplight+prism-http@5.12.0/node_modules/@stoplight/prism-http/dist/router/index.js',
            ),
          },
          { id: 3, callFrame: frame('answer', 'file:///r/packages/mock/src/server.ts') },
        ],
        samples: [1, 2, 2, 3],
        timeDeltas: [5000, 3000, 3000, 2000],
      },
      1,
    );
    expect(summary.idleMs).toBe(5);
    expect(summary.busyMs).toBe(8);
    expect(summary.topFunctions[0]).toMatchObject({ function: 'route', selfMs: 6, percent: 75 });
    expect(summary.byOwner.map((o) => o.owner)).toEqual(['@stoplight/prism-http', '@org-membership-api/mock']);
    expect(ownerOf('node:internal/http', 'x')).toBe('node (built-in modules)');
    expect(ownerOf('', 'writev')).toMatch(/^native/);
  });
});

// A tiny run of the whole harness (without the contract pipeline, which rewrites the
// generated files): every server starts, is loaded, compared and reported.
describe('pnpm bench, tiny run', () => {
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    results = await runBenchmarks({
      mode: 'smoke',
      rounds: 2,
      loadSeconds: 1,
      loadRequests: 150,
      warmupSeconds: 0,
      connections: 2,
      overloadFactor: 2,
      overloadSeconds: 1,
      clientRequests: 20,
      pipelineRounds: 0,
      profileSeconds: 1,
      pin: false,
      outDir,
      log: () => {},
    });
  }, 360_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('measures every server with the expected answers, each figure from every round', () => {
    const loads = [...results.mock.results, ...results.server.put.results, ...results.server.delete.results];
    expect(loads.map((r) => r.name)).toEqual([
      'mock',
      'prism mock CLI',
      'bare node:http',
      'reference server',
      'bare node:http',
      'reference server',
      'bare node:http',
    ]);
    for (const load of loads) {
      expect(load.reqPerSec.runs).toBe(2);
      expect(load.reqPerSec.median).toBeGreaterThan(0);
      expect(load.reqPerSec.min).toBeLessThanOrEqual(load.reqPerSec.median);
      expect(load.reqPerSec.max).toBeGreaterThanOrEqual(load.reqPerSec.median);
      expect(load.unexpected, `${load.name}: ${JSON.stringify(load.statusCodes)}`).toBe(0);
      expect(load.errors).toBe(0);
    }
    expect(Object.keys(results.server.put.results[0]!.statusCodes)).toEqual(['201']);
    expect(Object.keys(results.server.delete.results[0]!.statusCodes)).toEqual(['204']);
    for (const value of [
      results.mock.ratioToBare,
      results.server.put.ratioToBare,
      results.server.delete.ratioToBare,
      results.mock.ratioToPrismCli,
    ]) {
      expect(value).toBeGreaterThan(0);
      expect(Number.isFinite(value)).toBe(true);
    }
    for (const startup of [results.mock.startupMs.mock, results.mock.startupMs.prismCli]) {
      expect(startup.runs).toBeGreaterThan(0);
      expect(startup.min).toBeGreaterThan(0);
      expect(startup.max).toBeGreaterThanOrEqual(startup.median);
    }
  });

  it('measures the reference server on PostgreSQL beside SQLite and bare, and two instances on one database', () => {
    const p = results.postgres;
    for (const [op, status] of [
      [p.put, '201'],
      [p.delete, '204'],
    ] as const) {
      expect(op.results.map((r) => r.name)).toEqual([
        'reference server (PostgreSQL)',
        'reference server (SQLite)',
        'bare node:http',
      ]);
      for (const load of op.results) {
        expect(load.reqPerSec.runs).toBe(2);
        expect(load.reqPerSec.median).toBeGreaterThan(0);
        expect(Object.keys(load.statusCodes), load.name).toEqual([status]);
        expect(load.errors).toBe(0);
      }
      expect(op.ratioToBare).toBeGreaterThan(0);
      expect(op.ratioToSqlite).toBeGreaterThan(0);
    }
    expect(p.instances.oneReqPerSec.runs).toBe(2);
    expect(p.instances.twoReqPerSec.runs).toBe(2);
    expect(p.instances.twoReqPerSec.median).toBeGreaterThan(0);
    expect(Object.keys(p.instances.statusCodes).sort()).toEqual(['201', '204']);
    expect(p.instances.unexpected).toBe(0);
    expect(Number.isFinite(p.instances.ratio)).toBe(true);
  });

  it('compares the client with openapi-fetch alone and raw fetch, and measures its size', () => {
    const c = results.clientOverhead;
    expect(c.requestsPerSubject).toBe(40);
    expect(c.clientMedianUs.median).toBeGreaterThan(0);
    expect(c.fetchWithTimeoutMedianUs.median).toBeGreaterThan(0);
    expect(c.ratio).toBeGreaterThan(0.2);
    expect(c.ratio).toBeLessThan(20);
    expect(c.ratioToOpenapiFetch).toBeGreaterThan(0.2);
    expect(c.ratioToOpenapiFetch).toBeLessThan(20);
    expect(results.clientSize.clientGzipped).toBeGreaterThan(results.clientSize.openapiFetchCreateClientGzipped);
    expect(results.clientSize.addedGzipped).toBe(
      results.clientSize.clientGzipped - results.clientSize.openapiFetchCreateClientGzipped,
    );
  });

  it('overloads the reference server and samples its memory', () => {
    const o = results.server.overload;
    expect(o.connections).toBe(4);
    expect(o.requests).toBeGreaterThan(0);
    for (const code of Object.keys(o.statusCodes)) expect(['201', '204', '429']).toContain(code);
    expect(o.rssMiB.samples.length).toBeGreaterThanOrEqual(3);
    expect(o.rssMiB.min).toBeGreaterThan(10);
  });

  it('profiles the mock and the reference server', () => {
    expect(results.profiles?.map((p) => p.target.replace(/ \(.*/, '')).sort()).toEqual(['mock', 'reference server']);
    for (const profile of results.profiles!) {
      expect(profile.busyMs).toBeGreaterThan(0);
      expect(profile.topFunctions.length).toBeGreaterThan(3);
    }
  });

  it('writes the report, the JSON and the chart', () => {
    const report = readFileSync(join(outDir, 'RESULTS.md'), 'utf8');
    for (const heading of [
      '## Goals',
      '## 1. Client overhead',
      '## 2. Client size',
      '## 3. Mock',
      '## 4. Reference server',
      '## 4b. Reference server on PostgreSQL',
      '## Where the time goes',
    ])
      expect(report).toContain(heading);
    expect(report).toContain('![Throughput comparison](throughput.svg)');
    expect(report).not.toMatch(/NaN|undefined|Infinity/);
    expect(JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(results)));
    const svg = readFileSync(join(outDir, 'throughput.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect /g)?.length).toBe(1 + 7);
    expect(existsSync(join(outDir, 'results.json'))).toBe(true);
  });
});
