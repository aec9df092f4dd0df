import type { components, operations, paths } from '@org-membership-api/types';
import { describe, expectTypeOf, it } from 'vitest';

describe('generated types', () => {
  it('type the role request body, with username required and origin optional', () => {
    type Body = operations['associateUserWithOrganizationByUsername']['requestBody']['content']['application/json'];
    expectTypeOf<Body>().toEqualTypeOf<components['schemas']['RoleByUsernameRequest']>();
    expectTypeOf<Body['username']>().toEqualTypeOf<string>();
    // `null` means no origin, as `""` does.
    expectTypeOf<Body>().toHaveProperty('origin').toEqualTypeOf<string | null | undefined>();
  });

  it('type both DELETE successes: 200 with the organization and 204 with no content', () => {
    type Responses = operations['disassociateUserWithOrganizationByUsername']['responses'];
    expectTypeOf<Responses[200]['content']['application/json']>().toEqualTypeOf<
      components['schemas']['OrganizationResource']
    >();
    expectTypeOf<NonNullable<Responses[204]['content']>>().toBeNever();
    expectTypeOf<components['schemas']['OrganizationMetadata']['updated_at']>().toEqualTypeOf<string | null>();
  });

  it('type recursive as a string query on both removals of users only (Cloud Controller compares it with "true")', () => {
    expectTypeOf<operations['disassociateUserWithOrganizationByUsername']['parameters']['query']>().toEqualTypeOf<
      { recursive?: string } | undefined
    >();
    expectTypeOf<operations['removeUserFromOrganizationByUsername']['parameters']['query']>().toEqualTypeOf<
      { recursive?: string } | undefined
    >();
    expectTypeOf<
      operations['removeManagerFromOrganizationByUsername']['parameters']['query']
    >().toEqualTypeOf<undefined>();
    expectTypeOf<paths['/organization/members/{userId}']['delete']['parameters']['path']>().toEqualTypeOf<{
      userId: string;
    }>();
  });

  it('type the space operations with the space resource', () => {
    type Space = operations['associateDeveloperWithSpaceByUsername']['responses'][201]['content']['application/json'];
    expectTypeOf<Space>().toEqualTypeOf<components['schemas']['SpaceResource']>();
    expectTypeOf<Space['entity']['space_quota_definition_guid']>().toEqualTypeOf<string | null>();
    type Removed = operations['removeDeveloperFromSpaceByUsername']['responses'][200]['content']['application/json'];
    expectTypeOf<Removed>().toEqualTypeOf<components['schemas']['SpaceResource']>();
  });

  it('type the member API error with message required', () => {
    type Err = components['schemas']['GenericApiError'];
    expectTypeOf<Err['message']>().toEqualTypeOf<string>();
    expectTypeOf<Err>().toHaveProperty('code').toEqualTypeOf<string | undefined>();
  });
});
