import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractEnv } from './env.js';

export interface StartedTarget {
  url: string;
  target: 'mock' | 'server';
  env: ContractEnv;
  close(): Promise<void>;
}

/** The mock on a free port: every response is selected with `Prefer`. */
export async function startMockTarget(): Promise<StartedTarget> {
  const { startMock } = await import('@org-membership-api/mock');
  const mock = await startMock({ port: 0 });
  return { url: mock.url, target: 'mock', env: {}, close: () => mock.close() };
}

/** Limits the reference target runs with, so that 429 is provoked for real on both APIs. */
export const referenceRateLimit = { requests: 100, windowMs: 10 * 60_000 };

/**
 * Cloud Controller's other two limits on the reference target. Admins are not counted by the
 * general limit, so the v2 limit is provoked with an admin's token, and its admin allowance
 * stays above what the admin token of the checks sends in a run; non-admins meet the general
 * limit first. Unauthenticated requests from the checks' address are counted from the first
 * credential-free check on, so their limit leaves room for all of them before the last burst.
 */
export const referenceCloudControllerLimits = {
  v2Api: { requests: 10 * referenceRateLimit.requests, adminRequests: 1000, windowMs: referenceRateLimit.windowMs },
  unauthenticated: { requests: 1000, windowMs: referenceRateLimit.windowMs },
};

/** What a seeded reference server holds that the checks need, minus what needs more than one server. */
export type ReferenceEnvFields = Exclude<keyof ContractEnv, (typeof referenceEnvNeedsMore)[number]>;

/** UAA's limit on the reference target's instance whose UAA limits its callers. */
export const referenceUaaRateLimit = { requests: 10, windowMs: referenceRateLimit.windowMs };

/**
 * Variables a seeded reference server started with its defaults cannot serve: the rate-limit
 * tokens need the limits the checks can use up (`--cf-rate-limit`, `--cf-v2-rate-limit`,
 * `--cf-unauthenticated-rate-limit`, `--member-rate-limit`), the 503 checks a second
 * instance whose identity service is down, and UAA's 429 one with `--uaa-rate-limit`.
 */
export const referenceEnvNeedsMore = [
  'cfRateLimitToken',
  'cfV2RateLimitToken',
  'cfIpRateLimit',
  'membersRateLimitToken',
  'rateLimitBurst',
  'cfIdentityUnavailableServer',
  'storageFaultServer',
  'cfLegacyDeleteServer',
  'cfFeatureFlagsDisabledServer',
  'uaaRateLimitServer',
] as const satisfies ReadonlyArray<keyof ContractEnv>;

/**
 * The tokens and identifiers that exist on a seeded reference server, as the contract checks
 * read them: tokens signed with `secret`, valid for `expiresInSeconds` (default one day).
 */
export async function referenceContractEnv(options: {
  secret: string;
  expiresInSeconds?: number;
}): Promise<Required<Pick<ContractEnv, ReferenceEnvFields>>> {
  const { mintToken, fixtures } = await import('@org-membership-api/reference-server');
  const mint = (scopes: string[], userId: string, orgId?: string) =>
    mintToken({
      secret: options.secret,
      scopes,
      userId,
      ...(orgId ? { orgId } : {}),
      expiresInSeconds: options.expiresInSeconds ?? 86_400,
    });
  const orgGuid = fixtures.organizations.name1766;
  return {
    cfAdminToken: await mint(['cloud_controller.admin'], fixtures.adminUserId),
    cfReadOnlyToken: await mint(['cloud_controller.read'], fixtures.orgManagerUserId(orgGuid)!),
    cfWriteWithoutRoleToken: await mint(['cloud_controller.write', 'cloud_controller.read'], fixtures.outsiderUserId),
    cfOrgGuid: orgGuid,
    cfUnknownOrgGuid: fixtures.unknownOrganizationGuid,
    cfUsername: fixtures.usernames.user,
    cfUnknownUsername: fixtures.unknownUsername,
    cfMultiOriginUsername: fixtures.multiOriginUsername,
    cfSpaceRolesUsername: fixtures.usernameWithSpaceRoles,
    cfSpaceRolesOrgGuid: fixtures.orgWithSpaceRoles,
    cfSpaceGuid: fixtures.spaceGuid,
    cfSpaceOrgGuid: fixtures.spaceOrgGuid,
    cfUnknownSpaceGuid: fixtures.unknownSpaceGuid,
    cfSpaceUsername: fixtures.spaceUsername,
    cfNotInOrgUsername: fixtures.notInOrgUsername,
    cfUaaOnlyUsername: fixtures.uaaOnlyUsername,
    cfUserGuid: fixtures.userIds.user,
    cfSpaceUserGuid: fixtures.spaceUserId,
    cfNotInOrgUserGuid: fixtures.notInOrgUserId,
    cfUaaOnlyUserGuid: fixtures.uaaOnlyUserId,
    cfSpaceRolesUserGuid: fixtures.userIdWithSpaceRoles,
    cfWriteOnlyToken: await mint(['cloud_controller.write'], fixtures.outsiderUserId),
    uaaScimReadToken: await mint(['scim.read', 'cloud_controller.read'], fixtures.adminUserId),
    // The development account of a bosh-lite UAA, which the reference server's UAA stand-in has.
    uaaUsername: 'admin',
    uaaPassword: 'admin',
    membersToken: await mint(['update:org', 'read:org'], fixtures.membersAdminUserId, fixtures.membersOrgId),
    membersReadOnlyToken: await mint(['read:org'], fixtures.membersAdminUserId, fixtures.membersOrgId),
    membersUserId: fixtures.memberUserId,
    membersWorkflowUserId: fixtures.otherMemberUserId,
  };
}

