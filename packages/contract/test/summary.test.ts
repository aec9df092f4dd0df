import { expect, test } from 'vitest';
import { groupSkips, preferHint, verdictOf } from '../src/summary.js';
import type { CheckResult } from '../src/workflows.js';

const skip = (name: string, reason: string): CheckResult => ({ name, outcome: 'skipped', messages: [reason] });
const pass = (name: string): CheckResult => ({ name, outcome: 'passed', messages: [] });

test('a run where everything was skipped fails: nothing passed', () => {
  const checks = [skip('a', 'needs X'), skip('b', 'needs X')];
  const verdict = verdictOf({ checks, target: 'server' });
  expect(verdict.ok).toBe(false);
  expect(verdict.line).toBe(
    'contract: FAILED: nothing passed (0 passed, 0 failed, 2 skipped): give the variables the skips name',
  );
  expect(verdictOf({ checks: [], target: 'server' }).ok).toBe(false);
});

test('skips are grouped by reason, most frequent first; --max-skipped counts them', () => {
  const checks = [pass('p'), skip('a', 'needs X'), skip('b', 'needs Y'), skip('c', 'needs X')];
  expect(groupSkips(checks)).toEqual([
    { reason: 'needs X', count: 2 },
    { reason: 'needs Y', count: 1 },
  ]);
  expect(verdictOf({ checks, target: 'server' }, { maxSkipped: 3 }).ok).toBe(true);
  expect(verdictOf({ checks, target: 'server' }, { maxSkipped: 2 })).toEqual({
    ok: false,
    line: 'contract: FAILED: 3 skipped, more than --max-skipped 2 (1 passed, 0 failed, 3 skipped)',
  });
});

test('the Prefer hint: same success for several provoked errors, or sl-violations; never with --target mock', () => {
  const ignored = (name: string): CheckResult => ({
    name,
    outcome: 'failed',
    messages: ['status 201'],
    expectedStatus: 401,
    actualStatus: 201,
  });
  const checks = [ignored('a'), ignored('b'), ignored('c')];
  expect(preferHint({ checks, target: 'server' })).toMatch(
    /3 provoked errors answered with the same success.*--target mock$/,
  );
  expect(preferHint({ checks, target: 'mock' })).toBeUndefined();
  expect(preferHint({ checks: checks.slice(0, 2), target: 'server' })).toBeUndefined();
  const marked: CheckResult = { name: 'x', outcome: 'failed', messages: ['x'], mockSigns: true };
  expect(preferHint({ checks: [marked], target: 'server' })).toMatch(/sl-violations/);
});
