import type { Dataset, OrgRole, Organization, Space, SpaceRole } from './store.js';

// The data `seed: true` loads: every organization, username and user id that the contract's
// examples name, plus the users and organizations that the error paths need.

const organizationGuids = {
  name237: 'f996b04a-68c3-4af7-bbf1-a13fd3880ae6',
  name808: '0cad2557-71c4-40ed-9501-8584064b90a1',
  name265: 'e39f90e8-a545-4bb5-9f5f-a8ad2fb0bbec',
  name1766: '6f0e3308-1340-4682-937e-7b8186f5431e',
  platformTeam: '9f3ab7d0-5f3e-4c51-9d3b-2f4c0b8e6a17',
  suspended: '7b1ef42c-d0f3-4e45-a192-a3b4c5d6e7f8',
  // The organizations of the POST .../remove examples.
  usersRemoval: '946b8b2b-6b51-456d-b631-d6452d305efe',
  managersRemoval: '937e0d78-46e4-4f6f-a348-f96240ee4420',
  billingManagersRemoval: 'aebdec49-ec85-4e94-8815-acdf534a924a',
  auditorsRemoval: '9a7c4fa2-4a86-4514-9d9c-9658cbb6798e',
  // The organizations of the published space examples (their names are not published).
  ofName2083: 'd356e46f-3fd5-47d4-ab4e-1f1c3f597bcb',
  ofName2086: 'f5085fa8-083e-49a1-b814-1925a94f298b',
  ofName2110: 'fb0a97ae-7dbc-478a-9bf7-e7869ac3d117',
  ofName2113: 'd17da21a-d8e3-4f85-b611-9da8e140c625',
  ofName2139: 'fc993c26-9a55-4b73-ae44-2e87d607136f',
  ofName2142: 'f88230a1-913c-417e-b0e2-d2a59bf0fa7d',
} as const;

const spaceGuids = {
  name2083: 'e2d05c43-f95f-4ec7-82ec-0904d82abe5e',
  name2086: 'ce03ede9-4d71-440b-ac01-8454a8956204',
  name2110: '31a74bcf-88c7-4cb2-bdbd-435a190f5c6e',
  name2113: 'e941b37a-863c-411b-bf5a-9c239cac755d',
  name2139: '72736bea-7c64-4649-8472-bc5dd09b6e87',
  name2142: '41cf9a95-7d8c-4af8-8b29-af39ba825419',
  /** platform-team's space, as current releases return it. */
  development: '2c8e4f6a-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
  /** name-237's space where developer@example.com holds roles. */
  withRoles: '8c2fa53d-e104-4f56-b2a3-b4c5d6e7f809',
} as const;

const usernames = {
  user: 'user@example.com',
  manager: 'manager@example.com',
  billingManager: 'billing_manager@example.com',
  auditor: 'auditor@example.com',
} as const;

const userIds = {
  admin: 'b1d4a6e2-3c5f-4a7b-8d9e-0f1a2b3c4d5e',
  user: 'c2e5b7f3-4d6a-4b8c-9e0f-1a2b3c4d5e6f',
  manager: 'd3f6c8a4-5e7b-4c9d-8f1a-2b3c4d5e6f70',
  billingManager: 'e4a7d9b5-6f8c-4dae-9a2b-3c4d5e6f7081',
  auditor: 'f5b8eac6-7a9d-4ebf-8b3c-4d5e6f708192',
  sharedUaa: '16c9fbd7-8bae-4fc0-9c4d-5e6f708192a3',
  sharedLdap: '27dab0e8-9cbf-4a01-8d5e-6f708192a3b4',
  developer: '38ebc1f9-adc0-4b12-9e6f-708192a3b4c5',
  orgManager: '49fcd20a-bed1-4c23-8f70-8192a3b4c5d6',
  outsider: '5a0de31b-cfe2-4d34-9081-92a3b4c5d6e7',
  membersAdmin: '1f5a2d6b-3c4e-4f70-8182-93a4b5c6d7e8',
  /** The InvalidRelation example's user: in no organization. */
  notInOrg: 'b5d0c1a3-7e4f-4c2a-9d8b-3f6e1a2c4b57',
  /** Known to UAA, never associated: Cloud Controller has no record of them. */
  uaaOnly: '6b1ef42c-e0f3-4e45-a192-b3c4d5e6f708',
  /** Space Manager of platform-team's space, no organization manager. */
  spaceManager: '7c2fa53d-f104-4f56-b2a3-c4d5e6f70819',
} as const;

