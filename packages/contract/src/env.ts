/**
 * What the checks need to know about the server under test: tokens, and the guids, usernames
 * and user ids that exist there. Every field has an environment variable (the name in
 * `contractEnvVariables`) and a CLI flag (the same name, lowercase with dashes:
 * CF_ADMIN_TOKEN → --cf-admin-token). Prefer the environment for tokens.
 */
export interface ContractEnv {
  /** `cloud_controller.admin` token (successes, 400, 404). */
  cfAdminToken?: string;
  /** Token with neither `cloud_controller.admin` nor `.write` (→ 403 InsufficientScope on PUT). */
  cfReadOnlyToken?: string;
  /** `cloud_controller.write` token of a user who is not an Org Manager of CF_ORG_GUID (→ 403 NotAuthorized on DELETE). */
  cfWriteWithoutRoleToken?: string;
  /**
   * Token (not an admin's: Cloud Controller does not count admins against the general limit)
   * whose Cloud Controller rate limit the checks may use up (→ 429). Without it 429 is skipped.
   */
  cfRateLimitToken?: string;
  /** An organization the admin may change. */
  cfOrgGuid?: string;
  /** A guid no organization has. */
  cfUnknownOrgGuid?: string;
  /** A user that exists in exactly one origin. */
  cfUsername?: string;
  /** A username no origin knows. */
  cfUnknownUsername?: string;
  /** A username that exists in several origins (→ 400 UserIsInMultipleOrigins). */
  cfMultiOriginUsername?: string;
  /**
   * Token whose Cloud Controller v2 rate limit the checks may use up (→ 429
   * RateLimitV2APIExceeded): an admin's (`cloud_controller.admin_read_only` will do), whom the
   * general limit does not count, and not the admin of CF_ADMIN_TOKEN.
   */
  cfV2RateLimitToken?: string;
  /**
   * Any value: the checks may use up the limit on requests without a user token from their
   * address (→ 429 IPBasedRateLimitExceeded), once, after every other such request.
   */
  cfIpRateLimit?: string;
  /** A user holding space roles in CF_SPACE_ROLES_ORG_GUID (→ 400 AssociationNotEmpty). The workflow removes them. */
  cfSpaceRolesUsername?: string;
  cfSpaceRolesOrgGuid?: string;
  /** A space the admin may change (space role operations). */
  cfSpaceGuid?: string;
  /** The organization of CF_SPACE_GUID. */
  cfSpaceOrgGuid?: string;
  /** A guid no space has (→ 404 SpaceNotFound). */
  cfUnknownSpaceGuid?: string;
  /** An Org User of CF_SPACE_ORG_GUID without space roles in CF_SPACE_GUID. */
  cfSpaceUsername?: string;
  /**
   * A user UAA and Cloud Controller know who is not in CF_SPACE_ORG_GUID (→ 400 InvalidRelation
   * on a space role); the workflow then makes them an Org User.
   */
  cfNotInOrgUsername?: string;
  /** A user UAA knows but Cloud Controller has no record of (→ 404 UserNotFound on removals by username, 400 InvalidRelation by user guid). */
  cfUaaOnlyUsername?: string;
  /** The user guids (UAA user ids) of CF_USERNAME, CF_SPACE_USERNAME, CF_NOT_IN_ORG_USERNAME, CF_UAA_ONLY_USERNAME and CF_SPACE_ROLES_USERNAME: the role routes by user guid. */
  cfUserGuid?: string;
  cfSpaceUserGuid?: string;
  cfNotInOrgUserGuid?: string;
  cfUaaOnlyUserGuid?: string;
  cfSpaceRolesUserGuid?: string;
  /** Token with `cloud_controller.write` alone (→ 403 InsufficientScope on the reads: lists, feature flags). */
  cfWriteOnlyToken?: string;
  /** UAA token with `scim.read` (→ 200 on UAA's `GET /Users`). */
  uaaScimReadToken?: string;
  /** A user who may log in through the cf CLI's client, and their password (→ 200 on UAA's password grant). */
  uaaUsername?: string;
  uaaPassword?: string;
  /** Member API token with `update:org`, naming the caller's organization. */
  membersToken?: string;
  /** Member API token without `update:org` (→ 403). */
  membersReadOnlyToken?: string;
  /** Member API token whose rate limit the checks may use up (→ 429). Without it 429 is skipped. */
  membersRateLimitToken?: string;
  /** A member of the token's organization (removed by the 204 transaction). */
  membersUserId?: string;
  /** The member the remove-twice workflow removes (default MEMBERS_USER_ID). */
  membersWorkflowUserId?: string;
  /**
   * Base URL of a second instance of the server whose identity service (UAA) is down: the
   * 503 UaaUnavailable checks are sent there. Without it 503 is skipped.
   */
  cfIdentityUnavailableServer?: string;
  /**
   * Base URL of another instance of the server whose storage fails: the 500 checks
   * (ServerError, the member API's internal error) are sent there. Without it 500 is skipped.
   */
  storageFaultServer?: string;
  /**
   * Base URL of another instance of the server that answers as Cloud Controller releases
   * before 2016 (DELETE by username: 200 with the organization): the DELETE 200 checks are
   * sent there. Without it they go to the server under test, which may answer the other success.
   */
  cfLegacyDeleteServer?: string;
  /**
   * Base URL of another instance of the server whose `set_roles_by_username` and
   * `unset_roles_by_username` feature flags are off: the FeatureDisabled checks are sent there
   * with the write token of a user without a role (the flags bind every caller but admins).
   * Without it FeatureDisabled is skipped.
   */
  cfFeatureFlagsDisabledServer?: string;
  /**
   * Base URL of a UAA (or another instance of the server) whose rate limiter is on, with
   * limits on `/login`, `/oauth/token` and `/Users` the checks may use up from their address:
   * UAA's 429 checks are sent there. Without it they are skipped.
   */
  uaaRateLimitServer?: string;
  /** Most requests sent to use up a rate limit (default 200). */
  rateLimitBurst?: string;
}

