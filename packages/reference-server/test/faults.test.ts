import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler, fixtures, type Store } from '../src/index.js';
import { bearer, expectConforms, secret, tokens, problemOf } from './support.js';

// A storage fault must still give a documented answer: the member API's 500 problem details,
// and Cloud Controller's 500 CF-ServerError, never a stack trace. The log line
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
    expect(response.json).toMatchObject(problemOf('internal_error', 'Internal Server Error'));
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(lines.join('\n')).toContain('disk on fire');
    expect(lines.join('\n')).not.toContain(token);
  });

  it('Cloud Controller: 500 CF-ServerError, valid against the contract', async () => {
    const token = await tokens.manager();
    const path = `/v2/organizations/${fixtures.organizations.name1766}/users`;
    const response = await call('PUT', path, token, { username: fixtures.usernames.user });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ description: 'Server error', error_code: 'CF-ServerError', code: 10001 });
    expect(response.text).not.toContain('disk on fire');
    expectConforms('PUT', path, response, { faultInjected: true });
    expect(lines.join('\n')).not.toContain(token);
  });
});
