import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, clientCredentials, createOrgMembershipClient, ResponseParseError, unwrap } from '../src/index.js';
import {
  CLOUD_CONTROLLER_URL,
  empty,
  fakeFetch,
  type Handler,
  json,
  MEMBERS_URL,
  ORG_GUID,
  TOKEN_URL,
  USER_ID,
} from './support.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-payload.signature';
const CLIENT_SECRET = 'client-secret-0d9e';

function client(fetch: ReturnType<typeof fakeFetch>) {
  return createOrgMembershipClient({
    cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: TOKEN },
    members: { baseUrl: MEMBERS_URL, token: TOKEN },
    fetch,
    retry: { attempts: 1 },
  });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const removeRole = (fetch: ReturnType<typeof fakeFetch>) =>
  client(fetch).roles.remove({ org: ORG_GUID, role: 'users', username: 'someone' });
const removeMember = (fetch: ReturnType<typeof fakeFetch>) => client(fetch).members.remove({ userId: USER_ID });

describe('ApiError from Cloud Controller', () => {
  it('carries status, numeric code, error_code, description and X-VCAP-Request-ID', async () => {
    const fetch = fakeFetch(() =>
      json(
        404,
        { description: 'The user could not be found: someone', error_code: 'CF-UserNotFound', code: 20003 },
        { 'X-VCAP-Request-ID': 'c0ffee00-1111-2222-3333-444455556666' },
      ),
    );
    const error = await failure(removeRole(fetch));
    expect(error).toMatchObject({
      name: 'ApiError',
      status: 404,
      code: 20003,
      errorCode: 'CF-UserNotFound',
      message: 'The user could not be found: someone',
      requestId: 'c0ffee00-1111-2222-3333-444455556666',
    });
    expect(String(error)).toBe('ApiError: The user could not be found: someone');
  });

  it('keeps the message in JSON.stringify', async () => {
    const fetch = fakeFetch(() =>
      json(400, {
        description: 'Please delete the space associations for your user.',
        error_code: 'CF-AssociationNotEmpty',
        code: 10006,
      }),
    );
    const error = await failure(removeRole(fetch));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ApiError',
      message: 'Please delete the space associations for your user.',
      status: 400,
      code: 10006,
      errorCode: 'CF-AssociationNotEmpty',
    });
  });
});

describe('ApiError from the member API', () => {
  it('carries status, string code, message and X-Request-Id', async () => {
    const fetch = fakeFetch(() =>
      json(
        403,
        { code: 'permission_denied', message: 'The access token lacks the update:org scope.' },
        { 'X-Request-Id': 'b0658b67-8ea3-46de-a3b8-18c3f5347def' },
      ),
    );
    const error = await failure(removeMember(fetch));
    expect(error).toMatchObject({
      status: 403,
      code: 'permission_denied',
      errorCode: undefined,
      message: 'The access token lacks the update:org scope.',
      requestId: 'b0658b67-8ea3-46de-a3b8-18c3f5347def',
    });
  });

  it('accepts an error without code', async () => {
    const fetch = fakeFetch(() => json(500, { message: 'Internal Server Error', detail: { nested: true } }));
    const error = await failure(removeMember(fetch));
    expect(error).toMatchObject({ status: 500, code: undefined, message: 'Internal Server Error' });
  });
});

describe('error bodies that are not the documented JSON', () => {
  const cases: Array<[string, Handler, string]> = [
    [
      'an HTML page from a proxy',
      () =>
        new Response('<html><body>502 Bad Gateway</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' },
        }),
      'HTTP 502',
    ],
    [
      'an empty body with Content-Length 0',
      () => new Response('', { status: 500, statusText: 'Internal Server Error', headers: { 'Content-Length': '0' } }),
      'HTTP 500',
    ],
    ['an empty body without Content-Length', () => empty(401), 'HTTP 401'],
    ['JSON that is not an object', () => json(400, 'bad'), 'HTTP 400'],
    [
      'JSON with fields of other types',
      () => json(400, { description: 42, code: { nested: 1 }, error_code: ['x'] }),
      'HTTP 400',
    ],
    [
      'truncated JSON',
      () => new Response('{"description": "cut o', { status: 400, headers: { 'Content-Type': 'application/json' } }),
      'HTTP 400',
    ],
  ];

  it.each(cases)('maps %s to an ApiError with the status', async (_, handler, message) => {
    for (const call of [removeRole, removeMember]) {
      const error = await failure(call(fakeFetch(handler)));
      expect(error.message).toBe(message);
      expect(error.code).toBeUndefined();
      expect(error.errorCode).toBeUndefined();
    }
  });
});

