import { createHash } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_VERSION, migrationSql, newerSchemaError } from './migrations.js';
import {
  FEATURE_FLAG_DEFAULTS,
  StorageError,
  defaultAuditRetention,
  organizationFromRow,
  spaceFromRow,
  type ChangeContext,
  type Dataset,
  type DirectoryUser,
  type FeatureFlag,
  type OrgRole,
  type Organization,
  type OrganizationRow,
  type GrantSpaceRoleResult,
  type RevokeResult,
  type RoleEvent,
  type Space,
  type SpaceRole,
  type SpaceRow,
  type Store,
  type UserRoles,
} from './store.js';

// The store on PostgreSQL (node-postgres and its pool), for several server instances on one
// database. Every change is one transaction that first takes a transaction-scoped advisory
// lock on its (organization, user) pair: changes to one pair, from any instance, run one
// after the other, so the audit sequence of a pair is its commit order and the final state
// is the one its last committed change implies. Idempotence comes from the constraints
// (ON CONFLICT DO NOTHING, DELETE of what is there), never from a read before a write; as on
// SQLite, only a change that changed something is recorded in the audit table.
// A change resolves only after its COMMIT has returned, with synchronous_commit on.
// Lists are ordered byte-wise (COLLATE "C"), as SQLite orders them, whatever the database's collation.

export interface PgStoreOptions {
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Where connection faults of idle pooled clients are reported. Default: stderr. */
  log?: (line: string) => void;
  /** How many of the newest audit events to keep. Default defaultAuditRetention. */
  auditRetention?: number;
}

/** The URL without its password, fit for a log line or an error message. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** One line for an error from pg or from the socket (AggregateError of several addresses included). */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return error.errors.map((inner: unknown) => describe(inner)).join('; ');
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name;
  return String(error);
}

// PostgreSQL text cannot hold NUL: such a key matches no row, and audit text shows it as U+FFFD.
const hasNul = (...values: string[]): boolean => values.some((value) => value.includes('\0'));
const auditText = (value: string | undefined): string | null =>
  value === undefined ? null : value.replace(/\0/g, '\uFFFD');

type Queryable = Pick<pg.PoolClient, 'query'>;

const EVENT_COLUMNS = 'events (type, organization_guid, user_id, role, actor_user_id, request_id, created_at)';
const INSERT_EVENT = `INSERT INTO ${EVENT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7)`;
/** The event, once for each row of `source`: only a change that changed something is recorded. */
const insertEventFor = (source: string) =>
  `INSERT INTO ${EVENT_COLUMNS}
   SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text FROM ${source}`;

/** A 32-bit advisory lock key for a value (a collision only makes two pairs wait on each other). */
function lockKey(value: string): number {
  return createHash('sha256').update(value).digest().readInt32BE(0);
}

// The statements of every request are named: each connection parses and plans them once.
export class PgStore implements Store {
  readonly #pool: pg.Pool;
  readonly #log: (line: string) => void;
  readonly #auditRetention: number;
  /** Changes committed since the audit table was last pruned (by this instance). */
  #changesSincePrune = 0;
  #closed: Promise<void> | undefined;

  private constructor(pool: pg.Pool, log: (line: string) => void, auditRetention: number) {
    this.#pool = pool;
    this.#log = log;
    this.#auditRetention = auditRetention;
  }

