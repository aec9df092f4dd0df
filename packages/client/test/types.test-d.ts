import type { components } from '@org-membership-api/types';
import { describe, expectTypeOf, it } from 'vitest';
import {
  ApiError,
  createOrgMembershipClient,
  unwrap,
  type Organization,
  type Role,
  type Space,
  type SpaceRole,
  type TokenProvider,
} from '../src/index.js';

const client = createOrgMembershipClient({
  cloudController: { baseUrl: 'https://api.example.org', token: 'token' },
  members: { baseUrl: 'https://api.aerospike.com/v1', token: async () => 'token' },
});
const org = '6f0e3308-1340-4682-937e-7b8186f5431e';
const space = 'e2d05c43-f95f-4ec7-82ec-0904d82abe5e';

describe('roles and members methods', () => {
  it('answer the organization, the organization or undefined, and nothing', () => {
    expectTypeOf<Organization>().toEqualTypeOf<components['schemas']['OrganizationResource']>();
    expectTypeOf(client.roles.associate({ org, role: 'users', username: 'u' })).toEqualTypeOf<Promise<Organization>>();
    expectTypeOf(client.roles.remove({ org, role: 'auditors', username: 'u' })).toEqualTypeOf<
      Promise<Organization | undefined>
    >();
    expectTypeOf(client.members.remove({ userId: 'id' })).toEqualTypeOf<Promise<void>>();
  });

  it('answer the space for space roles, on associate and on remove', () => {
    expectTypeOf<Space>().toEqualTypeOf<components['schemas']['SpaceResource']>();
    expectTypeOf(client.roles.associate({ space, role: 'developers', username: 'u' })).toEqualTypeOf<Promise<Space>>();
    expectTypeOf(client.roles.remove({ space, role: 'managers', username: 'u', origin: 'ldap' })).toEqualTypeOf<
      Promise<Space>
    >();
  });

  it('know the three space roles', () => {
    expectTypeOf<SpaceRole>().toEqualTypeOf<'developers' | 'managers' | 'auditors'>();
    // @ts-expect-error: not a space role
    void client.roles.associate({ space, role: 'users', username: 'u' });
    // @ts-expect-error: not a space role
    void client.roles.remove({ space, role: 'billing_managers', username: 'u' });
    // @ts-expect-error: an organization and a space at once
    void client.roles.associate({ org, space, role: 'managers', username: 'u' });
    // @ts-expect-error: neither an organization nor a space
    void client.roles.associate({ role: 'managers', username: 'u' });
  });

  it('know the four roles', () => {
    expectTypeOf<Role>().toEqualTypeOf<'users' | 'managers' | 'billing_managers' | 'auditors'>();
    // @ts-expect-error: not an organization role
    void client.roles.associate({ org, role: 'developers', username: 'u' });
    // @ts-expect-error: the username is required
    void client.roles.associate({ org, role: 'users' });
    // @ts-expect-error: origin is a string
    void client.roles.associate({ org, role: 'users', username: 'u', origin: 1 });
    // @ts-expect-error: a misspelt field is not silently dropped
    void client.roles.associate({ org, role: 'users', username: 'u', orign: 'ldap' });
  });

  it('allow recursive for users only', () => {
    void client.roles.remove({ org, role: 'users', username: 'u', recursive: true });
    // @ts-expect-error: recursive exists for the users role only
    void client.roles.remove({ org, role: 'managers', username: 'u', recursive: true });
    // @ts-expect-error: recursive is a boolean
    void client.roles.remove({ org, role: 'users', username: 'u', recursive: 'true' });
    // @ts-expect-error: recursive does not exist for space roles
    void client.roles.remove({ space, role: 'developers', username: 'u', recursive: true });
    // @ts-expect-error: nor on associate
    void client.roles.associate({ org, role: 'users', username: 'u', recursive: true });
  });

  it('take the remove method as a client option', () => {
    void createOrgMembershipClient({ cloudController: { baseUrl: 'https://api.example.org', removeWithDelete: true } });
    // @ts-expect-error: the member API has no such option
    void createOrgMembershipClient({ members: { baseUrl: 'https://api.aerospike.com/v1', removeWithDelete: true } });
  });

  it('take a signal and extra headers per call', () => {
    void client.members.remove(
      { userId: 'id' },
      { signal: AbortSignal.timeout(1000), headers: { Prefer: 'code=403' } },
    );
    // @ts-expect-error: the user is named by userId
    void client.members.remove({ id: 'id' });
  });
});

