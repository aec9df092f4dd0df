// A throw-away PostgreSQL cluster for tests and benchmarks: Debian's `postgresql` binaries,
// initdb in a temporary directory, the server on a free loopback port with its unix socket in
// that directory, stopped and deleted afterwards. initdb and postgres refuse to run as root:
// as root the cluster runs as the `postgres` system user (or `nobody`), which owns the directory.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  /** The cluster's directory: data/, the unix socket and the log. */
  directory: string;
  port: number;
  /** URL of a database of this cluster (superuser, trust authentication on loopback). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server, keeping its data (for outage tests); `start` brings it back on the same port. */
  stopServer(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the directory. */
  destroy(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** The newest Debian PostgreSQL bin directory (or PG_BIN), or undefined when none is installed. */
export function findPostgresBin(): string | undefined {
  const configured = process.env['PG_BIN'];
  if (configured) return existsSync(join(configured, 'initdb')) ? configured : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of [SUPERUSER, 'nobody']) {
    const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (result.status === 0) {
      const gid = execFileSync('id', ['-g', name], { encoding: 'utf8' });
      return { uid: Number(result.stdout.trim()), gid: Number(gid.trim()) };
    }
  }
  throw new Error('running as root, but there is neither a postgres nor a nobody user to run PostgreSQL as');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      cwd: tmpdir(),
      ...user,
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args[0]} exited with ${code}: ${stderr.slice(-1500)}`)),
    );
  });
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed: `npm test` installs it (node scripts/ensure-postgres.mjs: apt-get install -y postgresql), or set PG_BIN',
    );
  }
  const user = unprivilegedUser();
  const directory = mkdtempSync(join(tmpdir(), 'reference-postgres-'));
  if (user) chownSync(directory, user.uid, user.gid);
  const data = join(directory, 'data');
  const log = join(directory, 'server.log');
  const port = await freePort();
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    user,
  );
  // Loopback and the socket only; no fsync: a throw-away cluster need not survive a power cut
  // (a killed server instance never loses what PostgreSQL committed, fsync or not).
  const serverOptions = [
    `-p ${port}`,
    `-k ${directory}`,
    `-c listen_addresses=127.0.0.1`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=32MB',
  ].join(' ');
  const pgCtl = (...args: string[]) => run(join(bin, 'pg_ctl'), args, user);
  const start = () => pgCtl('start', '-w', '-t', '60', '-D', data, '-l', log, '-o', serverOptions);
  const stopServer = () => pgCtl('stop', '-w', '-m', 'fast', '-D', data);
  // Never leave a server behind when the process ends without destroy().
  const stopAtExit = () => {
    spawnSync(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-D', data], { stdio: 'ignore', ...user });
  };
  try {
    await start();
  } catch (error) {
    const detail = existsSync(log) ? readFileSync(log, 'utf8').slice(-1500) : '';
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${detail}`);
  }
  process.once('exit', stopAtExit);
  const url = (database = 'postgres') => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  let destroyed: Promise<void> | undefined;
  return {
    directory,
    port,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stopServer,
    start,
    destroy() {
      destroyed ??= (async () => {
        process.off('exit', stopAtExit);
        await stopServer().catch(() => stopAtExit());
        rmSync(directory, { recursive: true, force: true });
      })();
      return destroyed;
    },
  };
}
