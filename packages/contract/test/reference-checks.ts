import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listOperations, loadDocument } from '@org-membership-api/spec';
import { expect } from 'vitest';
import { credentialFreeSuite } from '../src/credential-free.js';
import { runContractChecks } from '../src/index.js';
import type { StartedTarget } from '../src/targets.js';

/**
 * Runs the contract checks against a reference server and expects it to pass whatever its
 * database, skipping only what no request can provoke: every other documented response is provoked
 * for real (500 and 503 on the target's other instances, DELETE's 200 on the one that answers
 * as releases before 2016), and every documented example somewhere.
 */
const justifiedSkips = ['requestToken 403 AccessDenied'];

export async function expectReferencePasses(server: StartedTarget): Promise<void> {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-reference-'));
  const result = await runContractChecks({ server: server.url, target: 'server', env: server.env, reportDir });

  expect(result.failures).toEqual([]);
  // Only what no request can provoke on any server: a client UAA refuses the user (the plan
  // says why).
  expect(result.skipped.map((check) => check.name).sort()).toEqual(justifiedSkips);
  const justified = (name: string) => justifiedSkips.some((skip) => skip.startsWith(name));
  const passed = result.checks.filter((c) => c.outcome === 'passed').map((c) => c.name);
  const operations = listOperations(loadDocument());
  const examples = new Set<string>();
  for (const operation of operations)
    for (const response of operation.responses) {
      if (justified(`${operation.operationId} ${response.status}`)) continue;
      expect(passed, `${operation.operationId} ${response.status}`).toContainEqual(
        expect.stringMatching(new RegExp(`^${operation.operationId} ${response.status}\\b`)),
      );
      if (Number(response.status) >= 400 && operation.dialect?.id === 'cloudController')
        for (const content of response.content) for (const example of content.examples) examples.add(example.name);
    }
  // Each documented Cloud Controller error example is provoked somewhere. (The member API's
  // are its dialect's, one per status.)
  const provoked = new Set(passed.map((name) => name.split(' ')[2]));
  const notProvoked = [...examples].filter((name) => !provoked.has(name)).sort();
  expect(notProvoked, notProvoked.join(', ')).toEqual([]);
  expect(provoked).toContain('FeatureDisabled');
  expect(passed.filter((name) => name.startsWith('workflow: '))).toHaveLength(5);
  const credentialFree = result.checks.filter((c) => c.suite === credentialFreeSuite);
  expect(credentialFree.length).toBeGreaterThanOrEqual(9 * 3 + 2);
  expect(credentialFree.every((c) => c.outcome === 'passed')).toBe(true);
  const transactions = operations.reduce((sum, operation) => sum + operation.responses.length, 0);
  expect(result.passed).toBe(credentialFree.length + transactions - justifiedSkips.length + 5);

  // No token reaches a report.
  const reports = (await readFile(join(reportDir, 'dredd.xml'), 'utf8')) + (await readFile(result.junitPath, 'utf8'));
  for (const [field, value] of Object.entries(server.env))
    if (field.endsWith('Token')) expect(reports).not.toContain(value);
}
