import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../src/index.js';
import { exchange, parseResponses, request } from './raw-http.js';
import { UUID, expectConforms, startTestServer, tokens, problemOf, type TestServer } from './support.js';

// Hostile input at the HTTP layer, sent from a bare socket: what is read gets its own answer, in
// order and in the API's shape; nothing committed is reported as failed.

const org = fixtures.organizations.name1766;
const rolePath = (role: string) => `/v2/organizations/${org}/${role}`;
const json = (text: string): unknown => JSON.parse(text);

let server: TestServer;
let admin: string;
let member: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await tokens.admin();
  member = await tokens.member();
});
afterAll(() => server.close());

const holds = async (userId: string, role: string) =>
  (await server.store.listOrgRoles(org)).some((r) => r.userId === userId && r.role === role);

describe('pipelining: a valid request followed at once by a malformed one', () => {
  const cases = [
    {
      name: 'garbage bytes',
      user: fixtures.userIds.user,
      username: fixtures.usernames.user,
      trailer: '\x00\x01GARBAGE\r\n\r\n',
      errorShape: 'members',
    },
    {
      name: 'a 64 KB header',
      user: fixtures.userIds.manager,
      username: fixtures.usernames.manager,
      trailer: `PUT ${rolePath('auditors')} HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      // The head spans several reads: the one that overflows may not hold the request line.
      errorShape: 'either',
    },
    {
      name: 'a bad chunk size',
      user: fixtures.userIds.billingManager,
      username: fixtures.usernames.billingManager,
      trailer: `PUT ${rolePath('auditors')} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      errorShape: 'cloud-controller',
    },
  ] as const;

  it.each(cases)('$name: the PUT gets its 201 (and is committed), then the 400, then the close', async (c) => {
    expect(await holds(c.user, 'auditors')).toBe(false);
    const put = request(
      'PUT',
      rolePath('auditors'),
      { Authorization: `bearer ${admin}` },
      JSON.stringify({ username: c.username }),
    );
    const result = await exchange(server.url, [put + c.trailer]);
    expect(result.responses.map((r) => r.status)).toEqual([201, 400]);
    const [created, rejected] = result.responses;
    expect(created!.headers['x-vcap-request-id']).toMatch(UUID);
    expect(await holds(c.user, 'auditors')).toBe(true);
    expect(rejected!.headers['connection']).toBe('close');
    if (c.errorShape === 'cloud-controller') {
      expect(json(rejected!.body)).toMatchObject({ error_code: 'CF-MessageParseError', code: 1001 });
      expect(rejected!.headers['x-vcap-request-id']).toMatch(UUID);
      expect(rejected!.headers['x-content-type-options']).toBe('nosniff');
    } else if (c.errorShape === 'members') {
      expect(json(rejected!.body)).toMatchObject({ code: 'invalid_input' });
      expect(rejected!.headers['x-request-id']).toMatch(UUID);
    } else {
      expect(rejected!.headers['x-vcap-request-id'] ?? rejected!.headers['x-request-id']).toMatch(UUID);
      expect(json(rejected!.body)).toSatisfy(
        (body: Record<string, unknown>) =>
          body['error_code'] === 'CF-MessageParseError' || body['code'] === 'invalid_input',
      );
    }
    expect(result.rest).toBe('');
  });

  it('three pipelined requests, the last malformed: two answers in order, then the 400', async () => {
    const first = request(
      'PUT',
      rolePath('billing_managers'),
      { Authorization: `bearer ${admin}` },
      '{"username":"auditor@example.com"}',
    );
    const second = request('DELETE', `/organization/members/${fixtures.otherMemberUserId}`, {
      Authorization: `Bearer ${member}`,
    });
    const result = await exchange(server.url, [first + second + 'BROKEN LINE\r\n\r\n']);
    expect(result.responses.map((r) => r.status)).toEqual([201, 204, 400]);
    expect(await holds(fixtures.userIds.auditor, 'billing_managers')).toBe(true);
    expect(await server.store.listMembers(fixtures.membersOrgId)).not.toContain(fixtures.otherMemberUserId);
  });
});