export const contractEnvVariables: Record<keyof ContractEnv, string> = {
  cfAdminToken: 'CF_ADMIN_TOKEN',
  cfReadOnlyToken: 'CF_READ_ONLY_TOKEN',
  cfWriteWithoutRoleToken: 'CF_WRITE_WITHOUT_ROLE_TOKEN',
  cfRateLimitToken: 'CF_RATE_LIMIT_TOKEN',
  cfOrgGuid: 'CF_ORG_GUID',
  cfUnknownOrgGuid: 'CF_UNKNOWN_ORG_GUID',
  cfUsername: 'CF_USERNAME',
  cfUnknownUsername: 'CF_UNKNOWN_USERNAME',
  cfMultiOriginUsername: 'CF_MULTI_ORIGIN_USERNAME',
  cfV2RateLimitToken: 'CF_V2_RATE_LIMIT_TOKEN',
  cfIpRateLimit: 'CF_IP_RATE_LIMIT',
  cfSpaceRolesUsername: 'CF_SPACE_ROLES_USERNAME',
  cfSpaceRolesOrgGuid: 'CF_SPACE_ROLES_ORG_GUID',
  cfSpaceGuid: 'CF_SPACE_GUID',
  cfSpaceOrgGuid: 'CF_SPACE_ORG_GUID',
  cfUnknownSpaceGuid: 'CF_UNKNOWN_SPACE_GUID',
  cfSpaceUsername: 'CF_SPACE_USERNAME',
  cfNotInOrgUsername: 'CF_NOT_IN_ORG_USERNAME',
  cfUaaOnlyUsername: 'CF_UAA_ONLY_USERNAME',
  cfUserGuid: 'CF_USER_GUID',
  cfSpaceUserGuid: 'CF_SPACE_USER_GUID',
  cfNotInOrgUserGuid: 'CF_NOT_IN_ORG_USER_GUID',
  cfUaaOnlyUserGuid: 'CF_UAA_ONLY_USER_GUID',
  cfSpaceRolesUserGuid: 'CF_SPACE_ROLES_USER_GUID',
  cfWriteOnlyToken: 'CF_WRITE_ONLY_TOKEN',
  uaaScimReadToken: 'UAA_SCIM_READ_TOKEN',
  uaaUsername: 'UAA_USERNAME',
  uaaPassword: 'UAA_PASSWORD',
  membersToken: 'MEMBERS_TOKEN',
  membersReadOnlyToken: 'MEMBERS_READ_ONLY_TOKEN',
  membersRateLimitToken: 'MEMBERS_RATE_LIMIT_TOKEN',
  membersUserId: 'MEMBERS_USER_ID',
  membersWorkflowUserId: 'MEMBERS_WORKFLOW_USER_ID',
  cfIdentityUnavailableServer: 'CF_IDENTITY_UNAVAILABLE_SERVER',
  storageFaultServer: 'STORAGE_FAULT_SERVER',
  cfLegacyDeleteServer: 'CF_LEGACY_DELETE_SERVER',
  cfFeatureFlagsDisabledServer: 'CF_FEATURE_FLAGS_DISABLED_SERVER',
  uaaRateLimitServer: 'UAA_RATE_LIMIT_SERVER',
  rateLimitBurst: 'RATE_LIMIT_BURST',
};

