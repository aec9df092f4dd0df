import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildPlan, runContractChecks } from '../src/index.js';
import { startMockTarget, type StartedTarget } from '../src/targets.js';
import { readFileSync } from 'node:fs';
import { defaultSpecPath } from '../src/run.js';
import { credentialFreeSuite } from '../src/credential-free.js';

let mock: StartedTarget;
beforeAll(async () => {
  mock = await startMockTarget();
});
afterAll(async () => {
  await mock?.close();
});

test('every documented response of every operation passes against the mock, each selected with Prefer', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-mock-'));
  const result = await runContractChecks({ server: mock.url, target: 'mock', env: {}, reportDir });
  const spec = JSON.parse(readFileSync(defaultSpecPath, 'utf8'));
  // Every documented response of every operation, counted from the contract itself.
  const operations = Object.values(
    spec.paths as Record<string, Record<string, { responses?: object; security?: Array<object> }>>,
  ).flatMap((item) => ['get', 'put', 'post', 'delete'].flatMap((method) => (item[method] ? [item[method]] : [])));
  // Those open to anyone (the root document, /v2/info, UAA's /login) meet no credential checks.
  const secured = operations.filter((operation) => (operation.security ?? spec.security ?? []).length > 0);
  const documented = operations.reduce((sum, operation) => sum + Object.keys(operation.responses ?? {}).length, 0);
  const workflows = result.checks.filter((c) => c.name.startsWith('workflow: '));

  expect(result.failures).toEqual([]);
  expect(result.skipped).toEqual([]);
  // Two or three credential checks per secured operation, the token-only ones, one unknown route per API.
  const credentialFree = result.checks.filter((c) => c.suite === credentialFreeSuite).length;
  expect(secured).toHaveLength(42);
  expect(credentialFree).toBeGreaterThanOrEqual(secured.length * 2 + 3);
  // One transaction per documented response, plus the workflows.
  expect(operations).toHaveLength(45);
  expect(buildPlan(spec, 'mock', {})).toHaveLength(documented);
  expect(workflows.map((c) => c.outcome)).toEqual(Array(5).fill('passed'));
  expect(result.passed).toBe(credentialFree + documented + workflows.length);
  const junit = readFileSync(result.junitPath, 'utf8');
  expect(junit).toContain(`tests="${credentialFree + documented + workflows.length}" failures="0" skipped="0"`);
  expect(junit).toContain('name="associateDeveloperWithSpaceByUsername 400 InvalidRelation"');
  // Each Cloud Controller error example with JSON content (those `Prefer` selects on the mock;
  // the 429s are text/plain) is provoked by some operation.
  const planned = new Set(buildPlan(spec, 'mock', {}).map((plan) => `${plan.status} ${plan.example}`));
  const errorExamples = new Set(
    Object.entries(spec.paths as Record<string, Record<string, { responses?: Record<string, any> }>>)
      .filter(([path]) => path.startsWith('/v2/'))
      .flatMap(([, item]) => Object.values(item).flatMap((operation) => Object.entries(operation.responses ?? {})))
      .filter(([status]) => Number(status) >= 400)
      .flatMap(([status, reference]) => {
        const response = reference.$ref ? spec.components.responses[reference.$ref.split('/').at(-1)] : reference;
        return Object.entries(response.content ?? {})
          .filter(([mediaType]) => mediaType === 'application/json')
          .flatMap(([, media]: [string, any]) => Object.keys(media.examples ?? {}).map((name) => `${status} ${name}`));
      }),
  );
  expect(errorExamples.size).toBe(20);
  expect([...errorExamples].filter((example) => !planned.has(example))).toEqual([]);
  expect(junit).toContain('name="removeOrgMember 401 InvalidToken"');
});
