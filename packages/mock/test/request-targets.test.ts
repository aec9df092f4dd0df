// Request targets other than a plain path: the absolute form (`PUT http://host/v2/...`, which
// proxies and some clients send), the asterisk form (`OPTIONS *`) and CONNECT's authority
// form. Each gets an answer the mock documents, never a 500 or a dropped connection.
import { describe, expect, inject, it } from 'vitest';
import { defaultSuccess, exampleOf, examplePath, isCloudController, isMembers, ops } from './helpers.js';
import { rawExchange, rawRequest } from './raw-http.js';

const cfPut = ops.find((op) => op.operationId === 'associateUserWithOrganizationByUsername')!;
const members = ops.find(isMembers)!;
const json = { 'Content-Type': 'application/json' };
const body = '{"username":"user@example.com"}';

describe('absolute-form targets route by their path, as RFC 9112 has servers accept them', () => {
  const mockUrl = () => inject('mockUrl');

  it('answers the operation as for the origin form', async () => {
    const target = `${mockUrl()}${examplePath(cfPut)}`;
    const answer = await rawExchange(
      mockUrl(),
      rawRequest('PUT', target, { ...json, Authorization: 'bearer t' }, body),
    );
    expect(answer.status).toBe(defaultSuccess(cfPut)[0]);
    expect(JSON.parse(answer.body)).toEqual(exampleOf(cfPut, 201, 'Organization'));
  });

  it("still checks the token, with the API's own 401 and its request-id header", async () => {
    const target = `http://api.example.org${examplePath(cfPut)}`;
    const answer = await rawExchange(mockUrl(), rawRequest('PUT', target, json, body));
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual(exampleOf(cfPut, 401, 'NotAuthenticated'));
    expect(answer.headers.get('x-vcap-request-id')).toBeTruthy();
  });

  it('keeps the query and the members API base path', async () => {
    const selected = await rawExchange(
      mockUrl(),
      rawRequest(
        'PUT',
        `http://api.example.org${examplePath(cfPut)}?__code=404&__example=UserNotFound`,
        { ...json, Authorization: 'bearer t' },
        body,
      ),
    );
    expect(selected.status).toBe(404);
    expect(JSON.parse(selected.body)).toEqual(exampleOf(cfPut, 404, 'UserNotFound'));
    const member = await rawExchange(
      mockUrl(),
      rawRequest('DELETE', `https://api.aerospike.com/v1${examplePath(members)}`, { Authorization: 'bearer t' }),
    );
    expect(member.status).toBe(204);
  });
});

describe('targets that name no path', () => {
  it('answers OPTIONS * with the 404 problem unknown routes get', async () => {
    const answer = await rawExchange(inject('mockUrl'), rawRequest('OPTIONS', '*', {}));
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR',
      status: 404,
    });
  });

  it('answers CONNECT with a 405 problem and closes, instead of dropping the connection', async () => {
    const answer = await rawExchange(
      inject('mockUrl'),
      'CONNECT api.example.org:443 HTTP/1.1\r\nHost: api.example.org:443\r\n\r\n',
    );
    expect(answer.status).toBe(405);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'https://stoplight.io/prism/errors#NO_METHOD_MATCHED_ERROR',
      status: 405,
    });
  });
});
