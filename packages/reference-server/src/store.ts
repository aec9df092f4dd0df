// The storage operations the handlers need. Every method is one atomic unit, and every
// method is async so that a networked backend (PostgreSQL) can implement the same interface.

export const ORG_ROLES = ['users', 'managers', 'billing_managers', 'auditors'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const SPACE_ROLES = ['developers', 'managers', 'auditors'] as const;
export type SpaceRole = (typeof SPACE_ROLES)[number];

export const FEATURE_FLAGS = ['set_roles_by_username', 'unset_roles_by_username'] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];

/** The database cannot serve: at start (the server refuses to start) or later (writes are refused). */
export class StorageError extends Error {}

/** Newest audit events kept by default; older ones are dropped as new ones are written. */
export const defaultAuditRetention = 100_000;

/** Cloud Controller enables both flags by default. */
export const FEATURE_FLAG_DEFAULTS: Readonly<Record<FeatureFlag, boolean>> = {
  set_roles_by_username: true,
  unset_roles_by_username: true,
};

export type OrganizationStatus = 'active' | 'suspended' | 'deleting';

export interface Organization {
  guid: string;
  name: string;
  status: OrganizationStatus;
  quotaDefinitionGuid: string;
  billingEnabled: boolean;
  defaultIsolationSegmentGuid: string | null;
  createdAt: string;
  updatedAt: string | null;
}

/** A user in the identity directory (the part of UAA that Cloud Controller asks). */
export interface DirectoryUser {
  id: string;
  username: string;
  origin: string;
}

/** A user as a dataset names it: `cloudControllerRecord: false` is known to UAA only (default true). */
export interface DatasetUser extends DirectoryUser {
  cloudControllerRecord?: boolean;
}

export interface Space {
  guid: string;
  organizationGuid: string;
  name: string;
  allowSsh: boolean;
  spaceQuotaDefinitionGuid: string | null;
  isolationSegmentGuid: string | null;
  createdAt: string;
  updatedAt: string | null;
}

// The tables' rows as both stores read them (the same columns in SQLite and PostgreSQL).

