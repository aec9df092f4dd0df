import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler, fixtures, type Store } from '../src/index.js';
import { bearer, expectConforms, secret, tokens } from './support.js';

// A storage fault must still give a documented answer: the member API's 500 generic error,
// and for Cloud Controller (which documents no 500) a 503 in its error shape. The log line
// carries the request id and the fault, never the token.

const failingStore = new Proxy({} as Store, {
  get: () => async () => {
    throw new Error('disk on fire');
  },
});

const lines: string[] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  const { handler } = createRequestHandler(failingStore, {
    databasePath: ':memory:',
    jwtSecret: secret,
    log: (l) => lines.push(l),
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: bearer(token),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

describe('storage faults', () => {
  it('member API: 500 internal_error with X-Request-Id', async () => {
    const token = await tokens.member();
    const path = `/organization/members/${fixtures.memberUserId}`;
    const response = await call('DELETE', path, token);
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ code: 'internal_error', message: 'Internal Server Error' });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(lines.join('\n')).toContain('disk on fire');
    expect(lines.join('\n')).not.toContain(token);
  });

  it('Cloud Controller: 503 CF-ServiceUnavailable, valid against the contract', async () => {
    const token = await tokens.manager();
    const path = `/v2/organizations/${fixtures.organizations.name1766}/users`;
    const response = await call('PUT', path, token, { username: fixtures.usernames.user });
    expect(response.status).toBe(503);
    expect(response.json).toEqual({
      description: 'Service Unavailable',
      error_code: 'CF-ServiceUnavailable',
      code: 10015,
    });
    expectConforms('PUT', path, response);
    expect(lines.join('\n')).not.toContain(token);
  });
});