describe('oversized bodies', () => {
  const megabytes = 2 * 1024 * 1024;
  const waitForAnswer = async (received: () => Buffer) => {
    for (let i = 0; i < 100 && parseResponses(received()).responses.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  // Long enough for a server that closes right after its answer to have closed.
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 300));
  const rest = (size: number) => Array.from({ length: size / 65_536 }, () => Buffer.alloc(65_536, 'x'));

  it('a 2 MB body still being sent after the 400: the client reads the 400, no reset, no EPIPE', async () => {
    const head = request('PUT', rolePath('users'), {
      Authorization: `bearer ${admin}`,
      'Content-Length': String(megabytes),
    });
    const result = await exchange(
      server.url,
      [head, Buffer.alloc(131_072, 'x'), waitForAnswer, pause, ...rest(megabytes - 131_072)],
      { end: true },
    );
    expect(result.error).toBeUndefined();
    expect(result.responses).toHaveLength(1);
    expect(result.responses[0]!.status).toBe(400);
    expect(json(result.responses[0]!.body)).toEqual({
      description: 'Request invalid due to parse error: request body is larger than 65536 bytes',
      error_code: 'CF-MessageParseError',
      code: 1001,
    });
  });

  it('a 12 MB chunked body (no declared length): read on after the 400 until the client is done', async () => {
    const head = `PUT ${rolePath('users')} HTTP/1.1\r\nHost: x\r\nAuthorization: bearer ${admin}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(65_536, 'x'), Buffer.from('\r\n')]);
    const chunks = Array.from({ length: 192 }, () => chunk);
    const result = await exchange(server.url, [head, chunk, chunk, waitForAnswer, pause, ...chunks, '0\r\n\r\n'], {
      end: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.closedBy).toBe('server');
    expect(result.responses.map((r) => r.status)).toEqual([400]);
    expect(json(result.responses[0]!.body)).toMatchObject({ error_code: 'CF-MessageParseError' });
  });

  it('member API: the same for a 2 MB DELETE body (400 invalid_input)', async () => {
    const head = request('DELETE', `/organization/members/${fixtures.memberUserId}`, {
      Authorization: `Bearer ${member}`,
      'Content-Length': String(megabytes),
    });
    const result = await exchange(
      server.url,
      [head, Buffer.alloc(131_072, 'x'), waitForAnswer, pause, ...rest(megabytes - 131_072)],
      { end: true },
    );
    expect(result.error).toBeUndefined();
    expect(result.responses.map((r) => r.status)).toEqual([400]);
    expect(json(result.responses[0]!.body)).toMatchObject(
      problemOf('invalid_input', 'The request body is larger than 65536 bytes.'),
    );
    expect(await server.store.listMembers(fixtures.membersOrgId)).toContain(fixtures.memberUserId);
  });

  it('the limit is 64 KiB: 65536 bytes are read as the body, 65537 are too many', async () => {
    const padded = (size: number) => {
      const prefix = '{"username":"';
      return `${prefix}${'u'.repeat(size - prefix.length - 2)}"}`;
    };
    const put = (body: string) =>
      server.call('PUT', rolePath('users'), { headers: { Authorization: `bearer ${admin}` }, body });
    const atLimit = await put(padded(65_536));
    // Read whole and parsed: the username is looked up as given (and found by nobody).
    expect((atLimit.json as { description: string }).description).toMatch(/^The user could not be found: u+$/);
    const overLimit = await put(padded(65_537));
    expect((overLimit.json as { description: string }).description).toMatch(/is larger than 65536 bytes/);
  });
});

