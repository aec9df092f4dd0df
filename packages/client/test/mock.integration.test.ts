import { deref, loadDocument } from '@org-membership-api/spec';
import { describe, expect, inject, it } from 'vitest';
import {
  ApiError,
  createOrgMembershipClient,
  type OrgMembershipClient,
  type Role,
  type SpaceRole,
} from '../src/index.js';

// Every operation the facade offers (the roles by username, member removal) and every documented
// response (each named example) of the bundled contract, called through the `roles` and `members`
// methods against the mock; `Prefer` selects the response. The contract's other operations (what
// the cf CLI reads, UAA, the roles by user guid) are reached through `client.raw`.
type Json = Record<string, any>;
const spec = loadDocument() as Json;
const resolve = (node: Json): Json => deref(spec, node);

interface DocumentedResponse {
  operationId: string;
  method: string;
  path: string;
  status: number;
  example: string | undefined;
  value: unknown;
}

const byUsername = /^\/v2\/(?:organizations|spaces)\/\{guid\}\/[a-z_]+(?:\/remove)?$/;
const facadePaths = Object.entries(spec.paths as Json).filter(
  ([path, item]) => byUsername.test(path) || item.delete?.operationId === 'removeOrgMember',
);

const documented: DocumentedResponse[] = facadePaths.flatMap(([path, item]) =>
  (['put', 'post', 'delete'] as const)
    .filter((method) => item[method])
    .flatMap((method) =>
      Object.entries(item[method].responses as Json).flatMap(([status, reference]): DocumentedResponse[] => {
        const content = resolve(reference).content as Json | undefined;
        // A 429 of Cloud Controller is JSON sent as text/plain, as its rate limiter does.
        const examples = (
          content?.['application/json'] ??
          content?.['text/plain'] ??
          content?.['application/problem+json']
        )?.examples as Json | undefined;
        const base = { operationId: item[method].operationId as string, method, path, status: Number(status) };
        return examples
          ? Object.entries(examples).map(([example, value]) => ({ ...base, example, value: resolve(value).value }))
          : [{ ...base, example: undefined, value: undefined }];
      }),
    ),
);

const ORG = '6f0e3308-1340-4682-937e-7b8186f5431e';
const SPACE = '0e8aea6d-a7a2-4ab2-a2e3-1eab1bd1f40b';
const USER_ID = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34';

/** The facade method and target for a documented operation: the client chooses the method (POST …/remove or DELETE) from `removeWithDelete`. */
function call(
  { operationId, method, path }: DocumentedResponse,
  headers: Record<string, string>,
  options: Parameters<typeof mockClient>[0] = {},
) {
  if (operationId === 'removeOrgMember') return mockClient(options).members.remove({ userId: USER_ID }, { headers });
  const [, , kind, , role] = path.split('/') as [string, string, 'organizations' | 'spaces', string, string];
  const client = mockClient({ ...options, removeWithDelete: method === 'delete' });
  const target = { username: 'user@example.com', origin: 'uaa' };
  if (method === 'put')
    return kind === 'organizations'
      ? client.roles.associate({ ...target, org: ORG, role: role as Role }, { headers })
      : client.roles.associate({ ...target, space: SPACE, role: role as SpaceRole }, { headers });
  return kind === 'organizations'
    ? client.roles.remove({ ...target, org: ORG, role: role as Role }, { headers })
    : client.roles.remove({ ...target, space: SPACE, role: role as SpaceRole }, { headers });
}

function mockClient(
  options: { attempts?: number; fetch?: (request: Request) => Promise<Response>; removeWithDelete?: boolean } = {},
) {
  const url = inject('mockUrl');
  return createOrgMembershipClient({
    cloudController: { baseUrl: url, token: 'cf-test-token', removeWithDelete: options.removeWithDelete },
    members: { baseUrl: url, token: async () => 'members-test-token' },
    retry: { attempts: options.attempts ?? 1, baseDelayMs: 1 },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

describe('against the mock', () => {
  it('covers all 22 operations and every documented error', () => {
    expect(new Set(documented.map(({ operationId }) => operationId)).size).toBe(22);
    expect(documented.filter(({ status }) => status >= 400).length).toBeGreaterThanOrEqual(80);
  });

  const successes = documented.filter(({ status }) => status < 400);
  it.each(
    successes.map(
      (response) => [response.operationId, response.status, response.example ?? 'no body', response] as const,
    ),
  )('%s answers %i (%s)', async (_, status, example, response) => {
    const prefer = response.example ? `code=${status}, example=${example}` : `code=${status}`;
    await expect(call(response, { Prefer: prefer })).resolves.toEqual(response.value);
  });

  const errors = documented.filter(({ status }) => status >= 400);
  it.each(errors.map((response) => [response.operationId, response.status, response.example, response] as const))(
    '%s throws ApiError for %i %s',
    async (_, status, example, response) => {
      const error = await call(response, { Prefer: `code=${status}, example=${example}` }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ApiError);
      const body = response.value as {
        description?: string;
        message: string;
        code?: number | string;
        error_code?: string;
      };
      expect(error).toMatchObject({
        status,
        code: body.code,
        errorCode: body.error_code,
        message: body.description ?? body.message,
        requestId: expect.stringMatching(/.+/),
      });
    },
  );

  it('sends recursive=true the mock accepts', async () => {
    const client = mockClient();
    await expect(
      client.roles.remove(
        { org: ORG, role: 'users', username: 'user@example.com', recursive: true },
        { headers: { Prefer: 'code=204' } },
      ),
    ).resolves.toBeUndefined();
  });

  it('retries a 503 with the same valid body, then throws it', async () => {
    const sent: string[] = [];
    const client = mockClient({
      attempts: 3,
      fetch: async (request) => {
        sent.push(await request.clone().text());
        return fetch(request);
      },
    });
    const error = await client.roles
      .associate({ org: ORG, role: 'managers', username: 'manager@example.com' }, { headers: { Prefer: 'code=503' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ApiError', status: 503, errorCode: 'CF-UaaUnavailable' });
    expect(sent).toEqual(Array(3).fill('{"username":"manager@example.com"}'));
  });

  it('lets the raw clients reach every path', async () => {
    const { raw } = mockClient();
    const added = await raw.cloudController.PUT('/v2/organizations/{guid}/billing_managers', {
      params: { path: { guid: ORG } },
      body: { username: 'billing@example.com' },
    });
    expect(added.response.status).toBe(201);
    expect(added.data?.metadata.guid).toMatch(/^[0-9a-f-]{36}$/);
    const removed = await raw.members.DELETE('/organization/members/{userId}', {
      params: { path: { userId: USER_ID } },
    });
    expect(removed.response.status).toBe(204);
  });
});
