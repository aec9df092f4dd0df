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
  ops,
  validBody,
} from './helpers.js';

const cases = ops.map((op) => [op.operationId, op] as const);

function send(op: (typeof ops)[number], headers: Record<string, string>) {
  const body = validBody(op);
  return call(op.method, examplePath(op), {
    headers: { ...(body && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body }),
  });
}

describe.each(cases)('%s', (_, op) => {
  const [successStatus] = defaultSuccess(op);
  const unauthorized = deref(doc, op.responses['401']!);
  const missingToken = exampleOf(op, 401, isCloudController(op) ? 'NotAuthenticated' : 'MissingToken');

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

it('carries X-VCAP-Request-ID and nosniff on Cloud Controller 401s, X-Request-Id on Aerospike 401s', async () => {
  const cf = ops.find(isCloudController)!;
  const members = ops.find((op) => !isCloudController(op))!;
  const cfAnswer = await send(cf, {});
  const membersAnswer = await send(members, {});
  expect(cfAnswer.headers.get('x-vcap-request-id')).toBeTruthy();
  expect(cfAnswer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(membersAnswer.headers.get('x-request-id')).toBeTruthy();
  expect(membersAnswer.headers.get('x-vcap-request-id')).toBeNull();
});
