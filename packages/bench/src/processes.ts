import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServeConfig } from './serve.js';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * CPU placement on a machine with at least 2 cores: the load generator (this process) on
 * core 0, every server under test on core 1, so that they do not take turns on one core.
 */
export const placement = (() => {
  const cores = availableParallelism();
  const taskset = cores >= 2 && spawnSync('taskset', ['-V']).status === 0;
  return { cores, pinned: taskset, loadGeneratorCpu: 0, serverCpu: cores - 1 };
})();

/** Pins every thread of this process (the load generator) to its core. */
export function pinLoadGenerator(): boolean {
  if (!placement.pinned) return false;
  return spawnSync('taskset', ['-a', '-cp', String(placement.loadGeneratorCpu), String(process.pid)]).status === 0;
}

function pinnedCommand(command: string[], pin: boolean): string[] {
  return pin && placement.pinned ? ['taskset', '-c', String(placement.serverCpu), ...command] : command;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawning the process to its first answered request. */
  startupMs: number;
  /** Resident set size in bytes, read from /proc (undefined where there is no /proc). */
  rss(): number | undefined;
  /** Sends a message over the IPC channel and waits for the reply of type `replyType`. */
  ask(message: object, replyType: string): Promise<void>;
  stop(): Promise<void>;
}

function rssOf(pid: number | undefined): number | undefined {
  const status = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(status)) return undefined;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'));
  return match ? Number(match[1]) * 1024 : undefined;
}

function wrap(name: string, url: string, child: ChildProcess, startupMs: number): ServerProcess {
  return {
    name,
    url,
    child,
    startupMs,
    rss: () => rssOf(child.pid),
    ask: (message, replyType) =>
      new Promise((resolve, reject) => {
        const onMessage = (reply: { type?: string }) => {
          if (reply.type !== replyType) return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        if (!child.send?.(message)) reject(new Error(`${name} has no IPC channel`));
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts src/serve.ts in its own process and waits for its URL. */
export function startServerProcess(
  name: string,
  config: ServeConfig,
  options: { pin: boolean; ipc?: boolean },
): Promise<ServerProcess> {
  const node = [process.execPath, '--import', 'tsx', join(packageDir, 'src/serve.ts')];
  const command = pinnedCommand(node, options.pin);
  const spawned = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: packageDir,
    env: { ...process.env, BENCH_SERVE_CONFIG: JSON.stringify(config) },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env['BENCH_DEBUG']) process.stderr.write(chunk);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(wrap(name, (JSON.parse(line) as { url: string }).url, child, Math.round(performance.now() - spawned)));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with ${code} before listening: ${stderr.slice(-2000)}`)),
    );
  });
}

/** Starts any command that serves on `port`, and polls until `probe` answers. */
export async function startCommand(
  name: string,
  command: string[],
  port: number,
  probe: (url: string) => Promise<void>,
  options: { pin: boolean; timeoutMs?: number },
): Promise<ServerProcess> {
  const full = pinnedCommand(command, options.pin);
  const spawned = performance.now();
  // The Prism CLI logs every request: its log goes nowhere, as a quiet deployment's would.
  const child = spawn(full[0]!, full.slice(1), { cwd: packageDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env['BENCH_DEBUG']) process.stderr.write(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
    try {
      await probe(url);
      return wrap(name, url, child, Math.round(performance.now() - spawned));
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not answer within the time limit: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Runs a command to completion and returns its wall time; throws when it fails. */
export function timeCommand(command: string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  // Children inherit this process's pinning: give the command every core back.
  const full = placement.pinned ? ['taskset', '-c', `0-${placement.cores - 1}`, ...command] : command;
  const started = performance.now();
  const child = spawn(full[0]!, full.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env['BENCH_DEBUG']) process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout });
      else reject(new Error(`${command.join(' ')} exited with ${code}: ${(stderr || stdout).slice(-2000)}`));
    });
  });
}
