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

/** What a seeded reference server holds that the checks need, minus what needs more than one server. */
export type ReferenceEnvFields = Exclude<keyof ContractEnv, (typeof referenceEnvNeedsMore)[number]>;

/**
 * Variables a seeded reference server started with its defaults cannot serve: the rate-limit
 * tokens need the limits the checks can use up (`--cf-rate-limit`, `--member-rate-limit`), and
 * the 503 checks a second instance whose identity service is down.
 */
export const referenceEnvNeedsMore = [
  'cfRateLimitToken',
  'membersRateLimitToken',
  'rateLimitBurst',
  'cfIdentityUnavailableServer',
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
    membersToken: await mint(['update:org', 'read:org'], fixtures.membersAdminUserId, fixtures.membersOrgId),
    membersReadOnlyToken: await mint(['read:org'], fixtures.membersAdminUserId, fixtures.membersOrgId),
    membersUserId: fixtures.memberUserId,
    membersWorkflowUserId: fixtures.otherMemberUserId,
  };
}

/**
 * A seeded reference server on a free port with a throwaway database, rate limits on both
 * APIs, and the tokens and identifiers of its fixtures; plus a second instance whose identity
 * service is down, so that 503 is provoked for real too. With `database` (a postgres:// URL)
 * both instances run on that database instead of throwaway SQLite files.
 */
export async function startReferenceTarget(
  options: { rateLimited?: boolean; database?: string } = {},
): Promise<StartedTarget> {
  const rateLimited = options.rateLimited ?? true;
  const { startServer, mintToken, fixtures } = await import('@org-membership-api/reference-server');
  const directory = await mkdtemp(join(tmpdir(), 'contract-reference-'));
  const secret = `contract-checks-${process.pid}-${Date.now()}`;
  const server = await startServer({
    port: 0,
    databasePath: options.database ?? join(directory, 'reference.db'),
    seed: true,
    jwtSecret: secret,
    // Without the test limits: the member API keeps its own default, Cloud Controller has none.
    ...(rateLimited ? { memberRateLimit: referenceRateLimit, cloudControllerRateLimit: referenceRateLimit } : {}),
    log: () => {},
  });
  // The same data and key with the identity service down, for 503 UaaUnavailable.
  const identityDown = await startServer({
    port: 0,
    databasePath: options.database ?? join(directory, 'identity-down.db'),
    seed: true,
    jwtSecret: secret,
    userDirectoryAvailable: false,
    log: () => {},
  });
  const mint = (scopes: string[], userId: string, orgId?: string) =>
    mintToken({ secret, scopes, userId, ...(orgId ? { orgId } : {}), expiresInSeconds: 3600 });
  const env: ContractEnv = {
    ...(await referenceContractEnv({ secret, expiresInSeconds: 3600 })),
    // Callers of their own, so that using their limits up slows no other request; not an
    // admin, whom Cloud Controller does not count against the general limit.
    cfRateLimitToken: await mint(['cloud_controller.write', 'cloud_controller.read'], fixtures.userIds.user),
    membersRateLimitToken: await mint(['update:org'], fixtures.otherMemberUserId, fixtures.membersOrgId),
    cfIdentityUnavailableServer: identityDown.url,
    rateLimitBurst: String(referenceRateLimit.requests + 1),
  };
  return {
    url: server.url,
    target: 'server',
    env,
    close: async () => {
      await Promise.all([server.close(), identityDown.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