const membersOrgId = '9d3e0b4f-1a2c-4d5e-8f60-718293a4b5c6';
const memberUserId = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34';
const otherMemberUserId = '0e4f1c5a-2b3d-4e6f-9071-8293a4b5c6d7';
const unknownGuid = '5d1e7a40-0000-4000-8000-000000000000';

function organization(
  guid: string,
  name: string,
  quotaDefinitionGuid: string,
  createdAt: string,
  updatedAt: string | null,
  status: Organization['status'] = 'active',
): Organization {
  return {
    guid,
    name,
    status,
    quotaDefinitionGuid,
    billingEnabled: false,
    defaultIsolationSegmentGuid: null,
    createdAt,
    updatedAt,
  };
}

const seededOrganizations = [
  organization(
    organizationGuids.name237,
    'name-237',
    '641bbebe-3150-4bc9-bb28-18073b256952',
    '2015-10-13T17:31:39Z',
    null,
  ),
  organization(
    organizationGuids.name808,
    'name-808',
    '42554c07-27b7-459a-9a21-b98b111dfd2f',
    '2015-11-03T00:53:58Z',
    null,
  ),
  organization(
    organizationGuids.name265,
    'name-265',
    '03810a2f-ce58-4166-ac2e-1bc2126ad988',
    '2015-10-13T17:31:40Z',
    null,
  ),
  organization(
    organizationGuids.name1766,
    'name-1766',
    '566e09b9-2b73-4506-be69-97b1cdca0f1c',
    '2016-06-08T16:41:35Z',
    '2016-06-08T16:41:26Z',
  ),
  organization(
    organizationGuids.platformTeam,
    'platform-team',
    'b7c3e8a4-1d2f-4e6a-9c0b-5a7d3f1e2c48',
    '2024-03-18T09:12:44Z',
    '2024-03-18T09:12:44Z',
  ),
  organization(
    organizationGuids.suspended,
    'suspended-org',
    '9e4a1b2c-3d4e-4f5a-8b6c-7d8e9fa0b1c2',
    '2024-03-18T09:12:44Z',
    '2024-03-18T09:12:44Z',
    'suspended',
  ),
];

for (const [guid, name] of [
  [organizationGuids.usersRemoval, 'users-removal'],
  [organizationGuids.managersRemoval, 'managers-removal'],
  [organizationGuids.billingManagersRemoval, 'billing-managers-removal'],
  [organizationGuids.auditorsRemoval, 'auditors-removal'],
  [organizationGuids.ofName2083, 'org-of-name-2083'],
  [organizationGuids.ofName2086, 'org-of-name-2086'],
  [organizationGuids.ofName2110, 'org-of-name-2110'],
  [organizationGuids.ofName2113, 'org-of-name-2113'],
  [organizationGuids.ofName2139, 'org-of-name-2139'],
  [organizationGuids.ofName2142, 'org-of-name-2142'],
] as const) {
  seededOrganizations.push(
    organization(guid, name, 'dd4f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b', '2016-06-08T16:41:35Z', '2016-06-08T16:41:26Z'),
  );
}

function space(
  guid: string,
  organizationGuid: string,
  name: string,
  createdAt: string,
  updatedAt: string | null,
): Space {
  return {
    guid,
    organizationGuid,
    name,
    allowSsh: true,
    spaceQuotaDefinitionGuid: null,
    isolationSegmentGuid: null,
    createdAt,
    updatedAt,
  };
}

const publishedSpace = (guid: string, organizationGuid: string, name: string, createdAt: string): Space =>
  space(guid, organizationGuid, name, createdAt, '2016-06-08T16:41:26Z');

