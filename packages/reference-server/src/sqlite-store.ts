import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database } from './sqlite-driver.js';
import { SCHEMA_VERSION, migrationSql, newerSchemaError } from './migrations.js';
import type {
  ChangeContext,
  Dataset,
  DirectoryUser,
  FeatureFlag,
  OrgRole,
  Organization,
  OrganizationRow,
  RevokeResult,
  GrantSpaceRoleResult,
  RoleEvent,
  Space,
  SpaceRole,
  SpaceRow,
  Store,
  UserRoles,
} from './store.js';
import {
  FEATURE_FLAG_DEFAULTS,
  StorageError,
  defaultAuditRetention,
  organizationFromRow,
  spaceFromRow,
} from './store.js';

function now(): string {
  return new Date().toISOString();
}

/** Applies the migrations not yet applied, up to `target` (default: all of them). */
export function migrate(db: Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) throw newerSchemaError(current);
  for (let version = current; version < Math.min(target, SCHEMA_VERSION); version += 1) {
    db.transaction(() => {
      db.exec(migrationSql('sqlite', version));
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

export interface SqliteStoreOptions {
  /** fsync every commit (survives power cuts, not only crashes of the server). */
  fsyncEveryCommit?: boolean;
  /** How many of the newest audit events to keep. Default defaultAuditRetention. */
  auditRetention?: number;
}

function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

type ChangeOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface QueuedChange {
  change: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class SqliteStore implements Store {
  readonly #db: Database;
  readonly #statements;
  /** Changes waiting for the next group commit (see #change). */
  #queued: QueuedChange[] = [];
  readonly #commitBatch;

  readonly #path: string;
  /** The files the server opened (device and inode), checked before every commit. */
  #identity: { main: string; wal: string | undefined } | undefined;
  /** Set once the database file went away: no write is acknowledged after that. */
  #lost: StorageError | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.#path = path;
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      // A file that SQLite can only read opens fine and then fails every write.
      try {
        accessSync(dirname(path), constants.W_OK);
        if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK);
      } catch {
        throw new StorageError(`${path} is not writable (the file and its directory must be)`);
      }
    }
    try {
      this.#db = new Database(path);
    } catch (error) {
      throw new StorageError(`${path} cannot be opened: ${(error as Error).message}`);
    }
    // WAL: a transaction is committed (written to the WAL file) before its response is
    // written, so an acknowledged change survives kill -9 of the server. synchronous=NORMAL
    // skips the fsync per commit (about 8x the write rate) at the price of the last commits
    // on a power cut or kernel crash; fsyncEveryCommit covers those too.
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${options.fsyncEveryCommit ? 'FULL' : 'NORMAL'}`);
      this.#db.pragma('foreign_keys = ON');
      this.#db.pragma('busy_timeout = 5000');
      migrate(this.#db);
      // Damaged pages would otherwise surface later as wrong answers (a role "not found").
      const check = this.#db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new StorageError(`${path} is damaged (quick_check: ${String(check)})`);
      // A write that changes nothing: fails now if the file can only be read.
      const version = this.#db.pragma('user_version', { simple: true }) as number;
      this.#db.transaction(() => this.#db.pragma(`user_version = ${version}`)).immediate();
    } catch (error) {
      this.#db.close();
      if (error instanceof StorageError) throw error;
      throw new StorageError(`${path} cannot be used: ${(error as Error).message}`);
    }
    if (path !== ':memory:') {
      this.#identity = { main: fileIdentity(path)!, wal: fileIdentity(`${path}-wal`) };
    }
    const auditRetention = options.auditRetention ?? defaultAuditRetention;
    const db = this.#db;
    this.#statements = {
      usersByName: db.prepare<[string], DirectoryUser>(
        'SELECT id, username, origin FROM users WHERE username = ? ORDER BY rowid',
      ),
      organization: db.prepare<[string], OrganizationRow>('SELECT * FROM organizations WHERE guid = ?'),
      hasOrgRole: db.prepare<[string, string, string], { one: number }>(
        'SELECT 1 AS one FROM org_roles WHERE organization_guid = ? AND user_id = ? AND role = ?',
      ),
      space: db.prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE guid = ?'),
      hasSpaceRole: db.prepare<[string, string, string], { one: number }>(
        'SELECT 1 AS one FROM space_roles WHERE space_guid = ? AND user_id = ? AND role = ?',
      ),
      cloudControllerRecord: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM users WHERE id = ? AND cloud_controller_record = 1',
      ),
      createCloudControllerRecord: db.prepare<[string]>(
        'UPDATE users SET cloud_controller_record = 1 WHERE id = ? AND cloud_controller_record = 0',
      ),
      grantSpaceRole: db.prepare<[string, string, string]>(
        'INSERT OR IGNORE INTO space_roles (space_guid, user_id, role) VALUES (?, ?, ?)',
      ),
      featureFlag: db.prepare<[string], { enabled: number }>('SELECT enabled FROM feature_flags WHERE name = ?'),
      setFeatureFlag: db.prepare<[string, number]>(
        'INSERT INTO feature_flags (name, enabled) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled',
      ),
      grantOrgRole: db.prepare<[string, string, string]>(
        'INSERT OR IGNORE INTO org_roles (organization_guid, user_id, role) VALUES (?, ?, ?)',
      ),
      revokeOrgRole: db.prepare<[string, string, string]>(
        'DELETE FROM org_roles WHERE organization_guid = ? AND user_id = ? AND role = ?',
      ),
      orgRolesOfUser: db.prepare<[string, string], { role: string }>(
        'SELECT role FROM org_roles WHERE organization_guid = ? AND user_id = ? ORDER BY role',
      ),
      spaceRolesOfUserInOrg: db.prepare<[string, string], { space_guid: string; role: string }>(
        `SELECT r.space_guid, r.role FROM space_roles r JOIN spaces s ON s.guid = r.space_guid
         WHERE s.organization_guid = ? AND r.user_id = ? ORDER BY r.space_guid, r.role`,
      ),
      revokeSpaceRole: db.prepare<[string, string, string]>(
        'DELETE FROM space_roles WHERE space_guid = ? AND user_id = ? AND role = ?',
      ),
      removeMember: db.prepare<[string, string]>('DELETE FROM members WHERE organization_id = ? AND user_id = ?'),
      event: db.prepare<[string, string, string, string | null, string | null, string, string]>(
        `INSERT INTO events (type, organization_guid, user_id, role, actor_user_id, request_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      // sequence is the rowid: dropping the oldest is a range delete at the start of the table.
      pruneEvents: db.prepare<[number]>('DELETE FROM events WHERE sequence <= (SELECT max(sequence) FROM events) - ?'),
    };
    // Built once: better-sqlite3 makes a transaction inside a transaction a savepoint.
    const inSavepoint = db.transaction((change: () => unknown) => change());
    this.#commitBatch = db.transaction((batch: readonly QueuedChange[]): ChangeOutcome[] => {
      const outcomes = batch.map(({ change }): ChangeOutcome => {
        try {
          return { ok: true, value: inSavepoint(change) };
        } catch (error) {
          return { ok: false, error };
        }
      });
      this.#statements.pruneEvents.run(auditRetention);
      return outcomes;
    });
  }

  /**
   * Group commit: the changes requested in one turn of the event loop are applied in order
   * in one write transaction, each inside its own savepoint (a failing change is undone and
   * rejected alone), and every promise settles only after the COMMIT, so a change is never
   * acknowledged before it is in the WAL. One commit per turn instead of one per request is
   * most of the write cost under load.
   */
  #change<T>(change: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#queued.length === 0) setImmediate(() => this.#commitQueued());
      this.#queued.push({ change, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  #commitQueued(): void {
    const batch = this.#queued;
    if (batch.length === 0) return;
    this.#queued = [];
    let outcomes: ChangeOutcome[];
    try {
      this.#checkFiles();
      outcomes = this.#commitBatch.immediate(batch);
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  /**
   * A database file removed (or replaced) under the running server still takes commits,
   * through the open descriptor, and they are gone at the next start: refuse them.
   */
  #checkFiles(): void {
    if (this.#lost) throw this.#lost;
    if (!this.#identity) return;
    const wal = fileIdentity(`${this.#path}-wal`);
    this.#identity.wal ??= wal;
    if (fileIdentity(this.#path) !== this.#identity.main || wal !== this.#identity.wal) {
      this.#lost = new StorageError(`${this.#path} was removed or replaced while the server ran: writes are refused`);
      throw this.#lost;
    }
  }

  #record(type: RoleEvent['type'], org: string, userId: string, role: string | null, context: ChangeContext): void {
    this.#statements.event.run(type, org, userId, role, context.actorUserId ?? null, context.requestId, now());
  }

  async findUsersByUsername(username: string): Promise<DirectoryUser[]> {
    return this.#statements.usersByName.all(username);
  }

  async findOrganization(guid: string): Promise<Organization | undefined> {
    const row = this.#statements.organization.get(guid);
    if (!row) return undefined;
    return organizationFromRow(row);
  }

  async hasOrgRole(organizationGuid: string, userId: string, role: OrgRole): Promise<boolean> {
    return this.#statements.hasOrgRole.get(organizationGuid, userId, role) !== undefined;
  }

  async getFeatureFlag(flag: FeatureFlag): Promise<boolean> {
    const row = this.#statements.featureFlag.get(flag);
    return row ? row.enabled !== 0 : FEATURE_FLAG_DEFAULTS[flag];
  }

  async setFeatureFlag(flag: FeatureFlag, enabled: boolean): Promise<void> {
    this.#statements.setFeatureFlag.run(flag, enabled ? 1 : 0);
  }

  grantOrgRole(organizationGuid: string, userId: string, role: OrgRole, context: ChangeContext): Promise<void> {
    return this.#change(() => {
      // As Cloud Controller, which creates its record of a user on the first association.
      this.#statements.createCloudControllerRecord.run(userId);
      const { changes } = this.#statements.grantOrgRole.run(organizationGuid, userId, role);
      if (changes > 0) this.#record('org_role_add', organizationGuid, userId, role, context);
    });
  }

  async findSpace(guid: string): Promise<Space | undefined> {
    const row = this.#statements.space.get(guid);
    if (!row) return undefined;
    return spaceFromRow(row);
  }

  async hasSpaceRole(spaceGuid: string, userId: string, role: SpaceRole): Promise<boolean> {
    return this.#statements.hasSpaceRole.get(spaceGuid, userId, role) !== undefined;
  }

  async hasCloudControllerRecord(userId: string): Promise<boolean> {
    return this.#statements.cloudControllerRecord.get(userId) !== undefined;
  }

  grantSpaceRole(
    spaceGuid: string,
    userId: string,
    role: SpaceRole,
    context: ChangeContext,
  ): Promise<GrantSpaceRoleResult> {
    return this.#change((): GrantSpaceRoleResult => {
      const space = this.#statements.space.get(spaceGuid);
      if (!space || !this.#statements.hasOrgRole.get(space.organization_guid, userId, 'users')) {
        return { ok: false, reason: 'not_in_organization' };
      }
      const { changes } = this.#statements.grantSpaceRole.run(spaceGuid, userId, role);
      if (changes > 0) this.#record('space_role_add', space.organization_guid, userId, `${spaceGuid}/${role}`, context);
      return { ok: true };
    });
  }

  revokeSpaceRole(spaceGuid: string, userId: string, role: SpaceRole, context: ChangeContext): Promise<void> {
    return this.#change(() => {
      const space = this.#statements.space.get(spaceGuid);
      const { changes } = this.#statements.revokeSpaceRole.run(spaceGuid, userId, role);
      if (changes > 0 && space) {
        this.#record('space_role_remove', space.organization_guid, userId, `${spaceGuid}/${role}`, context);
      }
    });
  }

  revokeOrgRole(
    organizationGuid: string,
    userId: string,
    role: OrgRole,
    recursive: boolean,
    context: ChangeContext,
  ): Promise<RevokeResult> {
    return this.#change((): RevokeResult => {
      if (role === 'users') {
        const spaceRoles = this.#statements.spaceRolesOfUserInOrg.all(organizationGuid, userId);
        if (spaceRoles.length > 0 && !recursive) return { ok: false, reason: 'association_not_empty' };
        if (recursive) {
          for (const spaceRole of spaceRoles) {
            this.#statements.revokeSpaceRole.run(spaceRole.space_guid, userId, spaceRole.role);
            this.#record(
              'space_role_remove',
              organizationGuid,
              userId,
              `${spaceRole.space_guid}/${spaceRole.role}`,
              context,
            );
          }
          for (const other of this.#statements.orgRolesOfUser.all(organizationGuid, userId)) {
            if (other.role === 'users') continue;
            this.#statements.revokeOrgRole.run(organizationGuid, userId, other.role);
            this.#record('org_role_remove', organizationGuid, userId, other.role, context);
          }
        }
      }
      const { changes } = this.#statements.revokeOrgRole.run(organizationGuid, userId, role);
      if (changes > 0) this.#record('org_role_remove', organizationGuid, userId, role, context);
      return { ok: true };
    });
  }

  removeMember(organizationId: string, userId: string, context: ChangeContext): Promise<boolean> {
    return this.#change(() => {
      const { changes } = this.#statements.removeMember.run(organizationId, userId);
      if (changes > 0) this.#record('member_remove', organizationId, userId, null, context);
      return changes > 0;
    });
  }

  async listOrgRoles(organizationGuid: string): Promise<Array<{ userId: string; role: OrgRole }>> {
    return this.#db
      .prepare<[string], { userId: string; role: OrgRole }>(
        'SELECT user_id AS userId, role FROM org_roles WHERE organization_guid = ? ORDER BY user_id, role',
      )
      .all(organizationGuid);
  }

  async listSpaceRoles(
    organizationGuid: string,
  ): Promise<Array<{ spaceGuid: string; userId: string; role: SpaceRole }>> {
    return this.#db
      .prepare<[string], { spaceGuid: string; userId: string; role: SpaceRole }>(
        `SELECT r.space_guid AS spaceGuid, r.user_id AS userId, r.role FROM space_roles r
         JOIN spaces s ON s.guid = r.space_guid WHERE s.organization_guid = ? ORDER BY 1, 2, 3`,
      )
      .all(organizationGuid);
  }

  async listMembers(organizationId: string): Promise<string[]> {
    return this.#db
      .prepare<[string], { user_id: string }>('SELECT user_id FROM members WHERE organization_id = ? ORDER BY user_id')
      .all(organizationId)
      .map((row) => row.user_id);
  }

  async listEvents(): Promise<RoleEvent[]> {
    return this.#db
      .prepare<[], RoleEvent>(
        `SELECT sequence, type, organization_guid AS organizationGuid, user_id AS userId, role,
                actor_user_id AS actorUserId, request_id AS requestId
         FROM events ORDER BY sequence`,
      )
      .all();
  }

  async listOrganizations(): Promise<Organization[]> {
    return this.#db.prepare<[], OrganizationRow>('SELECT * FROM organizations').all().map(organizationFromRow);
  }

  async listSpaces(organizationGuid?: string): Promise<Space[]> {
    const rows =
      organizationGuid === undefined
        ? this.#db.prepare<[], SpaceRow>('SELECT * FROM spaces').all()
        : this.#db
            .prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE organization_guid = ?')
            .all(organizationGuid);
    return rows.map(spaceFromRow);
  }

  async findUserById(id: string): Promise<DirectoryUser | undefined> {
    return this.#db.prepare<[string], DirectoryUser>('SELECT id, username, origin FROM users WHERE id = ?').get(id);
  }

  async listRolesOfUser(userId: string): Promise<UserRoles> {
    const orgRoles = this.#db
      .prepare<[string], UserRoles['orgRoles'][number]>(
        'SELECT organization_guid AS organizationGuid, role FROM org_roles WHERE user_id = ?',
      )
      .all(userId);
    const spaceRoles = this.#db
      .prepare<[string], UserRoles['spaceRoles'][number]>(
        `SELECT r.space_guid AS spaceGuid, s.organization_guid AS organizationGuid, r.role
         FROM space_roles r JOIN spaces s ON s.guid = r.space_guid WHERE r.user_id = ?`,
      )
      .all(userId);
    return { orgRoles, spaceRoles };
  }

  async loadDataset(name: string, dataset: Dataset): Promise<boolean> {
    const db = this.#db;
    return db
      .transaction(() => {
        const already = db.prepare('SELECT 1 FROM loaded_datasets WHERE name = ?').get(name);
        if (already) return false;
        const insertOrg = db.prepare(
          `INSERT OR IGNORE INTO organizations (guid, name, status, quota_definition_guid, billing_enabled,
           default_isolation_segment_guid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const org of dataset.organizations) {
          insertOrg.run(
            org.guid,
            org.name,
            org.status,
            org.quotaDefinitionGuid,
            org.billingEnabled ? 1 : 0,
            org.defaultIsolationSegmentGuid,
            org.createdAt,
            org.updatedAt,
          );
        }
        const insertUser = db.prepare(
          'INSERT OR IGNORE INTO users (id, username, origin, cloud_controller_record) VALUES (?, ?, ?, ?)',
        );
        for (const user of dataset.users) {
          insertUser.run(user.id, user.username, user.origin, user.cloudControllerRecord === false ? 0 : 1);
        }
        for (const grant of dataset.orgRoles) {
          this.#statements.grantOrgRole.run(grant.organizationGuid, grant.userId, grant.role);
        }
        const insertSpace = db.prepare(
          `INSERT OR IGNORE INTO spaces (guid, organization_guid, name, allow_ssh, space_quota_definition_guid,
           isolation_segment_guid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const space of dataset.spaces) {
          insertSpace.run(
            space.guid,
            space.organizationGuid,
            space.name,
            space.allowSsh ? 1 : 0,
            space.spaceQuotaDefinitionGuid,
            space.isolationSegmentGuid,
            space.createdAt,
            space.updatedAt,
          );
        }
        const insertSpaceRole = db.prepare(
          'INSERT OR IGNORE INTO space_roles (space_guid, user_id, role) VALUES (?, ?, ?)',
        );
        for (const grant of dataset.spaceRoles) insertSpaceRole.run(grant.spaceGuid, grant.userId, grant.role);
        for (const [flag, enabled] of Object.entries(dataset.featureFlags)) {
          this.#statements.setFeatureFlag.run(flag, enabled ? 1 : 0);
        }
        const insertMember = db.prepare('INSERT OR IGNORE INTO members (organization_id, user_id) VALUES (?, ?)');
        for (const member of dataset.members) insertMember.run(member.organizationId, member.userId);
        db.prepare('INSERT INTO loaded_datasets (name, loaded_at) VALUES (?, ?)').run(name, now());
        return true;
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#commitQueued();
    this.#db.close();
  }
}
