import type { Dataset, OrgRole, Organization } from './store.js';

// The data `seed: true` loads: every organization, username and user id that the contract's
// examples name, plus the users and organizations that the error paths need.

const organizationGuids = {
  name237: 'f996b04a-68c3-4af7-bbf1-a13fd3880ae6',
  name808: '0cad2557-71c4-40ed-9501-8584064b90a1',
  name265: 'e39f90e8-a545-4bb5-9f5f-a8ad2fb0bbec',
  name1766: '6f0e3308-1340-4682-937e-7b8186f5431e',
  platformTeam: '9f3ab7d0-5f3e-4c51-9d3b-2f4c0b8e6a17',
  suspended: '7b1ef42c-d0f3-4e45-a192-a3b4c5d6e7f8',
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
} as const;

const membersOrgId = '9d3e0b4f-1a2c-4d5e-8f60-718293a4b5c6';
const memberUserId = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34';
const otherMemberUserId = '0e4f1c5a-2b3d-4e6f-9071-8293a4b5c6d7';
const spaceGuid = '8c2fa53d-e104-4f56-b2a3-b4c5d6e7f809';

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
  ],
  spaces: [{ guid: spaceGuid, organizationGuid: organizationGuids.name237, name: 'development' }],
  spaceRoles: [
    { spaceGuid, userId: userIds.developer, role: 'developers' },
    { spaceGuid, userId: userIds.developer, role: 'auditors' },
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
  datasetName: 'contract-examples-1',
  dataset,
  organizations: organizationGuids,
  /** The guid of the contract's OrganizationNotFound example: never created. */
  unknownOrganizationGuid: '5d1e7a40-0000-4000-8000-000000000000',
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
  spaceGuid,
  /** The organization of the member API examples, and who acts in it. */
  membersOrgId,
  memberUserId,
  otherMemberUserId,
  membersAdminUserId: userIds.membersAdmin,
} as const;

export type Fixtures = typeof fixtures;
