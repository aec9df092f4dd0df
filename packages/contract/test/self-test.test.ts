import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadDocument } from '@org-membership-api/spec';
import { runContractChecks, type ContractCheckResult } from '../src/index.js';
import { buildPlan } from '../src/plan.js';
import { startMockTarget, type StartedTarget } from '../src/targets.js';

/** What a deliberately wrong server does to one response of one operation. */
interface Defect {
  method: string;
  path: RegExp;
  status: number;
  /** The check that must fail, and what its message must say. */
  check: string;
  violation: string;
  apply: (response: { status: number; headers: Record<string, string>; body: string }) => void;
}

const json = (mutate: (body: Record<string, Record<string, unknown>>) => void) => (response: { body: string }) => {
  const body = JSON.parse(response.body);
  mutate(body);
  response.body = JSON.stringify(body);
};

const fakeToken = 'secret-token-that-must-not-leak';
const plans = buildPlan(loadDocument(), 'mock', { cfAdminToken: fakeToken });
/** The name of the check of one documented response (it names the example the plan picked). */
function checkOf(method: string, path: string, status: number) {
  const plan = plans.find((p) => p.key === `${method} ${path} ${status}`);
  if (!plan) throw new Error(`no plan for ${method} ${path} ${status}`);
  return plan;
}
const org = (role: string) => new RegExp(`^/v2/organizations/[^/]+/${role}$`);
const orgTemplate = (role: string) => `/v2/organizations/{guid}/${role}`;
const notFound = checkOf('DELETE', orgTemplate('billing_managers'), 404);

const defects: Defect[] = [
  {
    method: 'PUT',
    path: org('users'),
    status: 201,
    check: checkOf('PUT', orgTemplate('users'), 201).name,
    violation: 'undocumented status 200',
    apply: (r) => void (r.status = 200),
  },
  {
    method: 'DELETE',
    path: org('users'),
    status: 200,
    check: checkOf('DELETE', orgTemplate('users'), 200).name,
    violation: "missing required property 'guid'",
    apply: json((b) => void delete b['metadata']!['guid']),
  },
  {
    method: 'PUT',
    path: org('managers'),
    status: 201,
    check: checkOf('PUT', orgTemplate('managers'), 201).name,
    violation: 'body/entity/billing_enabled: wrong type (must be boolean)',
    apply: json((b) => void (b['entity']!['billing_enabled'] = 'false')),
  },
  {
    method: 'PUT',
    path: org('billing_managers'),
    status: 201,
    check: checkOf('PUT', orgTemplate('billing_managers'), 201).name,
    violation: 'body/metadata/created_at: wrong format (must be date-time)',
    apply: json((b) => void (b['metadata']!['created_at'] = 'yesterday')),
  },
  {
    method: 'DELETE',
    path: org('managers'),
    status: 200,
    check: checkOf('DELETE', orgTemplate('managers'), 200).name,
    violation: "extra property 'owner'",
    apply: json((b) => void (b['entity']!['owner'] = 'someone')),
  },
  {
    method: 'PUT',
    path: org('auditors'),
    status: 403,
    check: checkOf('PUT', orgTemplate('auditors'), 403).name,
    violation: 'missing required header X-VCAP-Request-ID',
    apply: (r) => void delete r.headers['x-vcap-request-id'],
  },
  {
    method: 'DELETE',
    path: org('auditors'),
    status: 401,
    check: checkOf('DELETE', orgTemplate('auditors'), 401).name,
    violation: 'wrong content type text/plain',
    apply: (r) => void (r.headers['content-type'] = 'text/plain'),
  },
  {
    method: 'DELETE',
    path: org('billing_managers'),
    status: 404,
    check: checkOf('DELETE', orgTemplate('billing_managers'), 404).name,
    violation: `error_code "CF-InvalidRelation" where the request provokes ${notFound.expectErrorCode}`,
    apply: json((b) => void Object.assign(b, { error_code: 'CF-InvalidRelation', code: 1002 })),
  },
  {
    method: 'PUT',
    path: org('billing_managers'),
    status: 429,
    check: checkOf('PUT', orgTemplate('billing_managers'), 429).name,
    violation: 'header Retry-After: wrong type (must be integer)',
    apply: (r) => void (r.headers['retry-after'] = 'soon'),
  },
  {
    method: 'DELETE',
    path: /^\/organization\/members\//,
    status: 204,
    check: 'removeOrgMember 204',
    violation: 'body on a 204',
    apply: (r) => void (r.body = '{"removed":true}'),
  },
];