describe('raw clients', () => {
  it('type bodies and parameters from the contract', () => {
    void client.raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
      params: { path: { guid: org } },
      body: { username: 'u', origin: 'uaa' },
    });
    void client.raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
      params: { path: { guid: org } },
      // @ts-expect-error: the body needs username
      body: { user: 'u' },
    });
    // @ts-expect-error: the body is required
    void client.raw.cloudController.PUT('/v2/organizations/{guid}/managers', { params: { path: { guid: org } } });
    void client.raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
      // @ts-expect-error: the path parameter is guid
      params: { path: { org } },
      body: { username: 'u' },
    });
    void client.raw.cloudController.POST('/v2/organizations/{guid}/managers/remove', {
      // @ts-expect-error: recursive is documented on the removals of users only
      params: { path: { guid: org }, query: { recursive: 'true' } },
      body: { username: 'u' },
    });
    void client.raw.cloudController.DELETE('/v2/organizations/{guid}/managers', {
      // @ts-expect-error: recursive is documented on DELETE users only
      params: { path: { guid: org }, query: { recursive: 'true' } },
      body: { username: 'u' },
    });
    void client.raw.members.DELETE('/organization/members/{userId}', {
      params: { path: { userId: 'id' } },
      // @ts-expect-error: members takes no body
      body: { userId: 'id' },
    });
  });

  it('keep each API to its own paths', () => {
    // @ts-expect-error: a member API path on the Cloud Controller client
    void client.raw.cloudController.DELETE('/organization/members/{userId}', { params: { path: { userId: 'id' } } });
    // @ts-expect-error: a Cloud Controller path on the member API client
    void client.raw.members.PUT('/v2/organizations/{guid}/users', {
      params: { path: { guid: org } },
      body: { username: 'u' },
    });
    // @ts-expect-error: no GET is documented
    void client.raw.cloudController.GET('/v2/organizations/{guid}/users', { params: { path: { guid: org } } });
  });

  it('type success data and error bodies', async () => {
    const added = await client.raw.cloudController.PUT('/v2/organizations/{guid}/auditors', {
      params: { path: { guid: org } },
      body: { username: 'u' },
    });
    expectTypeOf(unwrap(added)).toEqualTypeOf<Organization>();
    if (added.error)
      expectTypeOf(added.error).toEqualTypeOf<
        components['schemas']['CloudControllerError'] | components['schemas']['CloudControllerRateLimitError']
      >();
    const removedFromSpace = await client.raw.cloudController.POST('/v2/spaces/{guid}/auditors/remove', {
      params: { path: { guid: space } },
      body: { username: 'u' },
    });
    expectTypeOf(unwrap(removedFromSpace)).toEqualTypeOf<Space>();
    const removedFromOrg = await client.raw.cloudController.POST('/v2/organizations/{guid}/users/remove', {
      params: { path: { guid: org }, query: { recursive: 'true' } },
      body: { username: 'u' },
    });
    expectTypeOf(unwrap(removedFromOrg)).toEqualTypeOf<undefined>();
    const removed = await client.raw.members.DELETE('/organization/members/{userId}', {
      params: { path: { userId: 'id' } },
    });
    expectTypeOf(unwrap(removed)).toEqualTypeOf<undefined>();
    if (removed.error) expectTypeOf(removed.error).toExtend<{ message: string; code?: string | undefined }>();
  });
});

describe('errors and tokens', () => {
  it('type the error fields', () => {
    expectTypeOf<ApiError['status']>().toEqualTypeOf<number>();
    expectTypeOf<ApiError['code']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<ApiError['errorCode']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ApiError['requestId']>().toEqualTypeOf<string | undefined>();
  });

  it('accept a static token or a sync or async provider', () => {
    expectTypeOf<() => string>().toExtend<TokenProvider>();
    expectTypeOf<() => Promise<string>>().toExtend<TokenProvider>();
    expectTypeOf<() => Promise<number>>().not.toExtend<TokenProvider>();
  });
});
