// The schema of both stores: one versioned list of migrations, applied in order and once.
// SQLite records the version in PRAGMA user_version, PostgreSQL in the schema_version table.
// The SQL is common to both but for two things each database spells its own way: the
// audit sequence column, and the column that keeps users in insertion order (SQLite's
// implicit rowid; PostgreSQL has none, so its users table gets an identity column).

export type Dialect = 'sqlite' | 'postgres';

const spelling = {
  sqlite: {
    sequenceKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    usersInsertionOrder: '',
    // An SQLite index ends with the rowid: it already serves ORDER BY rowid.
    usernameIndexColumns: 'username',
  },
  postgres: {
    sequenceKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    usersInsertionOrder: ',\n    position BIGINT GENERATED ALWAYS AS IDENTITY',
    usernameIndexColumns: 'username, position',
  },
} as const satisfies Record<Dialect, Record<string, string>>;

type Migration = (sql: (typeof spelling)[Dialect]) => string;

const MIGRATIONS: readonly Migration[] = [
  (d) => `
  CREATE TABLE organizations (
    guid TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleting')),
    quota_definition_guid TEXT NOT NULL,
    billing_enabled INTEGER NOT NULL DEFAULT 0,
    default_isolation_segment_guid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    origin TEXT NOT NULL,
    UNIQUE (username, origin)${d.usersInsertionOrder}
  );
  CREATE TABLE org_roles (
    organization_guid TEXT NOT NULL REFERENCES organizations (guid),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('users', 'managers', 'billing_managers', 'auditors')),
    PRIMARY KEY (organization_guid, user_id, role)
  );
  CREATE TABLE spaces (
    guid TEXT PRIMARY KEY,
    organization_guid TEXT NOT NULL REFERENCES organizations (guid),
    name TEXT NOT NULL
  );
  CREATE TABLE space_roles (
    space_guid TEXT NOT NULL REFERENCES spaces (guid),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('developers', 'managers', 'auditors')),
    PRIMARY KEY (space_guid, user_id, role)
  );
  CREATE INDEX space_roles_by_user ON space_roles (user_id);
  CREATE TABLE feature_flags (
    name TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL
  );
  CREATE TABLE members (
    organization_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
  );
  CREATE TABLE events (
    sequence ${d.sequenceKey},
    type TEXT NOT NULL,
    organization_guid TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT,
    actor_user_id TEXT,
    request_id TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE loaded_datasets (
    name TEXT PRIMARY KEY,
    loaded_at TEXT NOT NULL
  );
  `,
  // Username lookups list origins in insertion order: this index serves that order without a sort.
  (d) => `CREATE INDEX users_by_username ON users (${d.usernameIndexColumns});`,
  // Users UAA knows but Cloud Controller has no record of, and the space resource's fields.
  () => `
  ALTER TABLE users ADD COLUMN cloud_controller_record INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE spaces ADD COLUMN allow_ssh INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE spaces ADD COLUMN space_quota_definition_guid TEXT;
  ALTER TABLE spaces ADD COLUMN isolation_segment_guid TEXT;
  ALTER TABLE spaces ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
  ALTER TABLE spaces ADD COLUMN updated_at TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The SQL of migration `version` (0-based) in the given dialect. */
export function migrationSql(dialect: Dialect, version: number): string {
  const migration = MIGRATIONS[version];
  if (!migration) throw new Error(`no migration ${version}`);
  return migration(spelling[dialect]);
}

export function newerSchemaError(current: number): Error {
  return new Error(`database schema version ${current} is newer than this server (${SCHEMA_VERSION})`);
}