describe('request targets', () => {
  it('absolute-form Cloud Controller target: routed as Cloud Controller, with X-VCAP-Request-ID', async () => {
    const target = `${server.url}${rolePath('users')}`;
    const result = await exchange(server.url, [
      request(
        'PUT',
        target,
        { Authorization: `bearer ${admin}`, Connection: 'close' },
        '{"username":"user@example.com"}',
      ),
    ]);
    expect(result.responses).toHaveLength(1);
    const [answer] = result.responses;
    expect(answer!.status).toBe(201);
    expect(answer!.headers['x-vcap-request-id']).toMatch(UUID);
    expect(answer!.headers['x-content-type-options']).toBe('nosniff');
    expect(answer!.headers['x-request-id']).toBeUndefined();
  });

  it('absolute-form unknown Cloud Controller path: 404 CF-NotFound', async () => {
    const result = await exchange(server.url, [
      request('PUT', `http://example.org/v2/nothing/here`, { Connection: 'close' }, '{}'),
    ]);
    expect(result.responses[0]!.status).toBe(404);
    expect(json(result.responses[0]!.body)).toMatchObject({ error_code: 'CF-NotFound' });
    expect(result.responses[0]!.headers['x-vcap-request-id']).toMatch(UUID);
  });

  it('the member API under its base path /v1 too (the contract server URL)', async () => {
    const path = `/v1/organization/members/${fixtures.otherMemberUserId}`;
    await server.store.listMembers(fixtures.membersOrgId);
    const response = await fetch(`${server.url}${path}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${member}` },
    });
    const text = await response.text();
    const result = { status: response.status, headers: response.headers, text, json: text ? json(text) : undefined };
    expect(result.status).toBe(204);
    expectConforms('DELETE', path.slice('/v1'.length), result);
    const unknown = await fetch(`${server.url}/v1/organization/nothing`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });
});

describe('CONNECT', () => {
  it('authority-form CONNECT: 405 in the member API shape, then close', async () => {
    const result = await exchange(server.url, ['CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n']);
    expect(result.responses).toHaveLength(1);
    const [answer] = result.responses;
    expect(answer!.status).toBe(405);
    expect(json(answer!.body)).toMatchObject({ code: 'method_not_allowed' });
    expect(answer!.headers['x-request-id']).toMatch(UUID);
    expect(answer!.headers['allow']).toBeTruthy();
    expect(answer!.headers['connection']).toBe('close');
  });

  it('CONNECT to a Cloud Controller path: 405 in its error shape, with X-VCAP-Request-ID and nosniff', async () => {
    const result = await exchange(server.url, [`CONNECT ${rolePath('users')} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(result.responses).toHaveLength(1);
    const [answer] = result.responses;
    expect(answer!.status).toBe(405);
    expect(json(answer!.body)).toMatchObject({ error_code: 'CF-MethodNotAllowed' });
    expect(answer!.headers['x-vcap-request-id']).toMatch(UUID);
    expect(answer!.headers['x-content-type-options']).toBe('nosniff');
    expect(answer!.headers['allow']).toBe('PUT, DELETE');
  });
});

describe('timeouts, enforced at the configured values', () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startTestServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
  });
  afterAll(() => slow.close());
  // Node's own check runs every 30 s: without a shorter one the server answers only after the
  // client below has given up waiting.
  const idleMs = 5_000;

  it('a request head that never ends: the connection is closed, without an answer (as nginx does)', async () => {
    const result = await exchange(slow.url, [`PUT ${rolePath('users')} HTTP/1.1\r\nHost: x\r\n`], { idleMs });
    expect(result.closedBy).toBe('server');
    expect(result.responses).toEqual([]);
  });

  it('a Cloud Controller body that never ends: 400 CF-MessageParseError with X-VCAP-Request-ID, then close', async () => {
    const head = request('PUT', rolePath('users'), { Authorization: `bearer ${admin}`, 'Content-Length': '100' });
    const result = await exchange(slow.url, [`${head}{"username":`], { idleMs });
    expect(result.closedBy).toBe('server');
    expect(result.responses.map((r) => r.status)).toEqual([400]);
    expect(json(result.responses[0]!.body)).toMatchObject({ error_code: 'CF-MessageParseError', code: 1001 });
    expect(result.responses[0]!.headers['x-vcap-request-id']).toMatch(UUID);
  });

  it('a member API body that never ends: 400 invalid_input with X-Request-Id, nothing removed, then close', async () => {
    const head = request('DELETE', `/organization/members/${fixtures.memberUserId}`, {
      Authorization: `Bearer ${member}`,
      'Content-Length': '100',
    });
    const result = await exchange(slow.url, [`${head}{`], { idleMs });
    expect(result.closedBy).toBe('server');
    expect(result.responses.map((r) => r.status)).toEqual([400]);
    expect(json(result.responses[0]!.body)).toMatchObject(problemOf('invalid_input', 'Malformed HTTP request.'));
    expect(result.responses[0]!.headers['x-request-id']).toMatch(UUID);
    expect(await slow.store.listMembers(fixtures.membersOrgId)).toContain(fixtures.memberUserId);
  });
});
