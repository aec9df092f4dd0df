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
  const documented = buildPlan(spec, 'mock', {}).length;

  expect(result.failures).toEqual([]);
  expect(result.skipped).toEqual([]);
  // Three credential-free checks per operation, the token-only ones, two unknown routes.
  const credentialFree = result.checks.filter((c) => c.suite === credentialFreeSuite).length;
  expect(credentialFree).toBeGreaterThanOrEqual(9 * 3 + 2);
  // One transaction per documented response, plus the three workflows.
  expect(documented).toBe(66);
  expect(result.passed).toBe(credentialFree + documented + 3);
  const junit = readFileSync(result.junitPath, 'utf8');
  expect(junit).toContain(`tests="${credentialFree + 69}" failures="0" skipped="0"`);
  expect(junit).toContain('name="removeOrgMember 401 InvalidToken"');
});
