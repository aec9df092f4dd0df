export { clientCredentials, type ClientCredentialsOptions } from './auth.js';
export {
  createOrgMembershipClient,
  type ApiOptions,
  type CloudControllerOptions,
  type CallOptions,
  type CloudControllerPaths,
  type MembersPaths,
  type Organization,
  type OrgMembershipClient,
  type OrgMembershipClientOptions,
  type Role,
  type RoleRemoval,
  type RoleTarget,
  type Space,
  type SpaceRole,
  type SpaceRoleRemoval,
  type SpaceRoleTarget,
} from './client.js';
export { ApiError, ResponseParseError, unwrap } from './errors.js';
export {
  parseRetryAfter,
  type Fetch,
  type RetryOptions,
  type TokenContext,
  type TokenProvider,
  type TransportOptions,
} from './transport.js';
