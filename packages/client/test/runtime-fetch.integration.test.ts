import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientCredentials, createOrgMembershipClient, unwrap } from '../src/index.js';
import { ORG_GUID, organization } from './support.js';

// The runtime's own fetch (no `fetch` option) against a local node:http server: what the
// server receives from the `roles` methods and the raw clients (both WHATWG Requests, through
// middleware), redirects that replay the body, and timeouts that reach into the body.

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (res: ServerResponse) => void;

const received: Received[] = [];
let answers: Answer[] = [];
let server: Server;
let baseUrl: string;

const created: Answer = (res) => {
  const body = JSON.stringify(organization);
  res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      (answers.shift() ?? created)(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(() => {
  received.length = 0;
  answers = [];
});

/** Sends the request on to `path` on the same server with `status` (307 and 308 keep the method and body). */
const redirect =
  (status: number, path: string): Answer =>
  (res) =>
    res.writeHead(status, { Location: `${baseUrl}${path}`, 'Content-Length': '0' }).end();

const client = (options: { timeoutMs?: number; attempts?: number } = {}) =>
  createOrgMembershipClient({
    cloudController: { baseUrl, token: 'bearer runtime-token' },
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: { attempts: options.attempts ?? 3, baseDelayMs: 1 },
  });

describe('roles methods with the runtime’s fetch', () => {
  it('send the method, path, token, content type and JSON body the contract describes', async () => {
    const org = await client().roles.associate({
      org: ORG_GUID,
      role: 'auditors',
      username: 'user@example.com',
      origin: 'uaa',
    });
    expect(org).toEqual(organization);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'PUT', url: `/v2/organizations/${ORG_GUID}/auditors` });
    expect(request!.headers['authorization']).toBe('Bearer runtime-token');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({ username: 'user@example.com', origin: 'uaa' });
  });

  it('replay the same body after a 503', async () => {
    answers = [(res) => res.writeHead(503, { 'Retry-After': '0' }).end(), created];
    await client().roles.associate({ org: ORG_GUID, role: 'users', username: 'user@example.com' });
    expect(received.map((r) => r.body)).toEqual([
      JSON.stringify({ username: 'user@example.com' }),
      JSON.stringify({ username: 'user@example.com' }),
    ]);
    expect(received.map((r) => r.headers['authorization'])).toEqual(['Bearer runtime-token', 'Bearer runtime-token']);
  });

  it('time out while the body of the answer stalls, not only before its headers', async () => {
    answers = [
      (res) => {
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"metadata":');
      },
    ];
    const started = performance.now();
    const call = client({ timeoutMs: 300, attempts: 1 }).roles.associate({
      org: ORG_GUID,
      role: 'users',
      username: 'user@example.com',
    });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});

describe('raw clients with the runtime’s fetch', () => {
  it('run middleware on WHATWG Requests: a header set on the request, or a new Request, reaches the server', async () => {
    const raw = client().raw.cloudController;
    raw.use({
      onRequest({ request }) {
        request.headers.set('X-VCAP-Request-ID', 'trace-1');
      },
    });
    raw.use({
      onRequest({ request }) {
        return new Request(request, { headers: { ...Object.fromEntries(request.headers), 'x-extra': 'yes' } });
      },
    });
    const result = await raw.PUT('/v2/organizations/{guid}/managers', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'user@example.com' },
    });
    expect(unwrap(result)).toEqual(organization);
    expect(received[0]!.headers['x-vcap-request-id']).toBe('trace-1');
    expect(received[0]!.headers['x-extra']).toBe('yes');
    expect(received[0]!.headers['authorization']).toBe('Bearer runtime-token');
    expect(JSON.parse(received[0]!.body)).toEqual({ username: 'user@example.com' });
  });

  it('keep the request’s other fields on every attempt (redirect: manual is not followed)', async () => {
    answers = [(res) => res.writeHead(302, { Location: `${baseUrl}/elsewhere` }).end()];
    const result = await client().raw.cloudController.PUT('/v2/organizations/{guid}/users', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'user@example.com' },
      redirect: 'manual',
    });
    expect(result.response.status).toBe(302);
    expect(received.map((r) => r.url)).toEqual([`/v2/organizations/${ORG_GUID}/users`]);
  });
});

