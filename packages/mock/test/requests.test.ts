// What clients send: form-encoded JSON on v2, invalid bodies and parameters, oversized
// bodies, unknown routes. Every answer is a documented 4xx in the API's own error shape
// (or Prism's problem+json where the contract documents none), never a 500 or a hang.
import { request as httpRequest } from 'node:http';
import { describe, expect, it, inject } from 'vitest';
import { maxBodyBytes } from '../src/index.js';
import {
  call,
  defaultSuccess,
  deref,
  doc,
  exampleOf,
  examplePath,
  examplesOf,
  isCloudController,
  ops,
  takesJson,
} from './helpers.js';

// The Cloud Controller operations that take a body (the role operations by username).
const cfOps = ops.filter((op) => isCloudController(op) && takesJson(op));
const members = ops.find((op) => op.operationId === 'removeOrgMember')!;
const deleteUsers = ops.find((op) => op.operationId === 'disassociateUserWithOrganizationByUsername')!;
const auth = { authorization: 'bearer t' };
const json = { ...auth, 'content-type': 'application/json' };
const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };

describe.each(cfOps.map((op) => [op.operationId, op] as const))('%s', (_, op) => {
  const [successStatus] = defaultSuccess(op);
  const parseError = exampleOf(op, 400, 'MessageParseError');
  const path = examplePath(op);

  it.each([
    ['application/x-www-form-urlencoded', form],
    ['text/plain', { ...auth, 'content-type': 'text/plain' }],
    ['application/json; charset=utf-8', { ...auth, 'content-type': 'application/json; charset=utf-8' }],
  ])('parses a JSON body sent as %s, as Cloud Controller does', async (_, headers) => {
    const answer = await call(op.method, path, { headers, body: '{\n  "username": "user@example.com"\n}' });
    expect(answer.status).toBe(successStatus);
  });

  it('takes origin next to username', async () => {
    const answer = await call(op.method, path, {
      headers: json,
      body: '{"username":"user@example.com","origin":"ldap"}',
    });
    expect(answer.status).toBe(successStatus);
  });

  // Cloud Controller requires the body to be a JSON object, whatever the contract's schema says.
  it.each([
    ['a form body that is not JSON', form, 'username=user%40example.com'],
    ['malformed JSON', json, '{"username": '],
    ['no body', json, undefined],
    ['a JSON array', json, '[{"username":"user@example.com"}]'],
    ['a JSON string', form, '"user@example.com"'],
    ['null', json, 'null'],
  ])('answers 400 MessageParseError to %s', async (_, headers, body) => {
    const answer = await call(op.method, path, { headers, ...(body !== undefined && { body }) });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(parseError);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  // Cloud Controller hands username and origin to its user lookup unvalidated: what it finds
  // nobody for is the documented 404, never a 400; everything else is looked up as usual.
  it.each([
    ['an empty object', 'UserNotFoundWithoutUsername', '{}'],
    ['a null username', 'UserNotFoundWithoutUsername', '{"username":null,"origin":""}'],
    ['a number for username', 'UserNotFound', '{"username":42}'],
    ['an object for username', 'UserNotFound', '{"username":{"name":"user@example.com"}}'],
    ['a number for origin', 'UserWithOriginNotFound', '{"username":"user@example.com","origin":7}'],
    ['an origin without a username', 'UserWithOriginNotFound', '{"origin":"ldap"}'],
  ])('answers %s with 404 %s, as Cloud Controller does', async (_, example, body) => {
    const answer = await call(op.method, path, { headers: json, body });
    expect(answer.status, answer.text).toBe(404);
    expect(answer.json).toEqual(exampleOf(op, 404, example));
  });

  it.each([
    ['an empty username', '{"username":""}'],
    ['a username over 255 characters', JSON.stringify({ username: 'u'.repeat(256) })],
    ['a blank origin', '{"username":"user@example.com","origin":"  "}'],
    ['false for origin', '{"username":"user@example.com","origin":false}'],
    ['an empty list for origin', '{"username":"user@example.com","origin":[]}'],
  ])('looks up %s like any other, as Cloud Controller does', async (_, body) => {
    const answer = await call(op.method, path, { headers: json, body });
    expect(answer.status, answer.text).toBe(successStatus);
  });

  // Cloud Controller ignores unknown fields and takes an origin of "" or null as no origin.
  it.each([
    ['an unknown field', '{"username":"user@example.com","orgin":"ldap","extra":{"a":[1]}}'],
    ['an empty origin', '{"username":"user@example.com","origin":""}'],
    ['a null origin', '{"username":"user@example.com","origin":null}'],
  ])('succeeds with %s, as Cloud Controller does', async (_, body) => {
    const answer = await call(op.method, path, { headers: json, body });
    expect(answer.status, answer.text).toBe(successStatus);
  });

  it('says which rule the body broke in sl-violations, as Prism does', async () => {
    const answer = await call(op.method, path, { headers: json, body: '[{"username":"user@example.com"}]' });
    expect(JSON.parse(answer.headers.get('sl-violations') ?? '[]')).toEqual([
      expect.objectContaining({ location: ['request', 'body'], code: 'type' }),
    ]);
  });

  const notFound = op.path.startsWith('/v2/spaces/') ? 'SpaceNotFound' : 'OrganizationNotFound';
  it.each(['not-a-guid', '6f0e3308-1340-4682-937e', '6f0e3308134046828937e7b8186f5431e0'])(
    `answers 404 ${notFound} to the malformed guid %s, as Cloud Controller does`,
    async (guid) => {
      const answer = await call(op.method, op.path.replace('{guid}', guid), {
        headers: json,
        body: '{"username":"user@example.com"}',
      });
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual(exampleOf(op, 404, notFound));
    },
  );

  it(`answers 400 to a body over ${maxBodyBytes} bytes`, async () => {
    const answer = await call(op.method, path, {
      headers: json,
      body: JSON.stringify({ username: 'u'.repeat(maxBodyBytes) }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(parseError);
  });
});

// The role routes by user guid take no body and document no 422 (their 400 is Cloud Controller's
// answer to a user it has no record of): Prism's own 422 for a malformed guid must not reach the client.
const byGuidOps = ops.filter((op) => isCloudController(op) && op.path.endsWith('/{user_guid}'));

describe.each(byGuidOps.map((op) => [op.operationId, op] as const))('%s', (_, op) => {
  const notFound = op.path.startsWith('/v2/spaces/') ? 'SpaceNotFound' : 'OrganizationNotFound';
  it(`answers 404 ${notFound} to a malformed guid, as Cloud Controller does`, async () => {
    const path = examplePath(op)
      .split('?')[0]!
      .replace(/^(\/v2\/\w+\/)[^/]+/, '$1not-a-guid');
    const answer = await call(op.method, path, { headers: auth });
    expect(answer.status, answer.text).toBe(404);
    expect(answer.json).toEqual(exampleOf(op, 404, notFound));
    expect(JSON.parse(answer.headers.get('sl-violations') ?? '[]')).toEqual([
      expect.objectContaining({ location: ['request', 'path', 'guid'], code: 'format' }),
    ]);
  });
});

describe('DELETE users ?recursive', () => {
  const path = examplePath(deleteUsers).split('?')[0]!;
  const body = '{"username":"user@example.com"}';

  it.each(['true', 'false'])('takes recursive=%s', async (value) => {
    expect((await call('DELETE', `${path}?recursive=${value}`, { headers: json, body })).status).toBe(200);
  });

  // Cloud Controller counts only exactly `true`; anything else is not recursive and no error.
  it.each(['maybe', 'TRUE', '1', ''])('succeeds with recursive=%s, as Cloud Controller does', async (value) => {
    const answer = await call('DELETE', `${path}?recursive=${value}`, { headers: json, body });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe('removeOrgMember', () => {
  it.each(['not-a-uuid', '3f2b8c1e6d4a4f7b9e2c1a5d7b9c0e34xx', '%00'])(
    'answers 400 InvalidUserId to the user id %s',
    async (userId) => {
      const answer = await call('DELETE', `/organization/members/${userId}`, { headers: auth });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(exampleOf(members, 400, 'InvalidUserId'));
      expect(answer.headers.get('x-request-id')).toBeTruthy();
    },
  );

  it('is also served under the API base path /v1, as clients configured for api.aerospike.com/v1 call it', async () => {
    const answer = await call('DELETE', `/v1${examplePath(members)}`, { headers: auth });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
  });

  it('ignores a body, which the operation does not take', async () => {
    const answer = await call('DELETE', examplePath(members), {
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'anything',
    });
    expect(answer.status).toBe(204);
  });

  it(`answers its documented 400 to a body over ${maxBodyBytes} bytes, as the members API's other invalid input`, async () => {
    const answer = await call('DELETE', examplePath(members), { headers: auth, body: 'x'.repeat(maxBodyBytes + 1) });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(examplesOf(deref(doc, members.responses['400']!)).map(([, value]) => value)).toContainEqual(answer.json);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });
});

describe(`the body limit: ${maxBodyBytes} bytes on both APIs`, () => {
  it('is 64 KiB, as the reference server and the contract say', () => {
    expect(maxBodyBytes).toBe(64 * 1024);
  });

  it.each([
    ['Cloud Controller', deleteUsers],
    ['the members API', members],
  ])('%s takes a body of exactly the limit and refuses one byte more with 400', async (_, op) => {
    // JSON padded with spaces: valid, and exactly as long as wanted.
    const padded = (length: number) => '{"username":"user@example.com"}'.padEnd(length, ' ');
    const [successStatus] = defaultSuccess(op);
    const atLimit = await call(op.method, examplePath(op), { headers: json, body: padded(maxBodyBytes) });
    expect(atLimit.status).toBe(successStatus);
    const over = await call(op.method, examplePath(op), { headers: json, body: padded(maxBodyBytes + 1) });
    expect(over.status).toBe(400);
  });
});

describe('anything else', () => {
  it('answers Prism 404 problem+json to an unknown route', async () => {
    const answer = await call('GET', '/v2/apps', { headers: auth });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers Prism 405 problem+json to a method the route lacks', async () => {
    const answer = await call('POST', examplePath(deleteUsers), { headers: json, body: '{"username":"u"}' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['Cloud Controller', deleteUsers],
    ['the members API', members],
  ])('answers a streamed (chunked) oversized body on %s with 400 and drains the rest', async (_, op) => {
    const url = new URL(examplePath(op), inject('mockUrl'));
    const status = await new Promise<number>((resolve, reject) => {
      // Node frames a DELETE body only when told to.
      const headers = { ...json, 'transfer-encoding': 'chunked' };
      const req = httpRequest(url, { method: 'DELETE', headers, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.on('timeout', () => reject(new Error('timed out')));
      const chunk = Buffer.alloc(16 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 64) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(400);
  });

  it('does not answer 500 to broken input of any kind', async () => {
    const attempts = [
      call('PUT', examplePath(cfOps[0]!), { headers: { ...json, prefer: 'dynamic=maybe' }, body: '{"username":"u"}' }),
      call('PUT', `${examplePath(cfOps[0]!)}?__code=999`, { headers: json, body: '{"username":"u"}' }),
      call('PUT', '/v2/organizations/%E0%A4%A/users', { headers: json, body: '{"username":"u"}' }),
      call('DELETE', '/organization/members/%', { headers: auth }),
      call('PUT', examplePath(cfOps[0]!), {
        headers: { ...json, accept: 'application/xml' },
        body: '{"username":"u"}',
      }),
      call('PUT', examplePath(cfOps[0]!), { headers: json, body: '\u0000\uffff' }),
    ];
    for (const answer of await Promise.all(attempts)) expect(answer.status, answer.text).toBeLessThan(500);
  });
});