describe('secrets', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never puts the token into an error, even when the server echoes the request', async () => {
    const echo: Handler = (request) =>
      new Response(`Authorization: ${request.headers.get('Authorization')}`, {
        status: 400,
        statusText: `Bad ${request.headers.get('Authorization')}`,
      });
    const echoJson: Handler = (request) =>
      json(401, { unexpected: request.headers.get('Authorization'), message: 'Invalid token' });
    for (const handler of [echo, echoJson]) {
      const error = await failure(removeRole(fakeFetch(handler)));
      for (const text of [
        error.message,
        String(error),
        error.stack ?? '',
        JSON.stringify(error),
        inspect(error, { depth: Infinity, showHidden: true }),
      ]) {
        expect(text).not.toContain('secret-payload');
      }
    }
  });

  it('never puts the client secret or token into errors or console output', async () => {
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const consoleError = vi.spyOn(console, 'error');
    const fetch = fakeFetch(
      () => json(200, { access_token: TOKEN, expires_in: 3600 }),
      () => json(401, { code: 'invalid_token', message: 'The access token expired.' }),
      () => json(400, { error: 'invalid_client', error_description: 'Bad client credentials' }),
    );
    const members = createOrgMembershipClient({
      members: {
        baseUrl: MEMBERS_URL,
        token: clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'id', clientSecret: CLIENT_SECRET }),
      },
      fetch,
      retry: { attempts: 1 },
    });
    const error = await failure(members.members.remove({ userId: USER_ID }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_client' });
    for (const text of [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: Infinity, showHidden: true }),
      inspect(members, { depth: Infinity, showHidden: true }),
    ]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain('secret-payload');
    }
    expect([...log.mock.calls, ...warn.mock.calls, ...consoleError.mock.calls]).toEqual([]);
  });

  it('rejects a token a header cannot carry without quoting it', async () => {
    const fetch = fakeFetch(() => empty(204));
    const members = createOrgMembershipClient({
      members: { baseUrl: MEMBERS_URL, token: 'secret-payload\nInjected: yes' },
      fetch,
    });
    const error = await members.members.remove({ userId: USER_ID }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('secret-payload');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('unwrap', () => {
  it('gives raw-client results the same errors', async () => {
    const fetch = fakeFetch(() =>
      json(404, {
        description: 'The organization could not be found: x',
        error_code: 'CF-OrganizationNotFound',
        code: 30003,
      }),
    );
    const result = await client(fetch).raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'manager@example.com' },
    });
    expect(result.error).toEqual({
      description: 'The organization could not be found: x',
      error_code: 'CF-OrganizationNotFound',
      code: 30003,
    });
    expect(() => unwrap(result)).toThrow(
      expect.objectContaining({ status: 404, code: 30003, errorCode: 'CF-OrganizationNotFound' }),
    );
  });
});

describe('ApiError from RFC 9457 problem details (the member API’s current form)', () => {
  const problem = (body: Record<string, unknown>) => () =>
    json(body.status as number, body, { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'problem-1' });

  it('takes code from the last segment of the urn:aerospike:errors type, and message from detail', async () => {
    const fetch = fakeFetch(
      problem({
        type: 'urn:aerospike:errors:permission_denied',
        title: 'Permission denied',
        status: 403,
        detail: 'The access token lacks the update:org scope.',
        instance: '/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34',
        context: { scope: 'update:org' },
        message: 'Permission denied (deprecated field)',
      }),
    );
    const error = await failure(removeMember(fetch));
    expect(error).toMatchObject({
      name: 'ApiError',
      status: 403,
      code: 'permission_denied',
      type: 'urn:aerospike:errors:permission_denied',
      message: 'The access token lacks the update:org scope.',
      requestId: 'problem-1',
    });
  });

  it('falls back to the deprecated message, then to title; an explicit code wins over the type', async () => {
    const withMessage = await failure(
      removeMember(
        fakeFetch(
          problem({
            type: 'urn:aerospike:errors:invalid_token',
            title: 'Unauthorized',
            status: 401,
            message: 'The access token expired.',
          }),
        ),
      ),
    );
    expect(withMessage).toMatchObject({ code: 'invalid_token', message: 'The access token expired.' });
    const titleOnly = await failure(
      removeMember(
        fakeFetch(problem({ type: 'urn:aerospike:errors:rate_limited', title: 'Too many requests', status: 429 })),
      ),
    );
    expect(titleOnly).toMatchObject({ status: 429, code: 'rate_limited', message: 'Too many requests' });
    const both = await failure(
      removeMember(fakeFetch(problem({ type: 'urn:aerospike:errors:x', code: 'explicit', status: 400, detail: 'd' }))),
    );
    expect(both.code).toBe('explicit');
  });

  it('reads no code from a type that is not a URN (about:blank, a URL)', async () => {
    for (const type of ['about:blank', 'https://example.com/probs/out-of-credit']) {
      const error = await failure(removeMember(fakeFetch(problem({ type, title: 'Bad', status: 400 }))));
      expect(error).toMatchObject({ code: undefined, type, message: 'Bad' });
    }
  });

  it('still reads the older {code, message} form', async () => {
    const error = await failure(
      removeMember(fakeFetch(() => json(401, { code: 'invalid_token', message: 'The access token expired.' }))),
    );
    expect(error).toMatchObject({ code: 'invalid_token', message: 'The access token expired.', type: undefined });
  });
});

