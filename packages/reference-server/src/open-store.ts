import { PgStore } from './pg-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** SQLite only: fsync every commit (PostgreSQL's own fsync setting governs there). */
  fsyncEveryCommit?: boolean;
  /** PostgreSQL only: where faults of idle pooled connections are reported. */
  log?: (line: string) => void;
}

/** A postgres:// or postgresql:// URL selects PostgreSQL; anything else is an SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Opens (and migrates) the store that `database` names. */
export async function openStore(database: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(database)) return PgStore.open(database, options.log ? { log: options.log } : {});
  return new SqliteStore(database, { fsyncEveryCommit: options.fsyncEveryCommit ?? false });
}
