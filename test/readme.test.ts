// The README as a newcomer follows it: in a fresh clone of this working tree, with only Node's
// and npm's folders (and the system's) on PATH, every command it shows must run as typed.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockCommands,
  innerCommands,
  isAssignment,
  shellBlocks,
  tableCommands,
  tableProblems,
  unresolved,
  which,
} from './support/readme.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const run = promisify(execFile);

// Node's and npm's folders, then the system's (curl, sh, git): no pnpm, no node_modules/.bin.
const npmPath = which('npm', process.env['PATH'] ?? '');
const plainPath = [
  ...new Set([dirname(process.execPath), ...(npmPath ? [dirname(npmPath)] : []), '/usr/bin', '/bin']),
].join(delimiter);
// Only the user's settings (home, locale, pnpm store and caches), none of the npm/pnpm run
// variables around this test (INIT_CWD would move the reference server's database).
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) =>
      /^(HOME|USER|LOGNAME|LANG|LC_\w+|TZ|TMPDIR|TERM|XDG_\w+|npm_config_(store_dir|cache|cache_dir|registry|nodedir))$/.test(
        name,
      ),
    ),
  ),
  PATH: plainPath,
};

function allCommands(): { command: string; folder: string }[] {
  const fromBlocks = shellBlocks(readme)
    .flatMap(blockCommands)
    .filter((command) => !isAssignment(command))
    .flatMap(innerCommands)
    .map((command) => ({ command, folder: '.' }));
  return [...fromBlocks, ...tableCommands(readme)];
}

describe('README', () => {
  it('renders every table as one table', () => {
    expect(tableProblems(readme)).toEqual([]);
  });

  it('finds a table split by a blank line, and a row with a cell too many', () => {
    const split = '| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n';
    expect(tableProblems(split)).toEqual([`line 5 is a table row outside any table: | 3 | 4 |`]);
    expect(tableProblems('| a | b |\n|---|---|\n| 1 | 2 | 3 |\n')).toHaveLength(1);
    expect(tableProblems('| a | b \\| c |\n|---|---|\n| 1 | `x \\| y` |\n')).toEqual([]);
  });

  it('shows its commands in the forms the resolution check knows', () => {
    const commands = allCommands().map(({ command }) => command);
    expect(commands).toContain('npm start');
    expect(commands).toContain(
      'npm run --silent token -- --scopes cloud_controller.admin --user b1d4a6e2-3c5f-4a7b-8d9e-0f1a2b3c4d5e',
    );
    expect(commands).toContain('npm run --silent contract-env');
    expect(commands).toContain('npm run lint');
    expect(commands.filter((command) => command.startsWith('curl ')).length).toBeGreaterThanOrEqual(16);
  });
});

// Long-running commands of the walk-through: each in its own process group, stopped with SIGINT
// as Ctrl-C does.
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const running = new Set<Running>();

