import type { Dataset } from './store.js';
import { fixtures } from './fixtures.js';

// The accounts the built-in UAA stand-in lets log in (password grant), with development
// passwords: `admin`/`admin` as on a bosh-lite Cloud Foundry. Never for a deployment.

export interface DevAccount {
  username: string;
  password: string;
  userId: string;
  email: string;
  /** The scopes UAA would grant the cf client for this user. */
  scopes: readonly string[];
}

/** What every UAA user gets from the cf client's scope list. */
const userScopes = ['cloud_controller.read', 'cloud_controller.write', 'openid', 'password.write', 'uaa.user'];

/**
 * The `admin` user of a bosh-lite UAA: its own directory entry (the fixtures' admin@example.com
 * is another user), with the id of the contract's token example and by-guid routes.
 */
const adminUserId = '4a8b6e5f-2c1d-4e7a-9b3f-0d2c6a1e8f45';

export const devAccounts: readonly DevAccount[] = [
  {
    username: 'admin',
    password: 'admin',
    userId: adminUserId,
    email: 'admin',
    scopes: ['cloud_controller.admin', ...userScopes, 'scim.read', 'scim.write'],
  },
  {
    // Org Manager in every fixture organization, without admin rights: the feature flags apply.
    username: 'org-manager@example.com',
    password: 'org-manager',
    userId: fixtures.userIds.orgManager,
    email: 'org-manager@example.com',
    scopes: userScopes,
  },
  {
    // No role anywhere: sees no organization.
    username: 'outsider@example.com',
    password: 'outsider',
    userId: fixtures.outsiderUserId,
    email: 'outsider@example.com',
    scopes: userScopes,
  },
];

/** The space of the contract's by-guid space role examples (name-1774, as published), and its organization. */
const exampleSpaceGuid = '5489e195-c42b-4e61-bf30-323c331ecc01';
const exampleSpaceOrgGuid = '3deb9f04-b449-4f94-b3dd-c73cefe5b275';

/**
 * Directory entries of the accounts the fixtures do not hold yet, and the space the by-guid
 * examples name, with `admin` an Org User of its organization; loaded with the fixtures.
 */
export const devAccountsDataset = {
  name: 'dev-accounts-1',
  dataset: {
    organizations: [
      {
        guid: exampleSpaceOrgGuid,
        name: 'org-of-name-1774',
        status: 'active',
        quotaDefinitionGuid: '7d3e5f1a-2b4c-4d6e-8f0a-1b2c3d4e5f60',
        billingEnabled: false,
        defaultIsolationSegmentGuid: null,
        createdAt: '2016-06-08T16:41:35Z',
        updatedAt: '2016-06-08T16:41:26Z',
      },
    ],
    users: [{ id: adminUserId, username: 'admin', origin: 'uaa' }],
    orgRoles: [{ organizationGuid: exampleSpaceOrgGuid, userId: adminUserId, role: 'users' }],
    spaces: [
      {
        guid: exampleSpaceGuid,
        organizationGuid: exampleSpaceOrgGuid,
        name: 'name-1774',
        allowSsh: true,
        spaceQuotaDefinitionGuid: null,
        isolationSegmentGuid: null,
        createdAt: '2016-06-08T16:41:35Z',
        updatedAt: '2016-06-08T16:41:26Z',
      },
    ],
    spaceRoles: [],
    featureFlags: {},
    members: [],
  } satisfies Dataset,
} as const;
