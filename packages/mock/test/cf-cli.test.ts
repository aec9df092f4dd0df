// The cf CLI v6.53 against the mock: each command's requests replayed exactly as the CLI sends
// them (methods, paths, query strings, headers, bodies), on both of its HTTP stacks and both
// paths of the role commands. Every answer must be what the CLI needs to go on, and what the
// contract documents for that operation and status.
import { request } from 'node:http';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { deref, listOperations, loadDocument, type ResponseObject } from '@org-membership-api/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../src/index.js';

const document = loadDocument();
const operations = listOperations(document);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormatsPlugin.default(ajv);
ajv.addSchema({ components: document.components }, 'bundle');

/** The headers of the CLI's newer stack (api, auth, target): no Content-Type on GETs. */
const newStack = {
  'User-Agent': 'cf/6.53.0+8e2b70a4a.2020-09-30 (go1.19.8; amd64 linux)',
  Accept: 'application/json',
};
/** The headers of the legacy stack (the role commands): JSON content type on every request, Connection: close. */
const legacyStack = {
  'User-Agent': 'go-cli 6.53.0+8e2b70a4a.2020-09-30 / linux',
  Accept: 'application/json',
  'Content-Type': 'application/json',
  Connection: 'close',
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** One request, headers exactly as given (node adds only Host). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 5 s`)));
    req.on('error', reject);
    // Go sends Content-Length with every body (node would send none on a DELETE), and the
    // CLI's PUT and DELETE by guid carry no body but Content-Length: 0.
    if (body !== undefined) req.setHeader('Content-Length', String(Buffer.byteLength(body)));
    else if (method === 'PUT' || method === 'DELETE') req.setHeader('Content-Length', '0');
    req.end(body);
  });
}

/** The contract's operation for a request path, by template. */
function operationFor(method: string, pathname: string) {
  const found = operations.find(
    (operation) =>
      operation.method === method && new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  if (!found) throw new Error(`${method} ${pathname} is no operation of the contract`);
  return found;
}

/** Problems of an answer against the contract: a documented status, and a body that fits its schema. */
function contractProblems(method: string, url: string, answer: Answer): string[] {
  const operation = operationFor(method, new URL(url).pathname);
  const raw = operation.object.responses?.[String(answer.status)];
  if (!raw) return [`${operation.operationId}: status ${answer.status} is not documented`];
  const response = deref<ResponseObject>(document, raw);
  const media = response.content?.['application/json'];
  if (!media)
    return answer.text === '' ? [] : [`${operation.operationId} ${answer.status}: a body where none is documented`];
  if (!String(answer.headers['content-type']).startsWith('application/json'))
    return [`${operation.operationId} ${answer.status}: Content-Type ${answer.headers['content-type']}`];
  const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"bundle#/components/'));
  return ajv.validate(schema, answer.json) ? [] : [`${operation.operationId}: ${ajv.errorsText()}`];
}

/** One step of a replay: the request as the CLI sends it and what the CLI needs of the answer. */
async function step(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer & { body: Record<string, unknown> }> {
  const answer = await send(url, method, headers, body);
  expect(answer.status, `${method} ${url}: ${answer.text}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${method} ${url}: ${answer.text}`).toBeLessThan(300);
  expect(contractProblems(method, url, answer), `${method} ${url}`).toEqual([]);
  return { ...answer, body: (answer.json ?? {}) as Record<string, unknown> };
}

/** The one resource of a v2 list, as `cf target` and the role commands need it. */
function onlyGuid(list: Record<string, unknown>): string {
  const resources = list['resources'] as Array<{ metadata?: { guid?: unknown } }>;
  expect(resources).toHaveLength(1);
  const guid = resources[0]!.metadata?.guid;
  expect(typeof guid).toBe('string');
  return guid as string;
}

const claimsOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));

let mock: RunningMock;
/** What `cf api` and `cf auth` leave in the CLI's config. */
const session = { target: '', authorizationEndpoint: '', uaa: '', authorization: '', refreshToken: '' };

beforeAll(async () => {
  mock = await startMock({ port: 0 });
  session.target = mock.url;
});
afterAll(() => mock?.close());

/** The newer stack's start of every run: /v2/info, the root document, and (except `api`) /login. */
async function startOfRun(withLogin: boolean) {
  const info = await step('GET', `${session.target}/v2/info`, newStack);
  expect(info.body['api_version']).toMatch(/^2\.\d+\.\d+$/);
  // The mock names itself, as the client reached it, so that the CLI comes back to it.
  expect(info.body['authorization_endpoint']).toBe(session.target);
  session.authorizationEndpoint = info.body['authorization_endpoint'] as string;
  const root = await step('GET', `${session.target}/`, newStack);
  expect(root.body['links']).toBeTypeOf('object');
  if (!withLogin) return;
  const login = await step('GET', `${session.authorizationEndpoint}/login`, newStack);
  const links = login.body['links'] as Record<string, string>;
  expect(links['uaa']).toBe(session.target);
  session.uaa = links['uaa']!;
}

describe('cf api, cf auth, cf target', () => {
  it('cf api http://127.0.0.1:PORT: /v2/info, then /', async () => {
    await startOfRun(false);
  });

  it('cf auth admin admin: the password grant, client cf with an empty secret, gives a compact JWS', async () => {
    await startOfRun(true);
    const token = await step(
      'POST',
      `${session.authorizationEndpoint}/oauth/token`,
      {
        ...newStack,
        Authorization: 'Basic Y2Y6',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'grant_type=password&password=admin&username=admin',
    );
    const accessToken = token.body['access_token'] as string;
    expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    const claims = claimsOf(accessToken);
    // More than 60 s left, or the CLI refreshes before every request.
    expect(claims.exp * 1000).toBeGreaterThan(Date.now() + 60_000);
    expect(claims).toMatchObject({ user_name: expect.any(String), user_id: expect.any(String) });
    expect(token.body['token_type']).toBe('bearer');
    session.authorization = `${token.body['token_type']} ${accessToken}`;
    session.refreshToken = token.body['refresh_token'] as string;
  });

  it('refreshes a token that is about to expire: the refresh grant with an empty scope', async () => {
    const token = await step(
      'POST',
      `${session.authorizationEndpoint}/oauth/token`,
      { ...newStack, Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' },
      `grant_type=refresh_token&refresh_token=${encodeURIComponent(session.refreshToken)}&scope=`,
    );
    expect(token.body['access_token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
  });

  it('refuses the token request of a client without credentials, in UAA shape', async () => {
    const answer = await send(
      `${session.target}/oauth/token`,
      'POST',
      { ...newStack, 'Content-Type': 'application/x-www-form-urlencoded' },
      'grant_type=password&password=admin&username=admin',
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: 'unauthorized', error_description: expect.any(String) });
  });

  it('cf target -o myorg: the organization by name, then its spaces (exactly one: targeted)', async () => {
    await startOfRun(true);
    const auth = { ...newStack, Authorization: session.authorization };
    const orgs = await step('GET', `${session.target}/v2/organizations?order-by=name&q=name%3Amyorg`, auth);
    const org = onlyGuid(orgs.body);
    const spaces = await step('GET', `${session.target}/v2/spaces?order-by=name&q=organization_guid%3A${org}`, auth);
    onlyGuid(spaces.body);
  });

  it('cf target -o myorg -s myspace: the space by name and organization', async () => {
    await startOfRun(true);
    const auth = { ...newStack, Authorization: session.authorization };
    const org = onlyGuid(
      (await step('GET', `${session.target}/v2/organizations?order-by=name&q=name%3Amyorg`, auth)).body,
    );
    const spaces = await step(
      'GET',
      `${session.target}/v2/spaces?order-by=name&q=name%3Amyspace&q=organization_guid%3A${org}`,
      auth,
    );
    onlyGuid(spaces.body);
  });
});

const username = 'alice@example.com';
const usernameBody = `{"username": "${username}"}`;
const orgLookup = () => `${session.target}/v2/organizations?q=name%3Amyorg&inline-relations-depth=1`;
const spaceLookup = (org: string) =>
  `${session.target}/v2/organizations/${org}/spaces?q=name%3Amyspace&inline-relations-depth=1`;
const userLookup = () => `${session.uaa}/Users?attributes=id,userName&filter=userName+Eq+%22alice%40example.com%22`;

/** The flag read that starts every role command; `prefer` stands for the server's own state. */
async function flag(name: string, prefer: string | undefined, enabled: boolean) {
  const headers = { ...legacyStack, Authorization: session.authorization, ...(prefer && { Prefer: prefer }) };
  const answer = await send(`${session.target}/v2/config/feature_flags/${name}`, 'GET', headers);
  expect(contractProblems('GET', `${session.target}/v2/config/feature_flags/${name}`, answer)).toEqual([]);
  // The by-username path needs exactly `"enabled": true`; anything else takes the guid path.
  expect(answer.status === 200 && (answer.json as { enabled?: unknown }).enabled === true).toBe(enabled);
}

/** The guid path's user lookup in UAA: one user with its id. */
async function userGuid(): Promise<string> {
  const users = await step('GET', userLookup(), { ...legacyStack, Authorization: session.authorization });
  const resources = users.body['resources'] as Array<{ id?: unknown }>;
  expect(resources).toHaveLength(1);
  expect(typeof resources[0]!.id).toBe('string');
  return resources[0]!.id as string;
}

describe.each([
  ['the by-username path (flag enabled)', undefined, undefined],
  ['the by-guid path (flag disabled)', 'example=SetRolesByUsernameDisabled', 'example=UnsetRolesByUsernameDisabled'],
  ['the by-guid path (flag lookup fails)', 'code=404', 'code=404'],
] as const)('the role commands, %s', (_, setPrefer, unsetPrefer) => {
  const byUsername = setPrefer === undefined;
  const legacy = () => ({ ...legacyStack, Authorization: session.authorization });

  beforeAll(async () => {
    if (!session.authorization) {
      await startOfRun(true);
      const token = await step(
        'POST',
        `${session.authorizationEndpoint}/oauth/token`,
        { ...newStack, Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' },
        'grant_type=password&password=admin&username=admin',
      );
      session.authorization = `${token.body['token_type']} ${token.body['access_token']}`;
    }
  });

  it('cf set-org-role alice@example.com myorg OrgManager', async () => {
    await flag('set_roles_by_username', setPrefer, byUsername);
    const user = byUsername ? undefined : await userGuid();
    const org = onlyGuid((await step('GET', orgLookup(), legacy())).body);
    if (user === undefined) {
      await step('PUT', `${session.target}/v2/organizations/${org}/managers`, legacy(), usernameBody);
      await step('PUT', `${session.target}/v2/organizations/${org}/users`, legacy(), usernameBody);
    } else {
      await step('PUT', `${session.target}/v2/organizations/${org}/managers/${user}`, legacy());
      await step('PUT', `${session.target}/v2/organizations/${org}/users/${user}`, legacy());
    }
  });

  it('cf unset-org-role alice@example.com myorg OrgManager', async () => {
    await flag('unset_roles_by_username', unsetPrefer, byUsername);
    const user = byUsername ? undefined : await userGuid();
    const org = onlyGuid((await step('GET', orgLookup(), legacy())).body);
    if (user === undefined)
      await step('DELETE', `${session.target}/v2/organizations/${org}/managers`, legacy(), usernameBody);
    else await step('DELETE', `${session.target}/v2/organizations/${org}/managers/${user}`, legacy());
  });

  it('cf set-space-role alice@example.com myorg myspace SpaceDeveloper', async () => {
    await flag('set_roles_by_username', setPrefer, byUsername);
    const user = byUsername ? undefined : await userGuid();
    const org = onlyGuid((await step('GET', orgLookup(), legacy())).body);
    const space = onlyGuid((await step('GET', spaceLookup(org), legacy())).body);
    if (user === undefined) {
      await step('PUT', `${session.target}/v2/organizations/${org}/users`, legacy(), usernameBody);
      await step('PUT', `${session.target}/v2/spaces/${space}/developers`, legacy(), usernameBody);
    } else {
      await step('PUT', `${session.target}/v2/organizations/${org}/users/${user}`, legacy());
      await step('PUT', `${session.target}/v2/spaces/${space}/developers/${user}`, legacy());
    }
  });

  it('cf unset-space-role alice@example.com myorg myspace SpaceDeveloper', async () => {
    await flag('unset_roles_by_username', unsetPrefer, byUsername);
    const user = byUsername ? undefined : await userGuid();
    const org = onlyGuid((await step('GET', orgLookup(), legacy())).body);
    const space = onlyGuid((await step('GET', spaceLookup(org), legacy())).body);
    if (user === undefined)
      await step('DELETE', `${session.target}/v2/spaces/${space}/developers`, legacy(), usernameBody);
    else await step('DELETE', `${session.target}/v2/spaces/${space}/developers/${user}?async=true`, legacy());
  });
});

describe('a mock started with the role feature flags off (--disable-feature-flag)', () => {
  let flagsOff: RunningMock;
  beforeAll(async () => {
    flagsOff = await startMock({
      port: 0,
      disabledFeatureFlags: ['set_roles_by_username', 'unset_roles_by_username'],
    });
  });
  afterAll(() => flagsOff?.close());

  it('reports each flag the CLI reads off, by its name, so that the CLI takes the guid path without Prefer', async () => {
    for (const name of ['set_roles_by_username', 'unset_roles_by_username']) {
      const url = `${flagsOff.url}/v2/config/feature_flags/${name}`;
      const answer = await send(url, 'GET', { ...legacyStack, Authorization: 'bearer any' });
      expect(contractProblems('GET', url, answer)).toEqual([]);
      expect(answer.json).toMatchObject({ name, enabled: false });
      // Prefer still picks any documented answer.
      const asked = await send(url, 'GET', { ...legacyStack, Authorization: 'bearer any', Prefer: 'code=404' });
      expect(asked.status).toBe(404);
    }
  });

  it('a mock started without it names the flag read, on', async () => {
    for (const name of ['set_roles_by_username', 'unset_roles_by_username']) {
      const answer = await send(`${mock.url}/v2/config/feature_flags/${name}`, 'GET', {
        ...legacyStack,
        Authorization: 'bearer any',
      });
      expect(answer.json).toMatchObject({ name, enabled: true });
    }
  });
});

describe('what the CLI meets when something is wrong', () => {
  it('answers a role command without a token in Cloud Controller shape (code, description, error_code)', async () => {
    const answer = await send(
      `${session.target}/v2/organizations?q=name%3Amyorg&inline-relations-depth=1`,
      'GET',
      legacyStack,
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({
      code: 10002,
      error_code: 'CF-NotAuthenticated',
      description: expect.any(String),
    });
  });

  it('answers an unknown organization with an empty list, as Cloud Controller does', async () => {
    const answer = await send(orgLookup(), 'GET', {
      ...legacyStack,
      Authorization: session.authorization || 'bearer t',
      Prefer: 'example=NoMatch',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ total_results: 0, resources: [] });
  });

  it('keeps the documented URLs when the request names no usable host', async () => {
    const answer = await send(`${mock.url}/v2/info`, 'GET', { ...newStack, Host: 'evil host/with"quotes' });
    expect(answer.status).toBe(200);
    expect((answer.json as Record<string, unknown>)['authorization_endpoint']).toBe('https://login.example.org');
  });

  it('still sends a browser asking for / to the docs', async () => {
    const answer = await send(`${mock.url}/`, 'GET', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('/docs/');
  });
});
