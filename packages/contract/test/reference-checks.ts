import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { credentialFreeSuite } from '../src/credential-free.js';
import { runContractChecks } from '../src/index.js';
import type { StartedTarget } from '../src/targets.js';

/**
 * Runs the contract checks against a reference server and expects it to pass whatever its
 * database: only what it cannot produce (500, the DELETE success it does not use) is skipped.
 */
export async function expectReferencePasses(server: StartedTarget): Promise<void> {
  const reportDir = await mkdtemp(join(tmpdir(), 'contract-reference-'));
  const result = await runContractChecks({ server: server.url, target: 'server', env: server.env, reportDir });

  expect(result.failures).toEqual([]);
  const skippedNames = result.skipped.map((s) => s.name).sort();
  const roles = ['User', 'Manager', 'BillingManager', 'Auditor'];
  expect(skippedNames).toEqual(
    [
      // The reference server answers DELETE with 204 (current Cloud Controller).
      ...roles.map((r) => `disassociate${r}WithOrganizationByUsername 200`),
      'removeOrgMember 500 InternalError',
    ].sort(),
  );
  for (const skip of result.skipped) expect(skip.reason.length).toBeGreaterThan(10);
  // 429s, 403s, AssociationNotEmpty and the workflows ran for real.
  const passed = result.checks.filter((c) => c.outcome === 'passed').map((c) => c.name);
  expect(passed).toContain('removeOrgMember 429 TooManyRequests');
  expect(passed).toContain('disassociateUserWithOrganizationByUsername 400 AssociationNotEmpty');
  expect(passed).toContain('associateUserWithOrganizationByUsername 503 UaaUnavailable');
  expect(passed).toContain('disassociateAuditorWithOrganizationByUsername 429 RateLimitExceeded');
  expect(passed.filter((name) => name.startsWith('workflow: '))).toHaveLength(3);
  const credentialFree = result.checks.filter((c) => c.suite === credentialFreeSuite);
  expect(credentialFree.length).toBeGreaterThanOrEqual(9 * 3 + 2);
  expect(credentialFree.every((c) => c.outcome === 'passed')).toBe(true);
  expect(result.passed).toBe(credentialFree.length + 69 - 5);

  // No token reaches a report.
  const reports = (await readFile(join(reportDir, 'dredd.xml'), 'utf8')) + (await readFile(result.junitPath, 'utf8'));
  for (const [field, value] of Object.entries(server.env))
    if (field.endsWith('Token')) expect(reports).not.toContain(value);
}