const seededSpaces: Space[] = [
  publishedSpace(spaceGuids.name2083, organizationGuids.ofName2083, 'name-2083', '2016-06-08T16:41:41Z'),
  publishedSpace(spaceGuids.name2086, organizationGuids.ofName2086, 'name-2086', '2016-06-08T16:41:41Z'),
  publishedSpace(spaceGuids.name2110, organizationGuids.ofName2110, 'name-2110', '2016-06-08T16:41:41Z'),
  publishedSpace(spaceGuids.name2113, organizationGuids.ofName2113, 'name-2113', '2016-06-08T16:41:41Z'),
  publishedSpace(spaceGuids.name2139, organizationGuids.ofName2139, 'name-2139', '2016-06-08T16:41:42Z'),
  publishedSpace(spaceGuids.name2142, organizationGuids.ofName2142, 'name-2142', '2016-06-08T16:41:42Z'),
  space(
    spaceGuids.development,
    organizationGuids.platformTeam,
    'development',
    '2024-03-18T09:14:02Z',
    '2024-03-18T09:14:02Z',
  ),
  space(spaceGuids.withRoles, organizationGuids.name237, 'development', '2015-10-13T17:31:41Z', null),
];

function spaceGrants(spaceGuid: string, userId: string, roles: SpaceRole[]): Dataset['spaceRoles'] {
  return roles.map((role) => ({ spaceGuid, userId, role }));
}

function grants(organizationGuid: string, userId: string, roles: OrgRole[]): Dataset['orgRoles'] {
  return roles.map((role) => ({ organizationGuid, userId, role }));
}

const dataset: Dataset = {
  organizations: seededOrganizations,
  users: [
    { id: userIds.admin, username: 'admin@example.com', origin: 'uaa' },
    { id: userIds.user, username: usernames.user, origin: 'uaa' },
    { id: userIds.manager, username: usernames.manager, origin: 'uaa' },
    { id: userIds.billingManager, username: usernames.billingManager, origin: 'uaa' },
    { id: userIds.auditor, username: usernames.auditor, origin: 'uaa' },
    // Inserted uaa first: lookups list origins in insertion order, as in the contract's example.
    { id: userIds.sharedUaa, username: 'shared@example.com', origin: 'uaa' },
    { id: userIds.sharedLdap, username: 'shared@example.com', origin: 'ldap' },
    { id: userIds.developer, username: 'developer@example.com', origin: 'uaa' },
    { id: userIds.orgManager, username: 'org-manager@example.com', origin: 'uaa' },
    { id: userIds.outsider, username: 'outsider@example.com', origin: 'uaa' },
    { id: userIds.notInOrg, username: 'not-in-org@example.com', origin: 'uaa' },
    { id: userIds.uaaOnly, username: 'uaa-only@example.com', origin: 'uaa', cloudControllerRecord: false },
    { id: userIds.spaceManager, username: 'space-manager@example.com', origin: 'uaa' },
  ],
  orgRoles: [
    // The org manager that write-scoped (non-admin) callers act as, in every organization.
    ...seededOrganizations.flatMap((org) => grants(org.guid, userIds.orgManager, ['users', 'managers'])),
    // The roles that the contract's DELETE examples remove.
    ...grants(organizationGuids.name237, userIds.user, ['users']),
    ...grants(organizationGuids.name237, userIds.manager, ['users', 'managers']),
    ...grants(organizationGuids.name808, userIds.auditor, ['users', 'auditors']),
    ...grants(organizationGuids.name265, userIds.billingManager, ['users', 'billing_managers']),
    ...grants(organizationGuids.name237, userIds.developer, ['users', 'auditors']),
    // The roles that the POST .../remove examples remove.
    ...grants(organizationGuids.usersRemoval, userIds.user, ['users']),
    ...grants(organizationGuids.managersRemoval, userIds.manager, ['users', 'managers']),
    ...grants(organizationGuids.billingManagersRemoval, userIds.billingManager, ['users', 'billing_managers']),
    ...grants(organizationGuids.auditorsRemoval, userIds.auditor, ['users', 'auditors']),
    // Space examples: whoever the examples add is an Org User of the space's organization.
    ...[organizationGuids.ofName2086, organizationGuids.ofName2110, organizationGuids.ofName2142].flatMap((org) =>
      grants(org, userIds.user, ['users']),
    ),
    ...grants(organizationGuids.ofName2083, userIds.auditor, ['users']),
    ...grants(organizationGuids.ofName2113, userIds.manager, ['users']),
    ...grants(organizationGuids.ofName2139, userIds.developer, ['users']),
    // platform-team: user@example.com is an Org User without space roles; the space manager
    // is an Org User too (Cloud Controller requires it of every space role).
    ...grants(organizationGuids.platformTeam, userIds.user, ['users']),
    ...grants(organizationGuids.platformTeam, userIds.spaceManager, ['users']),
  ],
  spaces: seededSpaces,
  spaceRoles: [
    ...spaceGrants(spaceGuids.withRoles, userIds.developer, ['developers', 'auditors']),
    // The roles that the space DELETE and POST .../remove examples remove.
    ...spaceGrants(spaceGuids.name2083, userIds.auditor, ['auditors']),
    ...spaceGrants(spaceGuids.name2113, userIds.manager, ['managers']),
    ...spaceGrants(spaceGuids.name2139, userIds.developer, ['developers']),
    ...spaceGrants(spaceGuids.development, userIds.spaceManager, ['managers']),
  ],
  featureFlags: { set_roles_by_username: true, unset_roles_by_username: true },
  members: [
    { organizationId: membersOrgId, userId: memberUserId },
    { organizationId: membersOrgId, userId: otherMemberUserId },
    { organizationId: membersOrgId, userId: userIds.membersAdmin },
  ],
};

