// The client's overhead per call: the same PUT through our client, openapi-fetch alone and raw fetch.
import { createOrgMembershipClient } from '@org-membership-api/client';
import { fixtures } from '@org-membership-api/reference-server';
import { exampleValue, listOperations, loadDocument } from '@org-membership-api/spec';
import type { paths } from '@org-membership-api/types';
import createClient from 'openapi-fetch';
import type { BenchConfig } from './config.js';
import { withServers } from './harness.js';
import { startServerProcess } from './processes.js';
import type { BenchResults } from './results.js';
import type { CannedAnswer } from './serve.js';
import { median, rotate, spread } from './stats.js';

const orgGuid = fixtures.organizations.name1766;

/** The bytes the contract documents for a successful PUT users: its first (`Organization`) example. */
function contractOrganizationBytes(): string {
  const operation = listOperations(loadDocument()).find(
    (candidate) => candidate.method === 'PUT' && candidate.path === '/v2/organizations/{guid}/users',
  );
  const value = operation && exampleValue(operation, 201, 'Organization');
  if (!value) throw new Error('the bundle has no Organization example on PUT users 201');
  return JSON.stringify(value);
}

export async function measureClientOverhead(
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
        ratioToOpenapiFetch: median(c.samples) / median(o.samples),
        ratioPerRound: spread(c.roundMedians.map((m, i) => m / f.roundMedians[i]!)),
      };
    },
  );
}
