import { writeFile } from 'node:fs/promises';
import { groupSkips } from './summary.js';
import type { CheckResult } from './workflows.js';

const escapeXml = (text: string) =>
  text
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const suiteOf = (check: CheckResult) =>
  check.suite ?? (check.name.startsWith('workflow: ') ? 'Workflows' : 'Dredd transactions (strict)');

/** One JUnit file for CI: one suite per kind of check (Dredd transactions with the strict layer's findings, workflows, ...). */
export async function writeJunit(path: string, checks: CheckResult[], durationMs: number): Promise<void> {
  const names = [...new Set(checks.map(suiteOf))];
  const suites = names.map((name) => ({ name, checks: checks.filter((c) => suiteOf(c) === name) }));
  const count = (list: CheckResult[], outcome: CheckResult['outcome']) =>
    list.filter((c) => c.outcome === outcome).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="contract checks" tests="${checks.length}" failures="${count(checks, 'failed')}" skipped="${count(checks, 'skipped')}" time="${durationMs / 1000}">`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(suite.name)}" tests="${suite.checks.length}" failures="${count(suite.checks, 'failed')}" skipped="${count(suite.checks, 'skipped')}">`,
    );
    for (const check of suite.checks) {
      const name = escapeXml(check.name);
      const text = escapeXml(check.messages.join('\n'));
      if (check.outcome === 'passed') lines.push(`    <testcase classname="contract" name="${name}"/>`);
      else if (check.outcome === 'skipped')
        lines.push(`    <testcase classname="contract" name="${name}"><skipped message="${text}"/></testcase>`);
      else
        lines.push(
          `    <testcase classname="contract" name="${name}"><failure message="${escapeXml(check.messages[0] ?? 'failed')}">${text}</failure></testcase>`,
        );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  await writeFile(path, lines.join('\n'));
}

/** The console summary: passes and failures (with what broke) per check, skips grouped by reason, the totals. */
export function formatSummary(result: { checks: CheckResult[]; junitPath: string; durationMs: number }): string {
  const lines: string[] = [];
  for (const check of result.checks) {
    if (check.outcome === 'skipped') continue;
    lines.push(`${check.outcome === 'passed' ? 'pass' : 'FAIL'}  ${check.name}`);
    if (check.outcome === 'failed') for (const message of check.messages) lines.push(`        ${message}`);
  }
  const count = (outcome: CheckResult['outcome']) => result.checks.filter((c) => c.outcome === outcome).length;
  const skips = groupSkips(result.checks);
  if (skips.length > 0) {
    lines.push('', `skipped ${count('skipped')} (names in the JUnit report):`);
    for (const { reason, count: n } of skips) lines.push(`  ${String(n).padStart(3)} × ${reason}`);
  }
  lines.push(
    '',
    `JUnit report: ${result.junitPath}`,
    `contract: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped (${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n');
}
