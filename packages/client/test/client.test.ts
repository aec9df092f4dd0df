import { describe, expect, it } from 'vitest';
import { createOrgMembershipClient, type Role, type SpaceRole } from '../src/index.js';
import {
  CLOUD_CONTROLLER_URL,
  empty,
  fakeFetch,
  json,
  MEMBERS_URL,
  organization,
  ORG_GUID,
  space,
  SPACE_GUID,
  USER_ID,
} from './support.js';

const ROLES: Role[] = ['users', 'managers', 'billing_managers', 'auditors'];
const SPACE_ROLES: SpaceRole[] = ['developers', 'managers', 'auditors'];

function client(fetch: ReturnType<typeof fakeFetch>, removeWithDelete?: boolean) {
  return createOrgMembershipClient({
    cloudController: { baseUrl: `${CLOUD_CONTROLLER_URL}/`, token: 'cc-token', removeWithDelete },
    members: { baseUrl: MEMBERS_URL, token: 'members-token' },
    fetch,
  });
}

const sent = (fetch: ReturnType<typeof fakeFetch>) =>
  fetch.requests.map(({ request, body }) => ({
    method: request.method,
    url: request.url,
    contentType: request.headers.get('Content-Type'),
    body: body ? JSON.parse(body) : undefined,
  }));

describe('roles.associate', () => {
  it.each(ROLES)('PUTs the username to /v2/organizations/{guid}/%s and answers the organization', async (role) => {
    const fetch = fakeFetch(() => json(201, organization));
    await expect(
      client(fetch).roles.associate({ org: ORG_GUID, role, username: 'user@example.com', origin: 'uaa' }),
    ).resolves.toEqual(organization);
    expect(sent(fetch)).toEqual([
      {
        method: 'PUT',
        url: `${CLOUD_CONTROLLER_URL}/v2/organizations/${ORG_GUID}/${role}`,
        contentType: 'application/json',
        body: { username: 'user@example.com', origin: 'uaa' },
      },
    ]);
  });

  it('leaves origin out when not given', async () => {
    const fetch = fakeFetch(() => json(201, organization));
    await client(fetch).roles.associate({ org: ORG_GUID, role: 'managers', username: 'manager@example.com' });
    expect(fetch.requests[0]?.body).toBe('{"username":"manager@example.com"}');
  });

  it('encodes the organization guid into the path', async () => {
    const fetch = fakeFetch(() => json(201, organization));
    await client(fetch).roles.associate({ org: '../../v3/x?y', role: 'users', username: 'u' });
    expect(fetch.requests[0]?.request.url).toBe(`${CLOUD_CONTROLLER_URL}/v2/organizations/..%2F..%2Fv3%2Fx%3Fy/users`);
  });
});

describe('roles.associate for spaces', () => {
  it.each(SPACE_ROLES)('PUTs the username to /v2/spaces/{guid}/%s and answers the space', async (role) => {
    const fetch = fakeFetch(() => json(201, space));
    await expect(
      client(fetch).roles.associate({ space: SPACE_GUID, role, username: 'user@example.com', origin: 'ldap' }),
    ).resolves.toEqual(space);
    expect(sent(fetch)).toEqual([
      {
        method: 'PUT',
        url: `${CLOUD_CONTROLLER_URL}/v2/spaces/${SPACE_GUID}/${role}`,
        contentType: 'application/json',
        body: { username: 'user@example.com', origin: 'ldap' },
      },
    ]);
  });
});

