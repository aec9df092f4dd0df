import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../src/index.js';
import { bearer, startTestServer, tokens, type TestServer } from './support.js';

// Bad input of every kind: the answer is never a 5xx, and it is always a response that the
// contract documents for the request (status, headers and body schema; `call` checks that).

let server: TestServer;
let admin: string;
let member: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await tokens.admin();
  member = await tokens.member();
});
afterAll(() => server.close());

const runs = { numRuns: 120 };
const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,80}$/);
const segment = fc
  .oneof(
    fc.uuid(),
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,60}$/),
    fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
    // `.` and `..` are resolved away by the client before the request is sent.
  )
  .filter((s) => s !== '.' && s !== '..');
const role = fc.constantFrom('users', 'managers', 'billing_managers', 'auditors');
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({ username: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)) })
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        username: fc.constantFrom(...Object.values(fixtures.usernames), fixtures.multiOriginUsername, 'nobody'),
        origin: fc.oneof(fc.constantFrom('uaa', 'ldap', ''), fc.string({ maxLength: 20 })),
        extra: fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: ['username'] },
    )
    .map((v) => JSON.stringify(v)),
);

describe('Cloud Controller operations under bad input', () => {
  it('any body, any org guid, any role', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'DELETE'), segment, role, body, async (method, guid, r, payload) => {
        const response = await server.call(method, `/v2/organizations/${guid}/${r}`, {
          headers: bearer(admin),
          body: payload,
        });
        expect(response.status).toBeLessThan(500);
      }),
      runs,
    );
  });

  it('any Authorization header and request ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        headerValue,
        fc.constantFrom('PUT', 'DELETE'),
        async (authorization, id, method) => {
          const response = await server.call(method, `/v2/organizations/${fixtures.organizations.name1766}/users`, {
            headers: { Authorization: authorization, 'X-VCAP-Request-ID': id, 'X-Request-ID': id },
            body: { username: fixtures.usernames.user },
          });
          expect(response.status).toBe(401);
          expect(response.headers.get('x-vcap-request-id')!.length).toBeLessThanOrEqual(255 + 2 + 36);
        },
      ),
      runs,
    );
  });

  it('any bytes as the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const response = await server.call('PUT', `/v2/organizations/${fixtures.organizations.name1766}/auditors`, {
          headers: bearer(admin),
          body: Buffer.from(bytes).toString('latin1'),
        });
        expect([201, 400]).toContain(response.status);
      }),
      runs,
    );
  });
});

describe('member removal under bad input', () => {
  it('any userId, any Authorization header, any body', async () => {
    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.option(headerValue),
        fc.option(fc.string({ maxLength: 100 })),
        async (userId, authorization, payload) => {
          const headers = authorization === null ? bearer(member) : { Authorization: authorization };
          const response = await server.call('DELETE', `/organization/members/${userId}`, {
            headers,
            ...(payload === null ? {} : { body: payload }),
          });
          expect([204, 400, 401]).toContain(response.status);
        },
      ),
      runs,
    );
  });
});

describe('routes outside the contract', () => {
  it('any method and path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        // At least one segment: `/` is the root document, a route of its own.
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (method, segments, cloudController) => {
          const path = `${cloudController ? '/v2/' : '/'}${segments.join('/')}`;
          const response = await server.call(method, path, { headers: bearer(admin) });
          expect(response.status).toBeLessThan(500);
        },
      ),
      runs,
    );
  });
});
