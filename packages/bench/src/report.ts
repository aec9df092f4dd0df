import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throughputChart } from './chart.js';
import type { LoadResult } from './load.js';
import { postgresSection } from './postgres.js';
import type { BenchResults } from './results.js';
import type { Spread } from './stats.js';

export const chartFile = 'throughput.svg';

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const s = (x: Spread, digits = 0) => `${n(x.median, digits)} (${n(x.min, digits)}–${n(x.max, digits)})`;

function loadTable(results: LoadResult[], ratioTo: string): string[] {
  const base = results.find((r) => r.name === ratioTo)!.reqPerSec.median;
  return [
    '| server | req/s median (min–max) | p50 ms* | p99 ms* | ratio to bare | requests | errors | unexpected status |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.role === 'subject' ? `**${r.name}**` : r.name} | ${s(r.reqPerSec)} | ${s(r.p50Ms)} | ${s(r.p99Ms)} | ${(r.reqPerSec.median / base).toFixed(2)} | ${n(r.requests)} | ${r.errors} | ${r.unexpected} |`,
    ),
    '',
    '\\* autocannon records latency in whole milliseconds.',
  ];
}

const runtimeOwners = new Set(['node (built-in modules)', '(garbage collector)', '(program)']);
const nativeOwner = 'native code (C++ bindings, V8 builtins)';
// What the usual native functions are, for the reader of the report.
const nativeMeaning: Record<string, string> = {
  writev: 'socket write of the answer',
  run: 'better-sqlite3 statement',
  all: 'better-sqlite3 statement',
  get: 'better-sqlite3 statement',
};

/** One paragraph on where the busy time goes, from the profile's owners and functions. */
export function profileAnalysis(f: NonNullable<BenchResults['profiles']>[number]): string {
  const sum = (pick: (owner: string) => boolean) =>
    Math.round(f.byOwner.filter((o) => pick(o.owner)).reduce((acc, o) => acc + o.percent, 0) * 10) / 10;
  const isDependency = (o: string) =>
    !runtimeOwners.has(o) && o !== nativeOwner && !o.startsWith('@org-membership-api/');
  const natives = f.topFunctions.filter((x) => x.location.startsWith('native')).slice(0, 3);
  const dependencies = f.byOwner.filter((o) => isDependency(o.owner)).slice(0, 4);
  const top = f.topFunctions[0];
  return [
    `Busy time: ${sum((o) => o === nativeOwner)} % in native code${natives.length ? ` (${natives.map((x) => `\`${x.function}\`${nativeMeaning[x.function] ? ` = ${nativeMeaning[x.function]}` : ''} ${x.percent} %, ${x.location.replace('native, ', '')}`).join('; ')})` : ''},`,
    `${sum((o) => runtimeOwners.has(o))} % in Node's own JavaScript and garbage collection,`,
    `${sum(isDependency)} % in dependencies${dependencies.length ? ` (${dependencies.map((o) => `${o.owner} ${o.percent} %`).join(', ')})` : ''},`,
    `and ${sum((o) => o.startsWith('@org-membership-api/'))} % in our own code.`,
    top
      ? `The most expensive single function is \`${top.function}\` (${top.location || 'runtime'}, ${top.percent} %).`
      : '',
  ].join(' ');
}

