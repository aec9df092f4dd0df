import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { curlOf } from '../src/send.js';

/** What bash passes to curl for the line (curl replaced by a function printing its arguments). */
function argumentsOf(line: string, env: Record<string, string> = {}): string[] {
  const output = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }; ${line}`], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  return output.toString('utf8').split('\0').slice(0, -1);
}

test('the curl line is runnable: control characters, quotes and unicode reach curl byte for byte, the token as its variable', () => {
  const token = 'secret-token-value';
  const body = JSON.stringify({ username: "o'brien é\u0001" }).replace('\\u0001', '\u0001');
  const line = curlOf(
    'http://127.0.0.1:8080/',
    {
      method: 'PUT',
      path: '/v2/organizations/x%20y/users?recursive=true',
      headers: { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' },
      body,
    },
    new Map([[token, 'CF_ADMIN_TOKEN']]),
  );
  expect(line).not.toContain(token);
  expect(line).not.toMatch(/[\u0000-\u001f]/);
  expect(argumentsOf(line, { CF_ADMIN_TOKEN: token })).toEqual([
    '-i',
    '-X',
    'PUT',
    'http://127.0.0.1:8080/v2/organizations/x%20y/users?recursive=true',
    '-H',
    `Authorization: bearer ${token}`,
    '-H',
    'Content-Type: application/json',
    '--data-binary',
    body,
  ]);
});
