// Tokens: any letter case of the bearer scheme passes (the cf CLI sends lowercase); no token
// or another scheme gets that API's documented 401, whatever Prefer asks for.
import { describe, expect, it } from 'vitest';
import {
  call,
  defaultSuccess,
  deref,
  doc,
  examplePath,
  exampleOf,
  expectDocumentedHeaders,
  isCloudController,
  isMembers,
  needsBearer,
  ops,
  requestHeaders,
  usesBasic,
  validBody,
} from './helpers.js';

// Every operation that needs a bearer token.
const cases = ops.filter(needsBearer).map((op) => [op.operationId, op] as const);

function send(op: (typeof ops)[number], headers: Record<string, string>) {
  const body = validBody(op);
  const { authorization: _credentials, ...withoutCredentials } = requestHeaders(op);
  return call(op.method, examplePath(op), {
    headers: { ...withoutCredentials, ...headers },
    ...(body !== undefined && { body }),
  });
}

describe.each(cases)('%s', (_, op) => {
  const [successStatus] = defaultSuccess(op);
  const unauthorized = deref(doc, op.responses['401']!);
  const missingToken = exampleOf(op, 401, op.errors.missingToken!.example);

  it.each(['bearer', 'Bearer', 'BEARER', 'bEaReR'])('accepts the %s scheme', async (scheme) => {
    expect((await send(op, { authorization: `${scheme} eyJhbGciOiJIUzI1NiJ9.e30.c2ln` })).status).toBe(successStatus);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['the Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare token', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'],
    ['the scheme without a token', 'bearer'],
    ['a scheme that only starts with bearer', 'bearertoken abc'],
  ])('answers the documented 401 to %s', async (_, authorization) => {
    const answer = await send(op, authorization === undefined ? {} : { authorization });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(missingToken);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(expectDocumentedHeaders(unauthorized, answer.headers)).toEqual([]);
  });

  it('checks the token before honouring Prefer', async () => {
    const answer = await send(op, { prefer: `code=${successStatus}` });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(missingToken);
  });
});

describe.each(ops.filter(usesBasic).map((op) => [op.operationId, op] as const))('%s (client credentials)', (_, op) => {
  const missingCredentials = exampleOf(op, 401, op.errors.missingToken!.example);

  it('accepts the Basic scheme in any letter case (the cf CLI: client cf, empty secret)', async () => {
    for (const scheme of ['Basic', 'basic', 'BASIC'])
      expect((await send(op, { authorization: `${scheme} Y2Y6` })).status).toBe(defaultSuccess(op)[0]);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a bearer token', 'bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln'],
    ['the scheme without credentials', 'Basic'],
  ])('answers the documented 401 to %s', async (_, authorization) => {
    const answer = await send(op, authorization === undefined ? {} : { authorization });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(missingCredentials);
  });
});

it('answers the operations open to anyone without any credentials', async () => {
  for (const op of ops.filter((o) => (o.security ?? []).length === 0)) {
    const answer = await send(op, {});
    expect(answer.status, op.operationId).toBe(defaultSuccess(op)[0]);
  }
});

it('carries X-VCAP-Request-ID and nosniff on Cloud Controller 401s, X-Request-Id on Aerospike 401s', async () => {
  const cf = ops.find((op) => isCloudController(op) && needsBearer(op))!;
  const members = ops.find(isMembers)!;
  const cfAnswer = await send(cf, {});
  const membersAnswer = await send(members, {});
  expect(cfAnswer.headers.get('x-vcap-request-id')).toBeTruthy();
  expect(cfAnswer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(membersAnswer.headers.get('x-request-id')).toBeTruthy();
  expect(membersAnswer.headers.get('x-vcap-request-id')).toBeNull();
});
