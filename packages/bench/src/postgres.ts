// The reference server on PostgreSQL beside the same server on SQLite and bare node:http
// (PUT and DELETE), and two instances on one database against one instance. PostgreSQL is a
// throw-away cluster (Debian's binaries) started for the run, with fsync off like the
// tests' cluster: the figures measure the server and the protocol round trips, not the disk.
import { startPostgresCluster } from '@org-membership-api/reference-server/postgres-cluster';
import { fixtures } from '@org-membership-api/reference-server';
import type { Request } from 'autocannon';
import { compareLoad, runLoad, type LoadResult } from './load.js';
import { startServerProcess } from './processes.js';
import type { BenchConfig } from './config.js';
import { capture, ratio, withServers } from './harness.js';
import { referenceRequests } from './reference-server.js';
import { rotate, spread, type Spread } from './stats.js';

export interface PostgresResults {
  connections: number;
  put: { operation: string; results: LoadResult[]; ratioToBare: number; ratioToSqlite: number };
  delete: { operation: string; results: LoadResult[]; ratioToBare: number; ratioToSqlite: number };
  instances: {
    operation: string;
    connections: number;
    oneReqPerSec: Spread;
    twoReqPerSec: Spread;
    /** Two instances over one (median over median). */
    ratio: number;
    statusCodes: Record<string, number>;
    /** Answers other than 201 and 204, socket errors and timeouts. */
    unexpected: number;
  };
}

const SQLITE = 'reference server (SQLite)';
const POSTGRES = 'reference server (PostgreSQL)';
const BARE = 'bare node:http';

