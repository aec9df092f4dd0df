import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildPlan, runContractChecks } from '../src/index.js';
import { startMockTarget, type StartedTarget } from '../src/targets.js';
import { readFileSync } from 'node:fs';
import { defaultSpecPath } from '../src/run.js';

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
  // One transaction per documented response, plus the three workflows.
  expect(documented).toBe(66);
  expect(result.passed).toBe(documented + 3);
  const junit = readFileSync(result.junitPath, 'utf8');
  expect(junit).toContain('tests="69" failures="0" skipped="0"');
  expect(junit).toContain('name="removeOrgMember 401 InvalidToken"');
});