export const defaultUnknownOrgGuid = '5d1e7a40-0000-4000-8000-000000000000';
export const defaultUnknownUsername = 'nobody@example.com';
/** A user guid no user has. */
export const defaultUnknownUserGuid = '5d1e7a40-0000-4000-8000-0000000000aa';
export const defaultUnknownSpaceGuid = '5d1e7a40-0000-4000-8000-000000000001';

/** The CLI flag of an env field: CF_ADMIN_TOKEN → cf-admin-token. */
export const flagOf = (field: keyof ContractEnv): string =>
  contractEnvVariables[field].toLowerCase().replaceAll('_', '-');

/** Reads every field from `source` (process.env by default); empty values count as unset. */
export function contractEnvFrom(source: Record<string, string | undefined> = process.env): ContractEnv {
  const env: ContractEnv = {};
  for (const [field, name] of Object.entries(contractEnvVariables) as Array<[keyof ContractEnv, string]>) {
    const value = source[name];
    if (value !== undefined && value !== '') env[field] = value;
  }
  return env;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces the env's secrets in report text with `[redacted]`: a token wherever it occurs; a
 * password (short, and maybe a common word, as bosh-lite's `admin`) wherever it stands as a
 * value of its own, as sent, URL- or form-encoded or JSON-escaped, so that a scope such as
 * `cloud_controller.admin` stays legible.
 * The pattern's source, for the Dredd hooks' process, which builds it with the flag `g`.
 */
export function redactionPattern(env: ContractEnv): string | undefined {
  const patterns: string[] = [];
  for (const field of Object.keys(env) as Array<keyof ContractEnv>) {
    const value = env[field];
    if (typeof value !== 'string' || value.length === 0) continue;
    if (field.endsWith('Token')) patterns.push(escapeRegExp(value));
    else if (field.endsWith('Password')) {
      const forms = new Set([
        value,
        encodeURIComponent(value),
        new URLSearchParams({ p: value }).toString().slice(2),
        JSON.stringify(value).slice(1, -1),
      ]);
      for (const form of forms) patterns.push(`(?<![\\w.-])${escapeRegExp(form)}(?![\\w.-])`);
    }
  }
  // Longest first: a secret that contains another is replaced whole.
  return patterns.length === 0 ? undefined : patterns.sort((a, b) => b.length - a.length).join('|');
}

/** `redactionPattern` as a function (see there). */
export function redactorOf(env: ContractEnv): (text: string) => string {
  const source = redactionPattern(env);
  if (source === undefined) return (text) => text;
  const pattern = new RegExp(source, 'g');
  return (text) => text.replace(pattern, '[redacted]');
}