export async function measurePostgres(config: BenchConfig, log: (l: string) => void): Promise<PostgresResults> {
  log('reference server on PostgreSQL: PUT and DELETE vs SQLite vs bare node:http; two instances vs one');
  const cluster = await startPostgresCluster();
  try {
    const requests = await referenceRequests();
    const reference = (name: string, database?: string) =>
      startServerProcess(
        name,
        { kind: 'reference', jwtSecret: requests.jwtSecret, ...(database && { database }) },
        {
          pin: config.pin,
        },
      );
    const options = {
      connections: config.connections,
      seconds: config.loadSeconds,
      warmupSeconds: config.warmupSeconds,
      rounds: config.rounds,
      amount: config.loadRequests,
    };
    const side = await withServers(
      [reference(SQLITE), reference(POSTGRES, await cluster.createDatabase('bench_side'))],
      async ([sqlite, postgres]) => {
        const put = await capture(postgres!.url, requests.put);
        const del = await capture(postgres!.url, requests.delete);
        if (put.status !== 201 || del.status !== 204)
          throw new Error(`the reference server on PostgreSQL answered PUT ${put.status}, DELETE ${del.status}`);
        return withServers(
          [startServerProcess('bare', { kind: 'bare', answers: { PUT: put, DELETE: del } }, { pin: config.pin })],
          async ([bare]) => {
            const compare = async (request: Request, expectedStatus: number, operation: string) => {
              const results = await compareLoad(
                [
                  { name: POSTGRES, role: 'subject', url: postgres!.url, request, expectedStatus },
                  { name: SQLITE, role: 'baseline', url: sqlite!.url, request, expectedStatus },
                  { name: BARE, role: 'baseline', url: bare!.url, request, expectedStatus },
                ],
                options,
              );
              return {
                operation,
                results,
                ratioToBare: ratio(results, POSTGRES, BARE),
                ratioToSqlite: ratio(results, POSTGRES, SQLITE),
              };
            };
            return {
              put: await compare(requests.put, 201, 'PUT /v2/organizations/{guid}/auditors (201)'),
              delete: await compare(requests.delete, 204, 'DELETE /v2/organizations/{guid}/auditors (204)'),
            };
          },
        );
      },
    );

    // Two instances on one database against one: PUT and DELETE of a role for five users in
    // turn on every connection, so that changes to different users do not wait on each other.
    const database = await cluster.createDatabase('bench_instances');
    const mixed: Request[] = [
      fixtures.usernames.user,
      fixtures.usernames.manager,
      fixtures.usernames.billingManager,
      fixtures.usernames.auditor,
      'developer@example.com',
    ].flatMap((username) =>
      (['PUT', 'DELETE'] as const).map((method) => ({
        ...requests.put,
        method,
        body: JSON.stringify({ username }),
      })),
    );
    const instances = await withServers(
      [reference('instance 1', database), reference('instance 2', database)],
      async ([first, second]) => {
        const one: number[] = [];
        const two: number[] = [];
        const statusCodes: Record<string, number> = {};
        let failures = 0;
        const load = async (url: string, connections: number) => {
          const result = await runLoad(url, mixed[0]!, connections, config.loadSeconds, {
            requests: mixed,
            ...(config.loadRequests && { amount: config.loadRequests }),
          });
          for (const [code, { count }] of Object.entries(result.statusCodeStats))
            statusCodes[code] = (statusCodes[code] ?? 0) + count;
          failures += result.errors + result.timeouts;
          return result;
        };
        const half = Math.max(1, Math.floor(config.connections / 2));
        if (config.warmupSeconds > 0) await load(first!.url, config.connections);
        for (let round = 0; round < config.rounds; round++) {
          for (const which of rotate(['one', 'two'] as const, round)) {
            if (which === 'one') {
              const result = await load(first!.url, config.connections);
              one.push(result.requests.total / result.duration);
            } else {
              const results = await Promise.all([load(first!.url, half), load(second!.url, half)]);
              two.push(results.reduce((sum, r) => sum + r.requests.total / r.duration, 0));
            }
          }
        }
        const unexpected =
          failures +
          Object.entries(statusCodes).reduce((sum, [code, n]) => sum + (code === '201' || code === '204' ? 0 : n), 0);
        return {
          operation: 'PUT and DELETE /v2/organizations/{guid}/auditors for 5 users in turn',
          connections: config.connections,
          oneReqPerSec: spread(one),
          twoReqPerSec: spread(two),
          ratio: spread(two).median / spread(one).median,
          statusCodes,
          unexpected,
        };
      },
    );
    return { connections: config.connections, ...side, instances };
  } finally {
    await cluster.destroy();
  }
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const s = (x: Spread) => `${n(x.median)} (${n(x.min)}–${n(x.max)})`;

/** The report's section on PostgreSQL. */
export function postgresSection(p: PostgresResults, loadTable: (results: LoadResult[], ratioTo: string) => string[]) {
  const i = p.instances;
  return [
    '## 4b. Reference server on PostgreSQL',
    '',
    `${p.connections} connections, admin token. The same server on a PostgreSQL database (a throw-away local cluster, loopback TCP, fsync off: the server and its round trips are measured, not the disk) beside SQLite and bare node:http, in the same rounds.`,
    '',
    ...[p.put, p.delete].flatMap((op) => [
      `### ${op.operation}`,
      '',
      ...loadTable(op.results, BARE),
      '',
      `PostgreSQL / bare: **${op.ratioToBare.toFixed(2)}**; PostgreSQL / SQLite: **${op.ratioToSqlite.toFixed(2)}**.`,
      '',
    ]),
    `### Two instances on one database against one: ${i.operation}`,
    '',
    `${i.connections} connections in all (split evenly over the two instances).`,
    '',
    '| | req/s median (min–max) |',
    '|---|---:|',
    `| one instance | ${s(i.oneReqPerSec)} |`,
    `| two instances, one database | ${s(i.twoReqPerSec)} |`,
    '',
    `Two over one: **${i.ratio.toFixed(2)}**. Status codes: ${Object.entries(i.statusCodes)
      .map(([code, count]) => `${code} × ${n(count)}`)
      .join(
        ', ',
      )}; other answers and socket errors: ${i.unexpected}. On a machine with few cores the instances and PostgreSQL share them: the ratio says what a second instance brings here, not on a larger host.`,
    '',
  ];
}