function start(command: string, cwd: string, env: NodeJS.ProcessEnv = cleanEnv): Running {
  const child = spawn('/bin/bash', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const handle = { child, output: () => output, exited };
  running.add(handle);
  return handle;
}

async function waitFor(handle: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(handle.output());
    if (match) return match;
    if (handle.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} from the command; its output:\n${handle.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function interrupt(handle: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  process.kill(-handle.child.pid!, 'SIGINT');
  const kill = setTimeout(() => process.kill(-handle.child.pid!, 'SIGKILL'), 20_000);
  const result = await handle.exited;
  clearTimeout(kill);
  running.delete(handle);
  return result;
}

/** Runs shell lines as typed (bash), returning stdout and stderr. */
async function typed(lines: string, cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('/bin/bash', ['-c', lines], { cwd, env: cleanEnv, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
}

const statusLine = /^HTTP\/1\.1 (\d{3})/;

describe('a fresh clone, walked through as the README says', () => {
  let work: string;
  let clone: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'readme-walk-'));
    clone = join(work, 'repo');
    await run('git', ['clone', '--quiet', repoRoot, clone]);
    // The working tree as it is, uncommitted changes included.
    const diff = spawnSync('git', ['diff', 'HEAD', '--binary'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    if (diff.stdout.length > 0) {
      const applied = spawnSync('git', ['apply', '--whitespace=nowarn'], { cwd: clone, input: diff.stdout });
      expect(applied.status, applied.stderr.toString()).toBe(0);
    }
    // What `npm test` installs, from the store this tree was installed from (no downloads).
    await run(join(repoRoot, 'node_modules', '.bin', 'pnpm'), ['install', '--frozen-lockfile', '--offline'], {
      cwd: clone,
      env: cleanEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    // The bundle and docs `npm test` has just built: `npm start` then serves them as they are.
    if (existsSync(join(repoRoot, 'dist'))) cpSync(join(repoRoot, 'dist'), join(clone, 'dist'), { recursive: true });
  }, 300_000);

  afterAll(async () => {
    for (const handle of running) await interrupt(handle);
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('has no pnpm on the plain PATH (else the next check proves nothing)', () => {
    expect(which('pnpm', plainPath)).toBeUndefined();
  });

  it('resolves the first word of every command in the README', () => {
    const problems = allCommands()
      .map(({ command, folder }) => ({ command, problem: unresolved(command, clone, folder, plainPath) }))
      .filter(({ problem }) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('reports a pnpm command as not found on the plain PATH', () => {
    expect(unresolved('pnpm lint', clone, '.', plainPath)).toBe('pnpm: command not found');
    expect(unresolved('npm run no-such-script', clone, '.', plainPath)).toMatch(/no script "no-such-script"/);
  });

  it('npm start serves the mock; every curl example gets its documented status; Ctrl-C stops it', async () => {
    const mock = start('MOCK_PORT=0 npm start', clone);
    const [, url] = await waitFor(mock, /API +(http:\/\/127\.0\.0\.1:\d+)/, 150_000);
    await waitFor(mock, /Press Ctrl-C to stop/, 10_000);

    const block = shellBlocks(readme).find((text) => text.includes('MOCK=http://127.0.0.1:4010'))!;
    const commands = blockCommands(block);
    const assignments = commands
      .filter(isAssignment)
      .map((line) => (line.startsWith('MOCK=') ? `MOCK=${url}` : line))
      .join('\n');
    const curls = commands.filter((line) => line.startsWith('curl '));
    // The statuses the comments above each command name, in order.
    const documented = [201, 201, 400, 200, 204, 400, 201, 404, 403, 503, 429, 401, 204, 403, 400];
    expect(curls).toHaveLength(documented.length);
    const statuses: number[] = [];
    for (const curl of curls) {
      const { stdout } = await typed(`${assignments}\n${curl}`, clone);
      statuses.push(Number(statusLine.exec(stdout)?.[1]));
    }
    expect(statuses).toEqual(documented);

    const { code, signal } = await interrupt(mock);
    expect(mock.output()).toContain('Mock stopped.');
    expect(mock.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM|npm error/);
    // npm passes Ctrl-C on as a signal; the mock itself stopped cleanly.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
  }, 240_000);

  it('pnpm mock exits 0 on Ctrl-C, without a pnpm failure line', async () => {
    const mock = start(`${join(clone, 'node_modules', '.bin', 'pnpm')} mock --port 0`, clone);
    await waitFor(mock, /Press Ctrl-C to stop/, 120_000);
    const { code } = await interrupt(mock);
    expect(mock.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM/);
    expect(code).toBe(0);
  }, 180_000);

  it('the reference server as documented: a captured token, a documented call, the captured contract env', async () => {
    const block = shellBlocks(readme).find((text) => text.includes('npm run server'))!;
    const commands = blockCommands(block);
    const serverCommand = commands.find((line) => line.startsWith('npm run server -- --port 9000'))!;
    const db = join(work, 'reference.db');
    const server = start(serverCommand.replace('--port 9000', '--port 0').replace('/tmp/cc.db', db), clone);
    const [, base] = await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 120_000);

    // TOKEN=$(...) captures the token alone, and the documented call works with it.
    const tokenLine = commands.find((line) => line.startsWith('TOKEN=$('))!;
    const call = commands.find((line) => line.startsWith('curl ') && line.includes('127.0.0.1:9000'))!;
    const session = await typed(
      `${tokenLine}\nprintf '%s\\n' "$TOKEN"\n${call.replace('http://127.0.0.1:9000', base!)}`,
      clone,
    );
    const [token, status] = session.stdout.split('\n');
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statusLine.exec(status!)?.[1]).toBe('201');

    // eval "$(...)" gets only export lines, and creates no stray files.
    const evalLine = commands.find((line) => line.startsWith('eval '))!;
    const inner = innerCommands(evalLine)[0]!;
    const printed = await typed(inner, clone);
    const lines = printed.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((line) => !/^export [A-Z][A-Z0-9_]*=\S+$/.test(line))).toEqual([]);
    const exported = await typed(`${evalLine}\nprintf '%s' "$CF_ADMIN_TOKEN"`, clone);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(existsSync(join(clone, 'tsx'))).toBe(false);

    const { code, signal } = await interrupt(server);
    expect(server.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM|npm error/);
    expect(code === 0 || signal === 'SIGINT').toBe(true);
  }, 240_000);
});