export const fixtures = {
  /** Name under which the dataset is recorded as loaded (it is loaded once per database). */
  datasetName: 'contract-examples-2',
  dataset,
  organizations: organizationGuids,
  spaces: spaceGuids,
  /** The guid of the contract's OrganizationNotFound example: never created. */
  unknownOrganizationGuid: unknownGuid,
  /** The guid of the contract's SpaceNotFound example: never created. */
  unknownSpaceGuid: unknownGuid,
  /** The space the space-role checks change; its organization is platform-team. */
  spaceGuid: spaceGuids.development,
  spaceOrgGuid: organizationGuids.platformTeam,
  /** An Org User of the space's organization without any space role. */
  spaceUsername: usernames.user,
  spaceUserId: userIds.user,
  /** In UAA and Cloud Controller, but not in the space's organization → 400 InvalidRelation. */
  notInOrgUsername: 'not-in-org@example.com',
  notInOrgUserId: userIds.notInOrg,
  /** Known to UAA, no Cloud Controller record → removals answer 404 UserNotFound. */
  uaaOnlyUsername: 'uaa-only@example.com',
  uaaOnlyUserId: userIds.uaaOnly,
  /** Space Manager of the space (not an Org Manager): may change that space's roles. */
  spaceManagerUserId: userIds.spaceManager,
  suspendedOrgGuid: organizationGuids.suspended,
  usernames,
  unknownUsername: 'nobody@example.com',
  /** Token subject with `cloud_controller.admin`. */
  adminUserId: userIds.admin,
  /** A user holding the Org Manager role in the organization (every seeded one has it). */
  orgManagerUserId: (orgGuid: string): string | undefined =>
    seededOrganizations.some((org) => org.guid === orgGuid) ? userIds.orgManager : undefined,
  /** A user with no role in any organization (write scope alone → NotAuthorized). */
  outsiderUserId: userIds.outsider,
  userIds,
  /** Exists in uaa and ldap → 400 UserIsInMultipleOrigins without `origin`. */
  multiOriginUsername: 'shared@example.com',
  multiOriginOrigins: ['uaa', 'ldap'] as const,
  /** Holds space roles in orgWithSpaceRoles → 400 AssociationNotEmpty unless recursive. */
  usernameWithSpaceRoles: 'developer@example.com',
  userIdWithSpaceRoles: userIds.developer,
  orgWithSpaceRoles: organizationGuids.name237,
  spaceWithRolesGuid: spaceGuids.withRoles,
  /** The organization of the member API examples, and who acts in it. */
  membersOrgId,
  memberUserId,
  otherMemberUserId,
  membersAdminUserId: userIds.membersAdmin,
} as const;

export type Fixtures = typeof fixtures;
