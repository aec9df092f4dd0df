import { fixtures } from './fixtures.js';
import { mintToken } from './tokens.js';

export type ReferenceContractEnv = Record<string, string>;

/**
 * Tokens and identifiers that exist on a seeded server, as environment variables for the
 * contract checks. Tokens are signed with `secret` and valid for `expiresInSeconds`.
 */
export async function contractEnv(options: {
  secret: string;
  expiresInSeconds?: number;
}): Promise<ReferenceContractEnv> {
  const mint = (
    scopes: string[],
    userId: string,
    extra: { orgId?: string; audience?: string; expiresInSeconds?: number } = {},
  ) =>
    mintToken({
      secret: options.secret,
      scopes,
      userId,
      expiresInSeconds: options.expiresInSeconds ?? 86_400,
      ...extra,
    });
  const orgGuid = fixtures.organizations.name1766;
  return {
    CF_ADMIN_TOKEN: await mint(['cloud_controller.admin'], fixtures.adminUserId),
    CF_ORG_MANAGER_TOKEN: await mint(
      ['cloud_controller.write', 'cloud_controller.read'],
      fixtures.orgManagerUserId(orgGuid)!,
    ),
    CF_WRITE_WITHOUT_ROLE_TOKEN: await mint(
      ['cloud_controller.write', 'cloud_controller.read'],
      fixtures.outsiderUserId,
    ),
    CF_READ_ONLY_TOKEN: await mint(['cloud_controller.read'], fixtures.orgManagerUserId(orgGuid)!),
    CF_EXPIRED_TOKEN: await mint(['cloud_controller.admin'], fixtures.adminUserId, { expiresInSeconds: -60 }),
    CF_WRONG_AUDIENCE_TOKEN: await mint(['cloud_controller.admin'], fixtures.adminUserId, {
      audience: 'another_service',
    }),
    CF_ORG_GUID: orgGuid,
    CF_SUSPENDED_ORG_GUID: fixtures.suspendedOrgGuid,
    CF_UNKNOWN_ORG_GUID: fixtures.unknownOrganizationGuid,
    CF_USERNAME: fixtures.usernames.user,
    CF_UNKNOWN_USERNAME: fixtures.unknownUsername,
    CF_MULTI_ORIGIN_USERNAME: fixtures.multiOriginUsername,
    CF_SPACE_ROLES_USERNAME: fixtures.usernameWithSpaceRoles,
    CF_SPACE_ROLES_ORG_GUID: fixtures.orgWithSpaceRoles,
    MEMBERS_TOKEN: await mint(['update:org', 'read:org'], fixtures.membersAdminUserId, {
      orgId: fixtures.membersOrgId,
    }),
    MEMBERS_READ_ONLY_TOKEN: await mint(['read:org'], fixtures.membersAdminUserId, { orgId: fixtures.membersOrgId }),
    MEMBERS_EXPIRED_TOKEN: await mint(['update:org'], fixtures.membersAdminUserId, {
      orgId: fixtures.membersOrgId,
      expiresInSeconds: -60,
    }),
    MEMBERS_ORG_ID: fixtures.membersOrgId,
    MEMBERS_USER_ID: fixtures.memberUserId,
  };
}