describe('redirects that replay the body', () => {
  it.each([307, 308])(
    '%i: the roles methods and the raw clients send the body again to the new location',
    async (status) => {
      answers = [redirect(status, '/moved/1'), created, redirect(status, '/moved/2'), created];
      const c = client({ attempts: 1 });
      await expect(c.roles.associate({ org: ORG_GUID, role: 'users', username: 'user@example.com' })).resolves.toEqual(
        organization,
      );
      const result = await c.raw.cloudController.PUT('/v2/organizations/{guid}/managers', {
        params: { path: { guid: ORG_GUID } },
        body: { username: 'manager@example.com' },
      });
      expect(unwrap(result)).toEqual(organization);
      expect(received.map(({ method, url, body }) => [method, url, body])).toEqual([
        ['PUT', `/v2/organizations/${ORG_GUID}/users`, '{"username":"user@example.com"}'],
        ['PUT', '/moved/1', '{"username":"user@example.com"}'],
        ['PUT', `/v2/organizations/${ORG_GUID}/managers`, '{"username":"manager@example.com"}'],
        ['PUT', '/moved/2', '{"username":"manager@example.com"}'],
      ]);
    },
  );

  it.each([307, 308])('%i: the client-credentials token request is sent again to the new location', async (status) => {
    const token: Answer = (res) => {
      const body = JSON.stringify({ access_token: 'redirected-token', token_type: 'bearer', expires_in: 3600 });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    };
    const removed: Answer = (res) => res.writeHead(204).end();
    answers = [redirect(status, '/oauth/token/current'), token, removed];
    const members = createOrgMembershipClient({
      members: {
        baseUrl,
        token: clientCredentials({ tokenUrl: `${baseUrl}/oauth/token`, clientId: 'id', clientSecret: 'secret-1' }),
      },
      retry: { attempts: 1 },
    });
    await members.members.remove({ userId: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34' });
    expect(received.map(({ url }) => url)).toEqual([
      '/oauth/token',
      '/oauth/token/current',
      '/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34',
    ]);
    expect(JSON.parse(received[1]!.body)).toMatchObject({ client_id: 'id', client_secret: 'secret-1' });
    expect(received[2]!.headers['authorization']).toBe('Bearer redirected-token');
  });
});

describe('middleware', () => {
  it('sees a WHATWG Request on every call, the roles and members methods’ included, and its changes reach the server', async () => {
    const c = client();
    const seen: unknown[] = [];
    c.raw.cloudController.use({
      onRequest({ request }) {
        seen.push(request);
        request.headers.set('X-VCAP-Request-ID', 'from-middleware');
      },
      onResponse({ request }) {
        // The transport adds the token to a copy: the Request middleware sees carries none.
        seen.push(request.headers.get('Authorization'));
      },
    });
    await c.roles.associate({ org: ORG_GUID, role: 'auditors', username: 'user@example.com' });
    await c.raw.cloudController.PUT('/v2/organizations/{guid}/auditors', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'user@example.com' },
    });
    expect(seen).toHaveLength(4);
    expect(seen[0]).toBeInstanceOf(Request);
    expect(seen[2]).toBeInstanceOf(Request);
    expect([seen[1], seen[3]]).toEqual([null, null]);
    expect(received.map((r) => r.headers['x-vcap-request-id'])).toEqual(['from-middleware', 'from-middleware']);
    expect(received.map((r) => r.headers['authorization'])).toEqual(['Bearer runtime-token', 'Bearer runtime-token']);
  });
});

describe('timeouts with the runtime’s fetch', () => {
  it('bound the body read of a raw call too', async () => {
    answers = [
      (res) => {
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"metadata":');
      },
    ];
    const call = client({ timeoutMs: 300, attempts: 1 }).raw.cloudController.PUT('/v2/organizations/{guid}/users', {
      params: { path: { guid: ORG_GUID } },
      body: { username: 'user@example.com' },
    });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
