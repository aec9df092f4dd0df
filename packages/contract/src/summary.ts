// The verdict of a run: a run that checked nothing, or could not reach the server, fails with
// one line saying why; skips are counted and grouped by reason; a run against a mock without
// `--target mock` says so when its failures look like ignored `Prefer` headers.
import type { CheckResult } from './workflows.js';

export interface RunOutcome {
  checks: CheckResult[];
  /** Set when the server could not be reached at all. */
  unreachable?: string;
  target: 'mock' | 'server';
}

export interface Verdict {
  ok: boolean;
  /** One line: why the run failed, or the totals when it passed. */
  line: string;
}

/** Skip reasons with how many checks each skipped, most frequent first. */
export function groupSkips(checks: CheckResult[]): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const check of checks) {
    if (check.outcome !== 'skipped') continue;
    const reason = check.messages.join('; ') || 'no reason given';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function verdictOf(outcome: RunOutcome, options: { maxSkipped?: number } = {}): Verdict {
  const count = (kind: CheckResult['outcome']) => outcome.checks.filter((c) => c.outcome === kind).length;
  const passed = count('passed');
  const failed = count('failed');
  const skipped = count('skipped');
  const totals = `${passed} passed, ${failed} failed, ${skipped} skipped`;
  if (outcome.unreachable)
    return { ok: false, line: `contract: FAILED: the server could not be reached (${outcome.unreachable})` };
  if (failed > 0) return { ok: false, line: `contract: FAILED: ${totals}` };
  if (passed === 0)
    return { ok: false, line: `contract: FAILED: nothing passed (${totals}): give the variables the skips name` };
  if (options.maxSkipped !== undefined && skipped > options.maxSkipped)
    return {
      ok: false,
      line: `contract: FAILED: ${skipped} skipped, more than --max-skipped ${options.maxSkipped} (${totals})`,
    };
  return { ok: true, line: `contract: ${totals}` };
}

/**
 * A server that answers every provoked error with the same success, or marks its answers with
 * Prism's `sl-violations`, is a mock that ignored the checks' requests: run it with --target mock.
 */
export function preferHint(outcome: RunOutcome): string | undefined {
  if (outcome.target === 'mock') return undefined;
  const failed = outcome.checks.filter((c) => c.outcome === 'failed');
  const signs = failed.some((c) => c.mockSigns);
  const successesForErrors = new Map<number, number>();
  for (const check of failed) {
    if (
      check.expectedStatus !== undefined &&
      check.expectedStatus >= 400 &&
      check.actualStatus !== undefined &&
      check.actualStatus < 300
    )
      successesForErrors.set(check.actualStatus, (successesForErrors.get(check.actualStatus) ?? 0) + 1);
  }
  const repeated = Math.max(0, ...successesForErrors.values());
  if (!signs && repeated < 3) return undefined;
  return `hint: this looks like the mock (${signs ? 'answers carry sl-violations' : `${repeated} provoked errors answered with the same success`}): it selects answers with Prefer headers, so run with --target mock`;
}