  /** Connects, applies the migrations not yet applied (once, whatever the number of instances starting). */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A database that does not answer fails the request (503 / 500) instead of hanging it.
      connectionTimeoutMillis: 5_000,
      query_timeout: 15_000,
      application_name: 'org-membership-reference-server',
      // The promise: nothing is acknowledged before its COMMIT is on disk.
      options: '-c synchronous_commit=on',
    });
    // A pooled connection that the server ends (restart, failover) must not crash the process.
    pool.on('error', (error) => log(`PostgreSQL connection lost: ${describe(error)}`));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StorageError(`cannot open the PostgreSQL database ${redactDatabaseUrl(url)}: ${describe(error)}`);
    }
    return new PgStore(pool, log, options.auditRetention ?? defaultAuditRetention);
  }

  /** `begin` opens the transaction: BEGIN, or BEGIN and more in the same round trip. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it.
      const broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      client.release(broken instanceof Error ? broken : undefined);
      throw error;
    }
  }

  /** A change to one (organization, user) pair, serialised with every other change to that pair. */
  async #change<T>(organization: string, userId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // One round trip for both; the keys are integers, so the text holds no client input.
    const begin = `BEGIN; SELECT pg_advisory_xact_lock(${lockKey(organization)}, ${lockKey(userId)})`;
    const result = await this.#transaction(work, begin);
    // The audit table keeps the newest events: pruned every so many changes, outside the
    // changes' own transactions (a shared range delete in each would make them wait on each other).
    this.#changesSincePrune += 1;
    if (this.#changesSincePrune >= Math.min(100, this.#auditRetention)) {
      this.#changesSincePrune = 0;
      await this.#pool
        .query({
          name: 'prune-events',
          text: 'DELETE FROM events WHERE sequence <= (SELECT max(sequence) FROM events) - $1',
          values: [this.#auditRetention],
        })
        .catch((error: unknown) => this.#log(`pruning the audit events failed: ${describe(error)}`));
    }
    return result;
  }

  #eventValues(
    type: RoleEvent['type'],
    organization: string,
    userId: string,
    role: string | null,
    context: ChangeContext,
  ) {
    return [
      type,
      auditText(organization),
      auditText(userId),
      role,
      auditText(context.actorUserId),
      auditText(context.requestId),
      new Date().toISOString(),
    ];
  }

  async #record(
    client: Queryable,
    type: RoleEvent['type'],
    organization: string,
    userId: string,
    role: string | null,
    context: ChangeContext,
  ): Promise<void> {
    await client.query(INSERT_EVENT, this.#eventValues(type, organization, userId, role, context));
  }

  async findUsersByUsername(username: string): Promise<DirectoryUser[]> {
    if (hasNul(username)) return [];
    const { rows } = await this.#pool.query<DirectoryUser>({
      name: 'users-by-username',
      text: 'SELECT id, username, origin FROM users WHERE username = $1 ORDER BY position',
      values: [username],
    });
    return rows;
  }

  async findOrganization(guid: string): Promise<Organization | undefined> {
    if (hasNul(guid)) return undefined;
    const { rows } = await this.#pool.query<OrganizationRow>({
      name: 'organization',
      text: 'SELECT * FROM organizations WHERE guid = $1',
      values: [guid],
    });
    const row = rows[0];
    if (!row) return undefined;
    return organizationFromRow(row);
  }

  async hasOrgRole(organizationGuid: string, userId: string, role: OrgRole): Promise<boolean> {
    if (hasNul(organizationGuid, userId)) return false;
    const { rowCount } = await this.#pool.query({
      name: 'has-org-role',
      text: 'SELECT 1 FROM org_roles WHERE organization_guid = $1 AND user_id = $2 AND role = $3',
      values: [organizationGuid, userId, role],
    });
    return (rowCount ?? 0) > 0;
  }

  async getFeatureFlag(flag: FeatureFlag): Promise<boolean> {
    const { rows } = await this.#pool.query<{ enabled: number }>({
      name: 'feature-flag',
      text: 'SELECT enabled FROM feature_flags WHERE name = $1',
      values: [flag],
    });
    return rows[0] ? rows[0].enabled !== 0 : FEATURE_FLAG_DEFAULTS[flag];
  }

  async setFeatureFlag(flag: FeatureFlag, enabled: boolean): Promise<void> {
    await setFeatureFlag(this.#pool, flag, enabled);
  }

  async findSpace(guid: string): Promise<Space | undefined> {
    if (hasNul(guid)) return undefined;
    const { rows } = await this.#pool.query<SpaceRow>({
      name: 'space',
      text: 'SELECT * FROM spaces WHERE guid = $1',
      values: [guid],
    });
    const row = rows[0];
    if (!row) return undefined;
    return spaceFromRow(row);
  }

  async hasSpaceRole(spaceGuid: string, userId: string, role: SpaceRole): Promise<boolean> {
    if (hasNul(spaceGuid, userId)) return false;
    const { rowCount } = await this.#pool.query({
      name: 'has-space-role',
      text: 'SELECT 1 FROM space_roles WHERE space_guid = $1 AND user_id = $2 AND role = $3',
      values: [spaceGuid, userId, role],
    });
    return (rowCount ?? 0) > 0;
  }

  async hasCloudControllerRecord(userId: string): Promise<boolean> {
    if (hasNul(userId)) return false;
    const { rowCount } = await this.#pool.query({
      name: 'cloud-controller-record',
      text: 'SELECT 1 FROM users WHERE id = $1 AND cloud_controller_record = 1',
      values: [userId],
    });
    return (rowCount ?? 0) > 0;
  }

  // A space role change is serialised with the changes of the space's organization and the
  // user, so that it cannot cross a recursive removal of the user from that organization.
  async grantSpaceRole(
    spaceGuid: string,
    userId: string,
    role: SpaceRole,
    context: ChangeContext,
  ): Promise<GrantSpaceRoleResult> {
    const space = await this.findSpace(spaceGuid);
    if (!space || hasNul(userId)) return { ok: false, reason: 'not_in_organization' };
    return this.#change(space.organizationGuid, userId, async (client): Promise<GrantSpaceRoleResult> => {
      const member = await client.query(
        "SELECT 1 FROM org_roles WHERE organization_guid = $1 AND user_id = $2 AND role = 'users'",
        [space.organizationGuid, userId],
      );
      if ((member.rowCount ?? 0) === 0) return { ok: false, reason: 'not_in_organization' };
      const granted = await client.query(
        'INSERT INTO space_roles (space_guid, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [spaceGuid, userId, role],
      );
      if ((granted.rowCount ?? 0) > 0) {
        await this.#record(client, 'space_role_add', space.organizationGuid, userId, `${spaceGuid}/${role}`, context);
      }
      return { ok: true };
    });
  }

  async revokeSpaceRole(spaceGuid: string, userId: string, role: SpaceRole, context: ChangeContext): Promise<void> {
    const space = await this.findSpace(spaceGuid);
    if (!space || hasNul(userId)) return;
    await this.#change(space.organizationGuid, userId, async (client) => {
      const revoked = await client.query(
        'DELETE FROM space_roles WHERE space_guid = $1 AND user_id = $2 AND role = $3',
        [spaceGuid, userId, role],
      );
      if ((revoked.rowCount ?? 0) > 0) {
        await this.#record(
          client,
          'space_role_remove',
          space.organizationGuid,
          userId,
          `${spaceGuid}/${role}`,
          context,
        );
      }
    });
  }

  grantOrgRole(organizationGuid: string, userId: string, role: OrgRole, context: ChangeContext): Promise<void> {
    return this.#change(organizationGuid, userId, async (client) => {
      // As Cloud Controller, which creates its record of a user on the first association.
      await client.query({
        name: 'create-cloud-controller-record',
        text: 'UPDATE users SET cloud_controller_record = 1 WHERE id = $1 AND cloud_controller_record = 0',
        values: [userId],
      });
      // The change and its audit record in one statement (one round trip).
      await client.query({
        name: 'grant-org-role',
        text: `WITH granted AS (
           INSERT INTO org_roles (organization_guid, user_id, role) VALUES ($8, $9, $10) ON CONFLICT DO NOTHING
           RETURNING 1
         ) ${insertEventFor('granted')}`,
        values: [
          ...this.#eventValues('org_role_add', organizationGuid, userId, role, context),
          organizationGuid,
          userId,
          role,
        ],
      });
    });
  }

  revokeOrgRole(
    organizationGuid: string,
    userId: string,
    role: OrgRole,
    recursive: boolean,
    context: ChangeContext,
  ): Promise<RevokeResult> {
    return this.#change(organizationGuid, userId, async (client): Promise<RevokeResult> => {
      if (role === 'users') {
        const { rows: spaceRoles } = await client.query<{ space_guid: string; role: string }>(
          `SELECT r.space_guid, r.role FROM space_roles r JOIN spaces s ON s.guid = r.space_guid
           WHERE s.organization_guid = $1 AND r.user_id = $2 ORDER BY r.space_guid COLLATE "C", r.role COLLATE "C"`,
          [organizationGuid, userId],
        );
        if (spaceRoles.length > 0 && !recursive) return { ok: false, reason: 'association_not_empty' };
        if (recursive) {
          for (const spaceRole of spaceRoles) {
            await client.query('DELETE FROM space_roles WHERE space_guid = $1 AND user_id = $2 AND role = $3', [
              spaceRole.space_guid,
              userId,
              spaceRole.role,
            ]);
            const what = `${spaceRole.space_guid}/${spaceRole.role}`;
            await this.#record(client, 'space_role_remove', organizationGuid, userId, what, context);
          }
          const { rows: others } = await client.query<{ role: string }>(
            `DELETE FROM org_roles WHERE organization_guid = $1 AND user_id = $2 AND role <> 'users' RETURNING role`,
            [organizationGuid, userId],
          );
          const removed = others.map((other) => other.role).sort();
          for (const other of removed) {
            await this.#record(client, 'org_role_remove', organizationGuid, userId, other, context);
          }
        }
      }
      await client.query({
        name: 'revoke-org-role',
        text: `WITH revoked AS (
           DELETE FROM org_roles WHERE organization_guid = $8 AND user_id = $9 AND role = $10 RETURNING 1
         ) ${insertEventFor('revoked')}`,
        values: [
          ...this.#eventValues('org_role_remove', organizationGuid, userId, role, context),
          organizationGuid,
          userId,
          role,
        ],
      });
      return { ok: true };
    });
  }

  removeMember(organizationId: string, userId: string, context: ChangeContext): Promise<boolean> {
    return this.#change(organizationId, userId, async (client) => {
      // No member can have such a key: nothing to remove, nothing to record.
      if (hasNul(organizationId, userId)) return false;
      const event = this.#eventValues('member_remove', organizationId, userId, null, context);
      const { rows } = await client.query<{ removed: number }>({
        name: 'remove-member',
        text: `WITH removed AS (
           DELETE FROM members WHERE organization_id = $8 AND user_id = $9 RETURNING 1
         ), recorded AS (${insertEventFor('removed')})
         SELECT count(*)::int AS removed FROM removed`,
        values: [...event, organizationId, userId],
      });
      return rows[0]!.removed > 0;
    });
  }

  async listOrgRoles(organizationGuid: string): Promise<Array<{ userId: string; role: OrgRole }>> {
    const { rows } = await this.#pool.query<{ userId: string; role: OrgRole }>(
      `SELECT user_id AS "userId", role FROM org_roles WHERE organization_guid = $1
       ORDER BY user_id COLLATE "C", role COLLATE "C"`,
      [organizationGuid],
    );
    return rows;
  }

  async listSpaceRoles(
    organizationGuid: string,
  ): Promise<Array<{ spaceGuid: string; userId: string; role: SpaceRole }>> {
    const { rows } = await this.#pool.query<{ spaceGuid: string; userId: string; role: SpaceRole }>(
      `SELECT r.space_guid AS "spaceGuid", r.user_id AS "userId", r.role FROM space_roles r
       JOIN spaces s ON s.guid = r.space_guid WHERE s.organization_guid = $1
       ORDER BY r.space_guid COLLATE "C", r.user_id COLLATE "C", r.role COLLATE "C"`,
      [organizationGuid],
    );
    return rows;
  }

  async listMembers(organizationId: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ user_id: string }>(
      'SELECT user_id FROM members WHERE organization_id = $1 ORDER BY user_id COLLATE "C"',
      [organizationId],
    );
    return rows.map((row) => row.user_id);
  }

  async listEvents(): Promise<RoleEvent[]> {
    const { rows } = await this.#pool.query<RoleEvent>(
      `SELECT sequence::float8 AS sequence, type, organization_guid AS "organizationGuid", user_id AS "userId", role,
              actor_user_id AS "actorUserId", request_id AS "requestId"
       FROM events ORDER BY sequence`,
    );
    return rows;
  }

  async listOrganizations(): Promise<Organization[]> {
    const { rows } = await this.#pool.query<OrganizationRow>({
      name: 'organizations',
      text: 'SELECT * FROM organizations',
    });
    return rows.map(organizationFromRow);
  }

  async listSpaces(organizationGuid?: string): Promise<Space[]> {
    if (organizationGuid !== undefined && hasNul(organizationGuid)) return [];
    const { rows } =
      organizationGuid === undefined
        ? await this.#pool.query<SpaceRow>({ name: 'spaces', text: 'SELECT * FROM spaces' })
        : await this.#pool.query<SpaceRow>({
            name: 'spaces-of-organization',
            text: 'SELECT * FROM spaces WHERE organization_guid = $1',
            values: [organizationGuid],
          });
    return rows.map(spaceFromRow);
  }

  async findUserById(id: string): Promise<DirectoryUser | undefined> {
    if (hasNul(id)) return undefined;
    const { rows } = await this.#pool.query<DirectoryUser>({
      name: 'user-by-id',
      text: 'SELECT id, username, origin FROM users WHERE id = $1',
      values: [id],
    });
    return rows[0];
  }

  async listRolesOfUser(userId: string): Promise<UserRoles> {
    if (hasNul(userId)) return { orgRoles: [], spaceRoles: [] };
    const [orgRoles, spaceRoles] = await Promise.all([
      this.#pool.query<UserRoles['orgRoles'][number]>({
        name: 'org-roles-of-user',
        text: 'SELECT organization_guid AS "organizationGuid", role FROM org_roles WHERE user_id = $1',
        values: [userId],
      }),
      this.#pool.query<UserRoles['spaceRoles'][number]>({
        name: 'space-roles-of-user',
        text: `SELECT r.space_guid AS "spaceGuid", s.organization_guid AS "organizationGuid", r.role
               FROM space_roles r JOIN spaces s ON s.guid = r.space_guid WHERE r.user_id = $1`,
        values: [userId],
      }),
    ]);
    return { orgRoles: orgRoles.rows, spaceRoles: spaceRoles.rows };
  }

  loadDataset(name: string, dataset: Dataset): Promise<boolean> {
    return this.#transaction(async (client) => {
      // The claim comes first: a second loader waits on it, then finds the dataset there.
      const claimed = await client.query(
        'INSERT INTO loaded_datasets (name, loaded_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [name, new Date().toISOString()],
      );
      if (claimed.rowCount === 0) return false;
      const columns = <T>(rows: readonly T[], ...pick: Array<(row: T) => unknown>) =>
        pick.map((field) => rows.map(field));
      await client.query(
        `INSERT INTO organizations (guid, name, status, quota_definition_guid, billing_enabled,
           default_isolation_segment_guid, created_at, updated_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
         ON CONFLICT DO NOTHING`,
        columns(
          dataset.organizations,
          (o) => o.guid,
          (o) => o.name,
          (o) => o.status,
          (o) => o.quotaDefinitionGuid,
          (o) => (o.billingEnabled ? 1 : 0),
          (o) => o.defaultIsolationSegmentGuid,
          (o) => o.createdAt,
          (o) => o.updatedAt,
        ),
      );
      // WITH ORDINALITY: the users' identity column follows the dataset's order.
      await client.query(
        `INSERT INTO users (id, username, origin, cloud_controller_record)
         SELECT id, username, origin, record FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
           WITH ORDINALITY AS u(id, username, origin, record, n)
         ORDER BY n ON CONFLICT DO NOTHING`,
        columns(
          dataset.users,
          (u) => u.id,
          (u) => u.username,
          (u) => u.origin,
          (u) => (u.cloudControllerRecord === false ? 0 : 1),
        ),
      );
      await client.query(
        `INSERT INTO org_roles (organization_guid, user_id, role)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        columns(
          dataset.orgRoles,
          (g) => g.organizationGuid,
          (g) => g.userId,
          (g) => g.role,
        ),
      );
      await client.query(
        `INSERT INTO spaces (guid, organization_guid, name, allow_ssh, space_quota_definition_guid,
           isolation_segment_guid, created_at, updated_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
         ON CONFLICT DO NOTHING`,
        columns(
          dataset.spaces,
          (s) => s.guid,
          (s) => s.organizationGuid,
          (s) => s.name,
          (s) => (s.allowSsh ? 1 : 0),
          (s) => s.spaceQuotaDefinitionGuid,
          (s) => s.isolationSegmentGuid,
          (s) => s.createdAt,
          (s) => s.updatedAt,
        ),
      );
      await client.query(
        'INSERT INTO space_roles (space_guid, user_id, role) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING',
        columns(
          dataset.spaceRoles,
          (g) => g.spaceGuid,
          (g) => g.userId,
          (g) => g.role,
        ),
      );
      for (const [flag, enabled] of Object.entries(dataset.featureFlags)) {
        await setFeatureFlag(client, flag as FeatureFlag, enabled);
      }
      await client.query(
        'INSERT INTO members (organization_id, user_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
        columns(
          dataset.members,
          (m) => m.organizationId,
          (m) => m.userId,
        ),
      );
      return true;
    });
  }

  close(): Promise<void> {
    // Ends idle connections at once and each busy one when its transaction is done.
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }
}

async function setFeatureFlag(client: Queryable, flag: FeatureFlag, enabled: boolean): Promise<void> {
  await client.query(
    'INSERT INTO feature_flags (name, enabled) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled',
    [flag, enabled ? 1 : 0],
  );
}

/**
 * Applies the migrations not yet applied, up to `target` (default: all of them), in one
 * transaction under an advisory lock: instances that start together apply each one once.
 */
export async function migrate(pool: pg.Pool, target = SCHEMA_VERSION): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('org-membership-api schema'))`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) throw newerSchemaError(current);
    for (let version = current; version < Math.min(target, SCHEMA_VERSION); version += 1) {
      await client.query(migrationSql('postgres', version));
    }
    const reached = Math.max(current, Math.min(target, SCHEMA_VERSION));
    if (rows.length === 0) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [reached]);
    else if (reached !== current) await client.query('UPDATE schema_version SET version = $1', [reached]);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(true);
    throw error;
  }
}