describe('roles.remove', () => {
  it.each(ROLES)(
    'POSTs the username to /v2/organizations/{guid}/%s/remove (not the deprecated DELETE)',
    async (role) => {
      const fetch = fakeFetch(() => empty(204));
      await expect(
        client(fetch).roles.remove({ org: ORG_GUID, role, username: 'user@example.com' }),
      ).resolves.toBeUndefined();
      expect(sent(fetch)).toEqual([
        {
          method: 'POST',
          url: `${CLOUD_CONTROLLER_URL}/v2/organizations/${ORG_GUID}/${role}/remove`,
          contentType: 'application/json',
          body: { username: 'user@example.com' },
        },
      ]);
    },
  );

  it.each(SPACE_ROLES)('POSTs the username to /v2/spaces/{guid}/%s/remove and answers the space', async (role) => {
    const fetch = fakeFetch(() => json(200, space));
    await expect(
      client(fetch).roles.remove({ space: SPACE_GUID, role, username: 'user@example.com', origin: 'uaa' }),
    ).resolves.toEqual(space);
    expect(sent(fetch)).toEqual([
      {
        method: 'POST',
        url: `${CLOUD_CONTROLLER_URL}/v2/spaces/${SPACE_GUID}/${role}/remove`,
        contentType: 'application/json',
        body: { username: 'user@example.com', origin: 'uaa' },
      },
    ]);
  });

  it('DELETEs /v2/{organizations,spaces}/{guid}/{role} with removeWithDelete, for foundations older than …/remove', async () => {
    const fetch = fakeFetch(
      () => empty(204),
      () => json(200, space),
    );
    await client(fetch, true).roles.remove({ org: ORG_GUID, role: 'users', username: 'u', recursive: true });
    await client(fetch, true).roles.remove({ space: SPACE_GUID, role: 'developers', username: 'u' });
    expect(sent(fetch)).toEqual([
      {
        method: 'DELETE',
        url: `${CLOUD_CONTROLLER_URL}/v2/organizations/${ORG_GUID}/users?recursive=true`,
        contentType: 'application/json',
        body: { username: 'u' },
      },
      {
        method: 'DELETE',
        url: `${CLOUD_CONTROLLER_URL}/v2/spaces/${SPACE_GUID}/developers`,
        contentType: 'application/json',
        body: { username: 'u' },
      },
    ]);
  });

  it('sends recursive=true for users when asked', async () => {
    const fetch = fakeFetch(
      () => empty(204),
      () => empty(204),
    );
    await client(fetch).roles.remove({ org: ORG_GUID, role: 'users', username: 'u', recursive: true });
    await client(fetch).roles.remove({ org: ORG_GUID, role: 'users', username: 'u', recursive: false });
    expect(fetch.requests.map(({ request }) => new URL(request.url).search)).toEqual([
      '?recursive=true',
      '?recursive=false',
    ]);
  });

  it('answers the organization for a 200 (DELETE, 2015 releases) and undefined for a 204 (later releases)', async () => {
    const fetch = fakeFetch(
      () => json(200, organization),
      () => empty(204, { 'X-VCAP-Request-ID': 'x' }),
    );
    const target = { org: ORG_GUID, role: 'billing_managers', username: 'billing@example.com' } as const;
    await expect(client(fetch, true).roles.remove(target)).resolves.toEqual(organization);
    await expect(client(fetch, true).roles.remove(target)).resolves.toBeUndefined();
  });
});

describe('members.remove', () => {
  it('DELETEs /organization/members/{userId} on the member API host, with no body', async () => {
    const fetch = fakeFetch(() => empty(204, { 'X-Request-Id': 'r' }));
    await expect(client(fetch).members.remove({ userId: USER_ID })).resolves.toBeUndefined();
    expect(sent(fetch)).toEqual([
      { method: 'DELETE', url: `${MEMBERS_URL}/organization/members/${USER_ID}`, contentType: null, body: undefined },
    ]);
  });
});

describe('per-call options', () => {
  it('adds the caller’s headers to the request', async () => {
    const fetch = fakeFetch(() => empty(204));
    await client(fetch).members.remove(
      { userId: USER_ID },
      { headers: { Prefer: 'code=204', 'X-Request-Id': 'trace-1' } },
    );
    const headers = fetch.requests[0]?.request.headers;
    expect([headers?.get('Prefer'), headers?.get('X-Request-Id'), headers?.get('Authorization')]).toEqual([
      'code=204',
      'trace-1',
      'Bearer members-token',
    ]);
  });
});

describe('configuration', () => {
  it('names the missing API when a call needs it', async () => {
    const onlyMembers = createOrgMembershipClient({ members: { baseUrl: MEMBERS_URL }, fetch: fakeFetch() });
    await expect(onlyMembers.roles.associate({ org: ORG_GUID, role: 'users', username: 'u' })).rejects.toThrow(
      'The cloudController API is not configured: pass options.cloudController.baseUrl',
    );
    const onlyCloudController = createOrgMembershipClient({
      cloudController: { baseUrl: CLOUD_CONTROLLER_URL },
      fetch: fakeFetch(),
    });
    expect(() => onlyCloudController.raw.members).toThrow(
      'The members API is not configured: pass options.members.baseUrl',
    );
  });

  it('exposes typed raw clients bound to each host', async () => {
    const fetch = fakeFetch(
      () => empty(204),
      () => json(200, organization),
    );
    const { raw } = client(fetch);
    const removed = await raw.members.DELETE('/organization/members/{userId}', {
      params: { path: { userId: USER_ID } },
    });
    expect(removed.response.status).toBe(204);
    const { data } = await raw.cloudController.DELETE('/v2/organizations/{guid}/auditors', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'auditor@example.com' },
    });
    expect(data?.entity.name).toBe('name-1766');
    expect(fetch.requests.map(({ request }) => new URL(request.url).origin)).toEqual([
      new URL(MEMBERS_URL).origin,
      CLOUD_CONTROLLER_URL,
    ]);
  });
});
