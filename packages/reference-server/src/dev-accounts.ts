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

/** The `admin` user of a bosh-lite UAA: its own directory entry (the fixtures' admin@example.com is another user). */
const adminUserId = '0a7c9e1b-2d3f-4a5b-8c6d-7e8f9a0b1c2d';

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

/** Directory entries of the accounts the fixtures do not hold yet; loaded with them. */
export const devAccountsDataset = {
  name: 'dev-accounts-1',
  dataset: {
    organizations: [],
    users: [{ id: adminUserId, username: 'admin', origin: 'uaa' }],
    orgRoles: [],
    spaces: [],
    spaceRoles: [],
    featureFlags: {},
    members: [],
  } satisfies Dataset,
} as const;
