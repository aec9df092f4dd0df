// The reference server: PUT and DELETE against a bare node:http server, and an overload run.
import { fixtures, mintToken } from '@org-membership-api/reference-server';
import type { Request } from 'autocannon';
import type { BenchConfig } from './config.js';
import { capture, ratio, withServers } from './harness.js';
import { compareLoad, runLoad } from './load.js';
import { startServerProcess } from './processes.js';
import type { BenchResults } from './results.js';
import { median, slope } from './stats.js';

const rolePath = (role: string) => `/v2/organizations/${fixtures.organizations.name1766}/${role}`;

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

export async function measureServer(config: BenchConfig, log: (l: string) => void): Promise<BenchResults['server']> {
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