/** Forwards to the mock and breaks the responses the defects name. */
function startWrongServer(upstream: string): Promise<Server> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer: IncomingMessage) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const response = {
              status: answer.statusCode ?? 500,
              headers: { ...(answer.headers as Record<string, string>) },
              body: Buffer.concat(body).toString('utf8'),
            };
            const pathname = (req.url ?? '').split('?')[0]!;
            const defect = defects.find(
              (d) => d.method === req.method && d.path.test(pathname) && d.status === response.status,
            );
            defect?.apply(response);
            delete response.headers['content-length'];
            delete response.headers['transfer-encoding'];
            delete response.headers['connection'];
            if (response.status === 204 && response.body) {
              // Node never sends a body on a 204: write the broken answer on the socket itself.
              const head = Object.entries(response.headers)
                .map(([k, v]) => `${k}: ${v}\r\n`)
                .join('');
              res.socket?.end(
                `HTTP/1.1 204 No Content\r\n${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(response.body)}\r\nconnection: close\r\n\r\n${response.body}`,
              );
              return;
            }
            res.writeHead(response.status, {
              ...response.headers,
              'content-length': String(Buffer.byteLength(response.body)),
            });
            res.end(response.body);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(error.message);
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let mock: StartedTarget;
let wrong: Server;
let result: ContractCheckResult;
let reportDir: string;

beforeAll(async () => {
  mock = await startMockTarget();
  wrong = await startWrongServer(mock.url);
  reportDir = await mkdtemp(join(tmpdir(), 'contract-self-test-'));
  const { port } = wrong.address() as AddressInfo;
  result = await runContractChecks({
    server: `http://127.0.0.1:${port}`,
    target: 'mock',
    env: { cfAdminToken: fakeToken },
    reportDir,
  });
});
afterAll(async () => {
  wrong?.closeAllConnections();
  await new Promise((resolve) => wrong?.close(resolve));
  await mock?.close();
});

test.each(defects.map((d) => [d.violation, d] as const))(
  'a wrong server (%s) fails the check naming the operation and the violation',
  (_, defect) => {
    const failure = result.failures.find((f) => f.name === defect.check);
    expect(
      failure,
      `${defect.check} should fail; failures: ${result.failures.map((f) => f.name).join(', ')}`,
    ).toBeDefined();
    expect(failure!.message).toContain(defect.violation);
  },
);

test('only the broken responses fail, and the run as a whole fails', () => {
  const dreddFailures = result.checks
    .filter((c) => c.outcome === 'failed' && c.suite === undefined && !c.name.startsWith('workflow: '))
    .map((c) => c.name)
    .sort();
  expect(dreddFailures).toEqual(defects.map((d) => d.check).sort());
  // The workflows see the same broken responses.
  const workflows = result.failures.filter((f) => f.name.startsWith('workflow: '));
  expect(workflows.map((f) => f.message).join('\n')).toMatch(/removeOrgMember .*body on a 204/);
  expect(result.failed).toBeGreaterThanOrEqual(defects.length);
});

test('the JUnit report names each failure and no token leaks into a report', async () => {
  const junit = await readFile(result.junitPath, 'utf8');
  const dredd = await readFile(join(reportDir, 'dredd.xml'), 'utf8');
  for (const defect of defects) expect(junit).toContain(`name="${defect.check}"><failure`);
  expect(junit + dredd).not.toContain(fakeToken);
  expect(dredd).toContain('[redacted]');
});