export interface OrganizationRow {
  guid: string;
  name: string;
  status: OrganizationStatus;
  quota_definition_guid: string;
  billing_enabled: number;
  default_isolation_segment_guid: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface SpaceRow {
  guid: string;
  organization_guid: string;
  name: string;
  allow_ssh: number;
  space_quota_definition_guid: string | null;
  isolation_segment_guid: string | null;
  created_at: string;
  updated_at: string | null;
}

/** The organization a row of `organizations` holds. */
export function organizationFromRow(row: OrganizationRow): Organization {
  return {
    guid: row.guid,
    name: row.name,
    status: row.status,
    quotaDefinitionGuid: row.quota_definition_guid,
    billingEnabled: row.billing_enabled !== 0,
    defaultIsolationSegmentGuid: row.default_isolation_segment_guid,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The space a row of `spaces` holds. */
export function spaceFromRow(row: SpaceRow): Space {
  return {
    guid: row.guid,
    organizationGuid: row.organization_guid,
    name: row.name,
    allowSsh: row.allow_ssh !== 0,
    spaceQuotaDefinitionGuid: row.space_quota_definition_guid,
    isolationSegmentGuid: row.isolation_segment_guid,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Everything a dataset load can create; used for fixtures. */
export interface Dataset {
  organizations: Organization[];
  users: DatasetUser[];
  orgRoles: Array<{ organizationGuid: string; userId: string; role: OrgRole }>;
  spaces: Space[];
  spaceRoles: Array<{ spaceGuid: string; userId: string; role: SpaceRole }>;
  featureFlags: Partial<Record<FeatureFlag, boolean>>;
  members: Array<{ organizationId: string; userId: string }>;
}

/** Who asked for a change, recorded with it (Cloud Controller records audit events too). */
export interface ChangeContext {
  actorUserId: string | undefined;
  requestId: string;
}

export interface RoleEvent {
  sequence: number;
  type: 'org_role_add' | 'org_role_remove' | 'space_role_add' | 'space_role_remove' | 'member_remove';
  organizationGuid: string;
  userId: string;
  role: string | null;
  actorUserId: string | null;
  requestId: string;
}

/** The roles of one user, in every organization and space. */
export interface UserRoles {
  orgRoles: Array<{ organizationGuid: string; role: OrgRole }>;
  spaceRoles: Array<{ spaceGuid: string; organizationGuid: string; role: SpaceRole }>;
}

export type RevokeResult = { ok: true } | { ok: false; reason: 'association_not_empty' };

export type GrantSpaceRoleResult = { ok: true } | { ok: false; reason: 'not_in_organization' };

/**
 * Storage of the reference server. A change (grant, revoke, remove) resolves only once it is
 * committed: the handlers answer the client when it resolves, so nothing acknowledged is lost.
 */
export interface Store {
  findUsersByUsername(username: string): Promise<DirectoryUser[]>;
  findOrganization(guid: string): Promise<Organization | undefined>;
  hasOrgRole(organizationGuid: string, userId: string, role: OrgRole): Promise<boolean>;
  findSpace(guid: string): Promise<Space | undefined>;
  hasSpaceRole(spaceGuid: string, userId: string, role: SpaceRole): Promise<boolean>;
  /**
   * Whether Cloud Controller has its own record of the user (UAA may know users it has
   * none of). Granting any role creates the record.
   */
  hasCloudControllerRecord(userId: string): Promise<boolean>;
  getFeatureFlag(flag: FeatureFlag): Promise<boolean>;
  setFeatureFlag(flag: FeatureFlag, enabled: boolean): Promise<void>;
  /** Idempotent: granting a role the user holds is a success. */
  grantOrgRole(organizationGuid: string, userId: string, role: OrgRole, context: ChangeContext): Promise<void>;
  /**
   * Idempotent. Revoking `users` while the user holds space roles in the organization
   * fails unless `recursive`, which also revokes those space roles and the other org roles.
   */
  revokeOrgRole(
    organizationGuid: string,
    userId: string,
    role: OrgRole,
    recursive: boolean,
    context: ChangeContext,
  ): Promise<RevokeResult>;
  /**
   * Idempotent. The user must hold the `users` role in the space's organization (checked in
   * the same transaction as the grant).
   */
  grantSpaceRole(
    spaceGuid: string,
    userId: string,
    role: SpaceRole,
    context: ChangeContext,
  ): Promise<GrantSpaceRoleResult>;
  /** Idempotent: revoking a role the user does not hold is a success. */
  revokeSpaceRole(spaceGuid: string, userId: string, role: SpaceRole, context: ChangeContext): Promise<void>;
  /** Idempotent: returns whether the user was a member. */
  removeMember(organizationId: string, userId: string, context: ChangeContext): Promise<boolean>;
  listOrgRoles(organizationGuid: string): Promise<Array<{ userId: string; role: OrgRole }>>;
  listSpaceRoles(organizationGuid: string): Promise<Array<{ spaceGuid: string; userId: string; role: SpaceRole }>>;
  listMembers(organizationId: string): Promise<string[]>;
  listEvents(): Promise<RoleEvent[]>;
  // Reads behind the cf CLI's lookups (organization and space lists, the by-guid role routes).
  /** Every organization. */
  listOrganizations(): Promise<Organization[]>;
  /** The spaces of one organization, or every space. */
  listSpaces(organizationGuid?: string): Promise<Space[]>;
  /** Cloud Controller's record of the user with this id. */
  findUserById(id: string): Promise<DirectoryUser | undefined>;
  /** Every organization and space role the user holds (what a non-admin may see). */
  listRolesOfUser(userId: string): Promise<UserRoles>;
  /**
   * Loads the dataset once per database: a database that already holds it is left as it is;
   * rows already present (from an earlier version of the dataset) are kept.
   */
  loadDataset(name: string, dataset: Dataset): Promise<boolean>;
  close(): Promise<void>;
}