/**
 * A seeded reference server on a free port with a throwaway database, rate limits on both
 * APIs, and the tokens and identifiers of its fixtures; plus instances with the same key whose
 * identity service is down (503), whose storage fails (500), that answer DELETE as releases
 * before 2016 (200), whose UAA limits its callers (UAA's 429) and whose role feature flags are
 * off (403 FeatureDisabled), so that every documented response is provoked for real. With
 * `database` (a postgres:// URL) every instance but the last runs on that database instead of
 * throwaway SQLite files.
 */
export async function startReferenceTarget(
  options: { rateLimited?: boolean; database?: string } = {},
): Promise<StartedTarget> {
  const rateLimited = options.rateLimited ?? true;
  const { startServer, mintToken, fixtures } = await import('@org-membership-api/reference-server');
  const directory = await mkdtemp(join(tmpdir(), 'contract-reference-'));
  const secret = `contract-checks-${process.pid}-${Date.now()}`;
  type InstanceOptions = Partial<Parameters<typeof startServer>[0]>;
  // An instance with the fixtures and the key of the others, on the shared database when one is
  // given, else on a SQLite file of its own.
  const instance = (file: string, extra: InstanceOptions = {}, ownDatabase = false) =>
    startServer({
      port: 0,
      databasePath: ownDatabase ? join(directory, file) : (options.database ?? join(directory, file)),
      seed: true,
      jwtSecret: secret,
      log: () => {},
      ...extra,
    });
  const server = await instance(
    'reference.db',
    // Without the test limits: the member API keeps its own default, Cloud Controller has none.
    rateLimited
      ? {
          memberRateLimit: referenceRateLimit,
          cloudControllerRateLimit: referenceRateLimit,
          cloudControllerV2RateLimit: referenceCloudControllerLimits.v2Api,
          cloudControllerUnauthenticatedRateLimit: referenceCloudControllerLimits.unauthenticated,
        }
      : {},
  );
  // The identity service down, for 503 UaaUnavailable.
  const identityDown = await instance('identity-down.db', { userDirectoryAvailable: false });
  // A database that fails (closed under the running server), for 500.
  const storageFault = await instance('storage-fault.db');
  await storageFault.store.close();
  // DELETE answered as releases before 2016 did (200 and the organization).
  const legacyDelete = await instance('legacy-delete.db', { deleteSuccessStatus: 200 });
  // UAA's rate limiter on: a burst there slows no other check.
  const uaaRateLimited = await instance('uaa-rate-limited.db', { uaaRateLimit: referenceUaaRateLimit });
  // The role feature flags off (cf disable-feature-flag), for 403 FeatureDisabled. Always on a
  // database of its own: the flags are stored, and on a shared database they would be off for
  // every instance.
  const featureFlagsDisabled = await instance(
    'feature-flags-disabled.db',
    { featureFlags: { set_roles_by_username: false, unset_roles_by_username: false } },
    true,
  );
  const mint = (scopes: string[], userId: string, orgId?: string) =>
    mintToken({ secret, scopes, userId, ...(orgId ? { orgId } : {}), expiresInSeconds: 3600 });
  const env: ContractEnv = {
    ...(await referenceContractEnv({ secret, expiresInSeconds: 3600 })),
    // Callers of their own, so that using their limits up slows no other request; not an
    // admin, whom Cloud Controller does not count against the general limit.
    cfRateLimitToken: await mint(['cloud_controller.write', 'cloud_controller.read'], fixtures.userIds.user),
    // An admin of its own (read only: the requests that use the limit up change nothing).
    cfV2RateLimitToken: await mint(['cloud_controller.admin_read_only'], fixtures.userIds.manager),
    cfIpRateLimit: 'yes',
    membersRateLimitToken: await mint(['update:org'], fixtures.otherMemberUserId, fixtures.membersOrgId),
    cfIdentityUnavailableServer: identityDown.url,
    storageFaultServer: storageFault.url,
    cfLegacyDeleteServer: legacyDelete.url,
    cfFeatureFlagsDisabledServer: featureFlagsDisabled.url,
    uaaRateLimitServer: uaaRateLimited.url,
    // Enough to use up the largest of the limits; a burst stops at the first 429.
    rateLimitBurst: String(
      Math.max(
        referenceCloudControllerLimits.v2Api.adminRequests,
        referenceCloudControllerLimits.unauthenticated.requests,
      ) + 1,
    ),
  };
  return {
    url: server.url,
    target: 'server',
    env,
    close: async () => {
      await Promise.all(
        [server, identityDown, storageFault, legacyDelete, uaaRateLimited, featureFlagsDisabled].map((instance) =>
          instance.close(),
        ),
      );
      await rm(directory, { recursive: true, force: true });
    },
  };
}
