// The mock: start-up and requests per second against `prism mock` from the CLI and a bare node:http server.
import { createRequire } from 'node:module';
import { fixtures } from '@org-membership-api/reference-server';
import {
  deref,
  exampleRequest,
  listOperations,
  loadDocument,
  paths,
  successStatuses,
  type OpenApiDocument,
} from '@org-membership-api/spec';
import type { Request } from 'autocannon';
import type { BenchConfig } from './config.js';
import { capture, ratio, withServers } from './harness.js';
import { compareLoad } from './load.js';
import { freePort, startCommand, startServerProcess } from './processes.js';
import type { BenchResults } from './results.js';
import { rotate, spread } from './stats.js';

const rolePath = (role: string) => `/v2/organizations/${fixtures.organizations.name1766}/${role}`;
// The mock's command, as `pnpm mock` runs it.
const mockCli = createRequire(import.meta.url).resolve('@org-membership-api/mock/cli');

export interface MockProbe {
  /** `METHOD /path template`. */
  operation: string;
  request: Request;
  /** The lowest documented success: what the mock answers when nothing else is asked for. */
  expectedStatus: number;
}

/**
 * One request per operation of the contract, built from its own examples: the mock must answer
 * every one of them with its documented success before its throughput means anything.
 */
export function mockProbes(document: OpenApiDocument = loadDocument()): MockProbe[] {
  return listOperations(document).map((operation) => {
    const shown = exampleRequest(operation);
    // As an API client asks: for JSON (`/` serves browsers the docs), with the credentials the
    // operation's scheme takes (UAA's token endpoint: the cf CLI's client `cf`, empty secret).
    const basic = operation.security.some((requirement) =>
      Object.keys(requirement).some((name) => {
        const scheme = deref(document, document.components?.securitySchemes?.[name]) as
          { type?: string; scheme?: string } | undefined;
        return scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'basic';
      }),
    );
    const headers: Record<string, string> = {
      authorization: basic ? `Basic ${Buffer.from('cf:').toString('base64')}` : 'Bearer bench-token',
      accept: 'application/json',
    };
    if (shown.body) headers['content-type'] = shown.body.mediaType;
    return {
      operation: `${operation.method} ${operation.path}`,
      request: { method: operation.method, path: shown.path, headers, ...(shown.body && { body: shown.body.text }) },
      expectedStatus: successStatuses(operation)[0] ?? 200,
    };
  });
}

// Upper-case scheme: the Prism CLI rejects lower-case `bearer` (upstream issue 2722).
export const mockRequest: Request = {
  method: 'PUT',
  path: rolePath('users'),
  headers: { authorization: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig', 'content-type': 'application/json' },
  body: '{"username":"user@example.com"}',
};

export async function measureMock(config: BenchConfig, log: (l: string) => void): Promise<BenchResults['mock']> {
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
          ? [process.execPath, '--import', 'tsx', mockCli, '--port', String(port)]
          : [process.execPath, prismCli, 'mock', '-h', '127.0.0.1', '-p', String(port), paths.bundleJson];
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
        [process.execPath, prismCli, 'mock', '-h', '127.0.0.1', '-p', String(prismPort), paths.bundleJson],
        prismPort,
        probe,
        { pin: config.pin },
      ),
    ],
    async ([mock, prism]) => {
      const probes = mockProbes();
      for (const probe of probes) {
        const probed = await capture(mock!.url, probe.request);
        if (probed.status !== probe.expectedStatus)
          throw new Error(
            `the mock answered ${probed.status} to ${probe.operation} (documented: ${probe.expectedStatus})`,
          );
      }
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
            operationsAnswered: probes.length,
            startupMs: { mock: spread(startups.mock), prismCli: spread(startups.prismCli) },
          };
        },
      );
    },
  );
}
