// `pnpm mock`: flags and environment, the banner, clean stop on Ctrl-C (SIGINT), clear errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const started: ChildProcess[] = [];
// A failed assertion must not leave a mock running.
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    env: { ...process.env, MOCK_HOST: '', MOCK_PORT: '', MOCK_DYNAMIC: '', MOCK_LOG: '', ...env },
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => stdout.includes('Press Ctrl-C to stop.') && resolve(stdout));
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  banner.catch(() => undefined); // awaited only by the tests that expect a start
  return { child, banner, exited, output: () => ({ stdout, stderr }) };
}

// Each test starts a process: under load, start-up alone can take longer than the default timeout.
describe('pnpm mock', { timeout: 60_000 }, () => {
  it('prints the API, docs and spec URLs, answers, and stops cleanly on SIGINT', async () => {
    const cli = startCli(['--port', '0']);
    const banner = await cli.banner;
    const api = /API +(http:\/\/127\.0\.0\.1:\d+)\n/.exec(banner)?.[1];
    expect(api).toBeDefined();
    expect(banner).toContain(`Docs  ${api}/docs/`);
    expect(banner).toContain(`${api}/openapi.json`);
    expect(banner).toContain(`DELETE ${api}/organization/members/{userId}`);
    expect(banner).toContain('static examples');
    const answer = await fetch(`${api}/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34`, {
      method: 'DELETE',
      headers: { authorization: 'bearer t' },
      signal: AbortSignal.timeout(5_000),
    });
    expect(answer.status).toBe(204);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toContain('Mock stopped.');
    await expect(fetch(api!, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });

  it('takes host, port, dynamic mode and request logging from the environment', async () => {
    const cli = startCli([], { MOCK_HOST: '127.0.0.1', MOCK_PORT: '0', MOCK_DYNAMIC: 'true', MOCK_LOG: '1' });
    const banner = await cli.banner;
    expect(banner).toContain('dynamic responses');
    const api = /API +(\S+)\n/.exec(banner)![1]!;
    await fetch(`${api}/organization/members/not-a-uuid`, {
      method: 'DELETE',
      headers: { authorization: 'bearer secret-token-value' },
      signal: AbortSignal.timeout(5_000),
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    expect(stdout).toMatch(/DELETE \/organization\/members\/not-a-uuid 400 [\d.]+ ms/);
    expect(stdout).not.toContain('secret-token-value');
  });

  it('reports the feature flags named by --disable-feature-flag (or the environment) off, and refuses an unknown one', async () => {
    const flagOf = async (api: string, name: string) =>
      (await (
        await fetch(`${api}/v2/config/feature_flags/${name}`, {
          headers: { authorization: 'bearer t' },
          signal: AbortSignal.timeout(5_000),
        })
      ).json()) as { name: string; enabled: boolean };
    const fromFlag = startCli(['--port', '0', '--disable-feature-flag', 'unset_roles_by_username']);
    const api = /API +(\S+)\n/.exec(await fromFlag.banner)![1]!;
    expect(await flagOf(api, 'unset_roles_by_username')).toMatchObject({
      name: 'unset_roles_by_username',
      enabled: false,
    });
    expect(await flagOf(api, 'set_roles_by_username')).toMatchObject({ name: 'set_roles_by_username', enabled: true });
    fromFlag.child.kill('SIGTERM');
    const fromEnv = startCli(['--port', '0'], {
      MOCK_DISABLED_FEATURE_FLAGS: 'set_roles_by_username, unset_roles_by_username',
    });
    const envApi = /API +(\S+)\n/.exec(await fromEnv.banner)![1]!;
    expect(await flagOf(envApi, 'set_roles_by_username')).toMatchObject({ enabled: false });
    expect(await flagOf(envApi, 'unset_roles_by_username')).toMatchObject({ enabled: false });
    fromEnv.child.kill('SIGTERM');
    const unknown = startCli(['--port', '0', '--disable-feature-flag', 'no_such_flag']);
    expect(await unknown.exited).toBe(1);
    expect(unknown.output().stderr).toContain(
      "no feature flag no_such_flag in the contract's examples: --disable-feature-flag takes set_roles_by_username, unset_roles_by_username",
    );
  });

  it('refuses a port that is not a number', async () => {
    const cli = startCli(['--port', 'http']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toContain('port must be an integer from 0 to 65535, not "http"');
  });

  it('says which port is taken and how to pick another', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const cli = startCli(['--port', String(port)]);
      expect(await cli.exited).toBe(2);
      expect(cli.output().stderr).toContain(`127.0.0.1:${port} is already in use: pass --port (or MOCK_PORT)`);
    } finally {
      blocker.close();
    }
  });
});