describe('success answers that are not JSON', () => {
  const garbled: Handler = () =>
    new Response('{"metadata": {"guid": "6f0e', {
      status: 201,
      headers: { 'Content-Type': 'application/json', 'X-VCAP-Request-ID': 'garbled-1' },
    });

  it('throw ResponseParseError (an ApiError) from the methods, once, without quoting the body', async () => {
    const fetch = fakeFetch(garbled, garbled);
    const error = await createOrgMembershipClient({
      cloudController: { baseUrl: CLOUD_CONTROLLER_URL, token: TOKEN },
      fetch,
    })
      .roles.associate({ org: ORG_GUID, role: 'users', username: 'someone' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseParseError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'ResponseParseError', status: 201, requestId: 'garbled-1' });
    expect((error as Error).message).not.toContain('6f0e');
    // The change was made (2xx): a retry would repeat it for nothing.
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('throw ResponseParseError from the raw clients too', async () => {
    for (const handler of [garbled, () => new Response('<html>OK</html>', { status: 200 })]) {
      const call = client(fakeFetch(handler)).raw.cloudController.PUT('/v2/organizations/{guid}/users', {
        params: { path: { guid: ORG_GUID } },
        body: { username: 'someone' },
      });
      await expect(call).rejects.toBeInstanceOf(ResponseParseError);
    }
  });

  it('throw ResponseParseError for a token endpoint answering 200 with a body that is not JSON', async () => {
    const fetch = fakeFetch(() => new Response('access_token=abc&token_type=bearer', { status: 200 }));
    const members = createOrgMembershipClient({
      members: {
        baseUrl: MEMBERS_URL,
        token: clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'id', clientSecret: CLIENT_SECRET }),
      },
      fetch,
      retry: { attempts: 1 },
    });
    await expect(members.members.remove({ userId: USER_ID })).rejects.toBeInstanceOf(ResponseParseError);
  });

  it('still take an empty 2xx body as no data', async () => {
    const fetch = fakeFetch(() => new Response('', { status: 200 }));
    await expect(removeRole(fetch)).resolves.toBeUndefined();
  });
});

describe('credentials echoed by a server', () => {
  const texts = (error: ApiError) => [
    error.message,
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    String((error as { cause?: unknown }).cause ?? ''),
  ];

  it('are cut out of every field of the error: message, code, request id, stack, JSON, inspect', async () => {
    const echo: Handler = (request) => {
      const authorization = request.headers.get('Authorization') ?? '';
      return json(
        401,
        { description: `Invalid token: ${authorization}`, error_code: `CF-${TOKEN}`, code: 1000 },
        { 'X-VCAP-Request-ID': `req-${TOKEN}` },
      );
    };
    const problemEcho: Handler = (request) =>
      json(400, {
        type: `urn:aerospike:errors:${TOKEN}`,
        title: 'Bad',
        status: 400,
        detail: `token was ${request.headers.get('Authorization')}`,
      });
    for (const [call, handler] of [
      [removeRole, echo],
      [removeMember, problemEcho],
    ] as const) {
      const error = await failure(call(fakeFetch(handler)));
      for (const text of texts(error)) {
        expect(text).not.toContain('secret-payload');
        expect(text).not.toContain(TOKEN);
      }
      expect(error.message).toContain('[REDACTED]');
    }
  });

  it('are cut out when quoted cut short or inside other text', async () => {
    const truncated: Handler = () =>
      json(401, { message: `token ${TOKEN.slice(0, 30)}… rejected; again:${TOKEN.slice(10)}` });
    const error = await failure(removeMember(fakeFetch(truncated)));
    for (const text of texts(error)) expect(text).not.toContain('secret-pay');
    expect(error.message).toMatch(/^token \[REDACTED\]… rejected; again:\[REDACTED\]$/);
  });

  it('cuts the client secret and the token it obtained out of errors of the token endpoint and of the API', async () => {
    const obtained = 'obtained-token-1f7e2d9c4b3a';
    const fetch = fakeFetch(
      () => json(400, { error: 'invalid_client', error_description: `unknown secret ${CLIENT_SECRET}` }),
      () => json(200, { access_token: obtained, expires_in: 3600 }),
      () => json(403, { code: 'permission_denied', message: `${obtained} lacks scope; secret ${CLIENT_SECRET}` }),
    );
    const members = createOrgMembershipClient({
      members: {
        baseUrl: MEMBERS_URL,
        token: clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'id', clientSecret: CLIENT_SECRET }),
      },
      fetch,
      retry: { attempts: 1 },
    });
    const refused = await failure(members.members.remove({ userId: USER_ID }));
    const denied = await failure(members.members.remove({ userId: USER_ID }));
    expect(refused).toMatchObject({ status: 400, code: 'invalid_client', message: 'unknown secret [REDACTED]' });
    expect(denied).toMatchObject({ status: 403, message: '[REDACTED] lacks scope; secret [REDACTED]' });
    for (const error of [refused, denied]) {
      for (const text of texts(error)) {
        expect(text).not.toContain(CLIENT_SECRET);
        expect(text).not.toContain(obtained);
      }
    }
  });
});
