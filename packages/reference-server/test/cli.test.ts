import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, defaultTokenExpectations, fixtures } from '../src/index.js';

// The command lines as a user runs them: a failure is one clear line and a non-zero exit
// (no stack trace, no "listening" first); a first run needs no flags for the README's examples.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'reference-server-cli-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Root may write any file: `withoutFileOverride` runs the command as root without the
// capabilities that bypass file permissions (setpriv, util-linux), so that a read-only file is
// read-only to it, wherever the checkout lies.
const withoutFileOverride = [
  '--bounding-set',
  '-dac_override,-dac_read_search',
  '--inh-caps',
  '-dac_override,-dac_read_search',
];

function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  obeyFilePermissions = false,
): Promise<Run> {
  const command = ['--import', 'tsx', script, ...args];
  const asRoot = obeyFilePermissions && process.getuid?.() === 0;
  return new Promise((resolve) => {
    execFile(
      asRoot ? 'setpriv' : process.execPath,
      asRoot ? [...withoutFileOverride, '--', process.execPath, ...command] : command,
      {
        cwd: packageDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
        timeout: 15_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The server command running on a free port: its process, and its URL once it listens. */
async function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', ...args], {
    cwd: packageDir,
    env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (data: Buffer) => {
        out += data.toString();
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error('server exited')));
    });
    return { child, url };
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
}

function expectOneLineFailure(result: Run, pattern: RegExp): void {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stdout).not.toContain('listening');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('server command', { timeout: 60_000 }, () => {
  it('a busy port: one line, non-zero exit', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      const result = await run('src/cli.ts', ['--port', String(port), '--db', join(dir, 'busy.db')]);
      expectOneLineFailure(result, new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use`));
    } finally {
      busy.close();
    }
  });

  it('an invalid JWT_PUBLIC_KEY: one line, non-zero exit, never "listening"', async () => {
    const result = await run('src/cli.ts', ['--port', '0', '--db', join(dir, 'key.db')], { JWT_PUBLIC_KEY: 'garbage' });
    expectOneLineFailure(result, /JWT_PUBLIC_KEY is not an RSA public key/);
  });

  it('a bad option: one line, non-zero exit', async () => {
    expectOneLineFailure(await run('src/cli.ts', ['--port', 'x']), /--port must be an integer/);
    expectOneLineFailure(await run('src/cli.ts', ['--bogus']), /Unknown option '--bogus'/);
    expectOneLineFailure(await run('src/cli.ts', ['--public-url', 'cf.example.test']), /--public-url must be an http/);
    expectOneLineFailure(
      await run('src/cli.ts', ['--disable-feature-flag', 'app_scaling']),
      /unknown feature flag app_scaling/,
    );
  });

  it('--public-url is what /v2/info names; --disable-feature-flag is what the flag reads', async () => {
    const path = join(dir, 'public-url', 'reference.db');
    const { child, url } = await startCli([
      '--db',
      path,
      '--public-url',
      'http://cf.example.test:1234',
      '--disable-feature-flag',
      'unset_roles_by_username',
    ]);
    try {
      const info = (await (await fetch(`${url}/v2/info`)).json()) as { authorization_endpoint: string };
      expect(info.authorization_endpoint).toBe('http://cf.example.test:1234');
      const login = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=admin&password=admin',
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const flag = async (name: string) =>
        (
          (await (
            await fetch(`${url}/v2/config/feature_flags/${name}`, { headers: { Authorization: `bearer ${token}` } })
          ).json()) as {
            enabled: boolean;
          }
        ).enabled;
      expect(await flag('unset_roles_by_username')).toBe(false);
      expect(await flag('set_roles_by_username')).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a database file the server may only read: refused at start', async () => {
    const readOnlyDir = join(dir, 'read-only');
    mkdirSync(readOnlyDir);
    const path = join(readOnlyDir, 'cc.db');
    await new SqliteStore(path).close();
    chmodSync(path, 0o444);
    chmodSync(readOnlyDir, 0o555);
    try {
      const result = await run('src/cli.ts', ['--port', '0', '--db', path], {}, true);
      expectOneLineFailure(result, new RegExp(`${path} is not writable`));
    } finally {
      chmodSync(readOnlyDir, 0o755);
    }
  });

  it('first run on a new database: seeded, the README username works with a token from the token command', async () => {
    const path = join(dir, 'first-run', 'reference.db');
    const { child, url } = await startCli(['--db', path]);
    try {
      const token = (
        await run('src/token-cli.ts', ['--scopes', 'cloud_controller.admin', '--user', fixtures.adminUserId])
      ).stdout.trim();
      const response = await fetch(`${url}/v2/organizations/${fixtures.organizations.name1766}/users`, {
        method: 'PUT',
        headers: { Authorization: `bearer ${token}` },
        body: JSON.stringify({ username: 'user@example.com' }),
      });
      expect(response.status).toBe(201);
      const memberToken = (
        await run('src/token-cli.ts', ['--scopes', 'update:org', '--user', fixtures.membersAdminUserId])
      ).stdout.trim();
      const member = await fetch(`${url}/v1/organization/members/${fixtures.memberUserId}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${memberToken}` },
      });
      expect(member.status).toBe(204);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('Cloud Controller rate limit options', { timeout: 60_000 }, () => {
  it('--cf-v2-rate-limit and CF_UNAUTHENTICATED_RATE_LIMIT produce their 429s; a bad value is one line', async () => {
    expectOneLineFailure(await run('src/cli.ts', ['--cf-v2-rate-limit', 'many']), /--cf-v2-rate-limit/);
    const path = join(dir, 'limits', 'reference.db');
    const { child, url } = await startCli(['--db', path, '--cf-v2-rate-limit', '1/60000'], {
      CF_UNAUTHENTICATED_RATE_LIMIT: '1/60000',
    });
    try {
      const rolePath = `${url}/v2/organizations/${fixtures.organizations.name1766}/users`;
      const put = (headers: Record<string, string>) =>
        fetch(rolePath, { method: 'PUT', headers, body: JSON.stringify({ username: 'user@example.com' }) });
      expect((await put({})).status).toBe(401);
      const ipLimited = await put({});
      expect(ipLimited.status).toBe(429);
      expect(await ipLimited.json()).toMatchObject({ code: 10014 });
      const token = (
        await run('src/token-cli.ts', ['--scopes', 'cloud_controller.admin', '--user', fixtures.adminUserId])
      ).stdout.trim();
      expect((await put({ Authorization: `bearer ${token}` })).status).toBe(201);
      const v2Limited = await put({ Authorization: `bearer ${token}` });
      expect(v2Limited.status).toBe(429);
      expect(v2Limited.headers.get('x-ratelimit-limit-v2-api')).toBe('1');
      expect(await v2Limited.json()).toMatchObject({ code: 10018 });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('UAA rate limit option', { timeout: 60_000 }, () => {
  it('UAA_RATE_LIMIT limits the built-in UAA per address; a bad --uaa-rate-limit is one line', async () => {
    expectOneLineFailure(await run('src/cli.ts', ['--uaa-rate-limit', '5/0']), /--uaa-rate-limit/);
    const { child, url } = await startCli(['--db', join(dir, 'uaa-limit', 'reference.db')], {
      UAA_RATE_LIMIT: '1/60000',
    });
    try {
      expect((await fetch(`${url}/login`)).status).toBe(200);
      const limited = await fetch(`${url}/login`);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({
        error:
          '429 - Too Many Request - Request limited by Rate Limiter configuration: Name: LoginPage Type: RemoteAddressID',
      });
      expect((await fetch(`${url}/v2/info`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('token command', { timeout: 60_000 }, () => {
  it('a member API token defaults to the fixture organization and the member API issuer and audience', async () => {
    const result = await run('src/token-cli.ts', ['--scopes', 'update:org', '--user', 'u1']);
    expect(result.code).toBe(0);
    expect(decodeJwt(result.stdout.trim())).toMatchObject({
      org_id: fixtures.membersOrgId,
      iss: defaultTokenExpectations.members.issuer,
      aud: defaultTokenExpectations.members.audience,
    });
    const cf = await run('src/token-cli.ts', ['--scopes', 'cloud_controller.admin', '--user', 'u1']);
    expect(decodeJwt(cf.stdout.trim())).toMatchObject({ iss: defaultTokenExpectations.cloudController.issuer });
    expect(decodeJwt(cf.stdout.trim())).not.toHaveProperty('org_id');
  });

  it('bad input: one line, non-zero exit', async () => {
    expectOneLineFailure(
      await run('src/token-cli.ts', ['--scopes', 'update:org', '--user', 'u', '--expires', 'soon']),
      /--expires must be an integer/,
    );
    expectOneLineFailure(await run('src/token-cli.ts', ['--scopes', 'update:org']), /--user is required/);
  });
});
