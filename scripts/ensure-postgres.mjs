#!/usr/bin/env node
// The reference server's PostgreSQL tests start a throw-away cluster from Debian's
// `postgresql` binaries (/usr/lib/postgresql/*/bin). Installs the package when no initdb is
// there (or PG_BIN names none); needs root, as on CI. Only the binaries are used: the
// package's own cluster is not needed, and the tests never touch it. Plain JavaScript: it
// runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = '/usr/lib/postgresql';

function hasInitdb() {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb'));
  return existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, 'bin', 'initdb')));
}

export function ensurePostgres() {
  if (hasInitdb()) return 0;
  if (process.getuid?.() !== 0) {
    console.error(
      `PostgreSQL is missing (no ${root}/*/bin/initdb): install Debian's postgresql package (apt-get install -y postgresql) or set PG_BIN.`,
    );
    return 1;
  }
  console.log('> PostgreSQL is missing: apt-get install postgresql');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'postgresql']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.error?.message})`);
      return 1;
    }
  }
  return hasInitdb() ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensurePostgres());