export async function writeReport(r: BenchResults, outDir: string): Promise<void> {
  const bars = (results: LoadResult[]) => {
    const bare = results.find((x) => x.name === 'bare node:http')!.reqPerSec.median;
    return results.map((x) => ({
      label: x.name,
      value: x.reqPerSec.median,
      min: x.reqPerSec.min,
      max: x.reqPerSec.max,
      ours: x.role === 'subject',
      ...(x.name !== 'bare node:http' && { note: `${(x.reqPerSec.median / bare).toFixed(2)} of bare` }),
    }));
  };
  const svg = throughputChart(
    [
      { title: `Mock: ${r.mock.operation}`, bars: bars(r.mock.results) },
      { title: `Reference server: ${r.server.put.operation}`, bars: bars(r.server.put.results) },
      { title: `Reference server: ${r.server.delete.operation}`, bars: bars(r.server.delete.results) },
    ],
    `Throughput at ${r.mock.connections} connections (median of ${r.meta.config.rounds} runs, whiskers: min–max)`,
  );
  await writeFile(join(outDir, chartFile), svg);

  const c = r.clientOverhead;
  const z = r.clientSize;
  const o = r.server.overload;
  const lines = [
    '# Benchmarks',
    '',
    `Produced by \`pnpm bench${r.meta.mode === 'full' ? '' : ` --${r.meta.mode}`}\` on ${r.meta.date} (Node ${r.meta.node}, ${r.meta.cores} cores, ${r.meta.durationSeconds} s; 1-minute load average ${n(r.meta.loadAverageBefore, 2)} before, ${n(r.meta.loadAverageAfter, 2)} after).`,
    `Every figure is the median of ${r.meta.config.rounds} runs with the lowest and highest in brackets; subject and baseline run in the same invocation, alternating round by round.`,
    `Load: autocannon 8.0.0 on 127.0.0.1, ${r.meta.config.loadSeconds} s per run after ${r.meta.config.warmupSeconds} s of warm-up per server. Placement: ${r.meta.placement}. Servers run in their own processes.`,
    '',
    '## Goals',
    '',
    '| measure | goal | result | met |',
    '|---|---|---:|:---:|',
    ...r.goals.map((g) => `| ${g.name} | ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**no**'} |`),
    '',
    '## Throughput',
    '',
    `![Throughput comparison](${chartFile})`,
    '',
    '## 1. Client overhead',
    '',
    `${c.operation}: ${n(c.requestsPerSubject)} sequential requests each through \`@org-membership-api/client\` and through raw \`fetch\`, against a bare node:http server answering the contract's \`Organization\` example.`,
    '',
    '| | median µs per request (min–max of round medians) |',
    '|---|---:|',
    `| client | ${s(c.clientMedianUs)} |`,
    `| openapi-fetch alone, default \`Request\` objects (for reference) | ${s(c.openapiFetchMedianUs)} |`,
    `| raw fetch with a timeout signal (for reference) | ${s(c.fetchWithTimeoutMedianUs)} |`,
    `| raw fetch | ${s(c.fetchMedianUs)} |`,
    '',
    `Ratio of medians, client / raw fetch: **${c.ratio.toFixed(3)}** (per round ${s(c.ratioPerRound, 3)}); openapi-fetch alone / raw fetch: ${c.openapiFetchRatio.toFixed(3)}; client / openapi-fetch alone: **${c.ratioToOpenapiFetch.toFixed(3)}**.`,
    '',
    `Of the client's extra ${n(c.clientMedianUs.median - c.fetchMedianUs.median)} µs per request (round medians), ${n(c.fetchWithTimeoutMedianUs.median - c.fetchMedianUs.median)} µs is what an abort signal on a timer costs \`fetch\` itself (the client gives every attempt one, so that a hung server or a stalled body ends in a \`TimeoutError\`), and ${n(c.clientMedianUs.median - c.fetchWithTimeoutMedianUs.median)} µs are openapi-fetch's URL, header and body handling plus the client's transport (token, retry loop). openapi-fetch alone costs ${n(c.openapiFetchMedianUs.median - c.fetchMedianUs.median)} µs over fetch; the client runs on openapi-fetch's own path (its transport is openapi-fetch's \`fetch\` option) and costs ${c.ratioToOpenapiFetch.toFixed(3)}× openapi-fetch alone.`,
    '',
    '## 2. Client size',
    '',
    "esbuild bundle, minified, ESM for browsers, gzip -9 (the client package's own `scripts/measure-size.mjs`).",
    '',
    '| bundle | gzip bytes |',
    '|---|---:|',
    `| openapi-fetch, every export | ${n(z.openapiFetchGzipped)} |`,
    `| openapi-fetch, createClient only | ${n(z.openapiFetchCreateClientGzipped)} |`,
    `| @org-membership-api/client (with openapi-fetch) | ${n(z.clientGzipped)} (${n(z.clientMinified)} minified) |`,
    `| its own code alone (openapi-fetch external) | ${n(z.ownCodeGzipped)} |`,
    '',
    `Our code adds **${n(z.addedGzipped)} B** gzipped over openapi-fetch.`,
    '',
    '## 3. Mock',
    '',
    `${r.mock.operation}, ${r.mock.connections} connections. The bare server answers the mock's exact bytes (status, headers, body).`,
    '',
    ...loadTable(r.mock.results, 'bare node:http'),
    '',
    `Mock / bare: **${r.mock.ratioToBare.toFixed(2)}**; mock / prism CLI: **${r.mock.ratioToPrismCli.toFixed(1)}×**.`,
    '',
    `Start-up to the first answered request (each CLI alone, median of ${r.mock.startupMs.mock.runs}, min–max): mock **${r.mock.startupMs.mock.median} ms** (${r.mock.startupMs.mock.min}–${r.mock.startupMs.mock.max}), \`prism mock\` CLI ${r.mock.startupMs.prismCli.median} ms (${r.mock.startupMs.prismCli.min}–${r.mock.startupMs.prismCli.max}).`,
    '',
    '## 4. Reference server',
    '',
    `${r.server.connections} connections, admin token, SQLite file database. The bare server answers the reference server's exact bytes.`,
    '',
    ...[r.server.put, r.server.delete].flatMap((op) => [
      `### ${op.operation}`,
      '',
      ...loadTable(op.results, 'bare node:http'),
      '',
      `Ratio to bare: **${op.ratioToBare.toFixed(2)}**.`,
      '',
    ]),
    `### Overload: ${o.connections} connections (${r.meta.config.overloadFactor}× the load above) for ${o.seconds} s`,
    '',
    `PUT and DELETE alternating on every connection; Cloud Controller rate limit set to ${o.rateLimit.requests} requests per ${o.rateLimit.windowMs} ms per token, so that it is exercised.`,
    '',
    `- ${n(o.requests)} requests (${n(o.reqPerSec)} req/s); status codes: ${Object.entries(o.statusCodes)
      .map(([code, count]) => `${code} × ${n(count)}`)
      .join(', ')}.`,
    `- Socket errors: ${o.errors}; timeouts: ${o.timeouts}; answers other than 201/204/429: ${o.unexpected}.`,
    `- RSS (sampled every 0.5 s from /proc): ${n(o.rssMiB.first, 1)} MiB at start, ${n(o.rssMiB.min, 1)}–${n(o.rssMiB.max, 1)} MiB during, ${n(o.rssMiB.last, 1)} MiB at the end; last third vs first third ${(o.rssGrowth * 100).toFixed(1)} %; trend ${n(o.rssMiB.slopeMiBPerMin, 1)} MiB/min.`,
    '',
    ...postgresSection(r.postgres, loadTable),
  ];
  if (r.pipeline) {
    const p = r.pipeline;
    lines.push(
      '## 5. Contract pipeline',
      '',
      `Wall time of each command, as a user runs it (each includes pnpm's own start-up), ${r.meta.config.pipelineRounds} runs.`,
      '',
      '| command | ms median (min–max) |',
      '|---|---:|',
      `| \`pnpm lint\` | ${s(p.steps.lint)} |`,
      `| \`pnpm bundle\` | ${s(p.steps.bundle)} |`,
      `| \`pnpm generate\` | ${s(p.steps.generate)} |`,
      `| \`pnpm run docs\` | ${s(p.steps.docs)} |`,
      `| sum of the four | ${n(p.sumOfSteps)} |`,
      `| \`pnpm check\` (all four together) | **${s(p.together)}** |`,
      `| \`pnpm --filter @org-membership-api/contract run contract:mock\` (starts the mock, every check) | ${s(p.contractCheck.ms)} |`,
      '',
      `Contract checks against the mock: ${p.contractCheck.passed} passed, ${p.contractCheck.failed} failed, ${p.contractCheck.skipped} skipped. Generated files ${p.outputsUnchanged ? 'unchanged by the runs (the pipeline is deterministic)' : '**changed** during the runs'}.`,
      '',
    );
  }
  for (const [i, f] of (r.profiles ?? []).entries()) {
    lines.push(
      `## Where the time goes: ${f.target}`,
      '',
      `${i === 0 ? 'The slowest of our servers relative to its bare baseline' : 'The other server'}, profiled with V8's CPU profiler (the same sampler as \`node --cpu-prof\`, started through \`node:inspector\` after the warm-up, so start-up is left out) under the same load (${r.meta.config.connections} connections, ${f.seconds} s; ${n(f.busyMs)} ms busy, ${n(f.idleMs)} ms idle). Self time by owner:`,
      '',
      '| owner | self ms | % of busy |',
      '|---|---:|---:|',
      ...f.byOwner.map((x) => `| ${x.owner} | ${n(x.selfMs)} | ${x.percent} |`),
      '',
      'Top functions by self time:',
      '',
      '| function | where | self ms | % of busy |',
      '|---|---|---:|---:|',
      ...f.topFunctions.map((x) => `| \`${x.function}\` | ${x.location} | ${n(x.selfMs)} | ${x.percent} |`),
      '',
      profileAnalysis(f),
      '',
    );
  }
  await writeFile(join(outDir, 'RESULTS.md'), lines.join('\n'));
}
