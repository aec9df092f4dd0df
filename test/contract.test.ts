import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { deref, loadBundle, operations, type MediaType, type Response } from './support/contract.js';
import { cloudControllerDocsPages, cloudControllerPages, membersPage } from './support/source-pages.js';

const doc = loadBundle();
const ops = operations(doc);
const roles = ['users', 'managers', 'billing_managers', 'auditors'] as const;
const roleNames = { users: 'User', managers: 'Manager', billing_managers: 'Billing Manager', auditors: 'Auditor' };
const spaceRoles = ['developers', 'managers', 'auditors'] as const;
const spaceRoleNames = { developers: 'Developer', managers: 'Manager', auditors: 'Auditor' };
const cfErrors = ['400', '401', '403', '404', '429', '500', '503'];

function op(method: string, path: string) {
  const found = ops.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`${method} ${path} is not in the bundle`);
  return found;
}

describe('the bundle', () => {
  it('is OpenAPI 3.0.3', () => {
    expect(doc.openapi).toBe('3.0.3');
  });

  it('holds the 21 Cloud Controller by-username operations, the by-guid role routes, the calls of the cf CLI and the member operation', () => {
    const expected = [
      ...roles.flatMap((role) => {
        const name = roleNames[role].replace(' ', '');
        return [
          `PUT /v2/organizations/{guid}/${role} associate${name}WithOrganizationByUsername`,
          `DELETE /v2/organizations/{guid}/${role} disassociate${name}WithOrganizationByUsername`,
          `POST /v2/organizations/{guid}/${role}/remove remove${name}FromOrganizationByUsername`,
          `PUT /v2/organizations/{guid}/${role}/{user_guid} associate${name}WithOrganization`,
          `DELETE /v2/organizations/{guid}/${role}/{user_guid} remove${name}FromOrganization`,
        ];
      }),
      ...spaceRoles.flatMap((role) => {
        const name = spaceRoleNames[role];
        return [
          `PUT /v2/spaces/{guid}/${role} associate${name}WithSpaceByUsername`,
          `DELETE /v2/spaces/{guid}/${role} disassociate${name}WithSpaceByUsername`,
          `POST /v2/spaces/{guid}/${role}/remove remove${name}FromSpaceByUsername`,
          `PUT /v2/spaces/{guid}/${role}/{user_guid} associate${name}WithSpace`,
          `DELETE /v2/spaces/{guid}/${role}/{user_guid} remove${name}FromSpace`,
        ];
      }),
      'GET /v2/config/feature_flags/{name} getFeatureFlag',
      'GET / getApiRoot',
      'GET /v2/info getInfo',
      'GET /v2/organizations listOrganizations',
      'GET /v2/spaces listSpaces',
      'GET /v2/organizations/{guid}/spaces listOrganizationSpaces',
      'GET /login getLoginInfo',
      'POST /oauth/token requestToken',
      'GET /Users searchUsers',
      'DELETE /organization/members/{userId} removeOrgMember',
    ];
    expect(ops.map((o) => `${o.method} ${o.path} ${o.operationId}`).sort()).toEqual(expected.sort());
    expect(ops).toHaveLength(45);
  });

  it('answers the by-guid role routes as Cloud Controller does: PUT 201 with the resource, DELETE 204, no body either way', () => {
    const routes = [
      ...roles.map((role) => [`/v2/organizations/{guid}/${role}/{user_guid}`, 'OrganizationResource'] as const),
      ...spaceRoles.map((role) => [`/v2/spaces/{guid}/${role}/{user_guid}`, 'SpaceResource'] as const),
    ];
    for (const [path, resource] of routes) {
      const put = op('PUT', path);
      const remove = op('DELETE', path);
      expect((put as unknown as { requestBody?: unknown }).requestBody, path).toBeUndefined();
      expect((remove as unknown as { requestBody?: unknown }).requestBody, path).toBeUndefined();
      const created = deref(doc, put.responses['201']!);
      expect(created.content?.['application/json']?.schema, path).toEqual({ $ref: `#/components/schemas/${resource}` });
      expect(deref(doc, remove.responses['204']!).content, path).toBeUndefined();
      expect(
        Object.keys(remove.responses).filter((s) => s.startsWith('2')),
        path,
      ).toEqual(['204']);
      // A user Cloud Controller has no record of is an InvalidRelation (1002) on PUT and DELETE
      // alike; the space PUT also refuses a user outside the organization, as the cf CLI meets it;
      // removing an Org User who holds space roles needs recursive=true.
      const invalidRelations = (o: typeof put) =>
        Object.keys(deref(doc, o.responses['400']!).content?.['application/json']?.examples ?? {});
      expect(invalidRelations(put), path).toEqual(
        path.startsWith('/v2/spaces/')
          ? ['InvalidRelationUnknownUser', 'InvalidRelation']
          : ['InvalidRelationUnknownUser'],
      );
      const orgUsers = path === '/v2/organizations/{guid}/users/{user_guid}';
      expect(invalidRelations(remove), path).toEqual(
        orgUsers ? ['InvalidRelationUnknownUser', 'AssociationNotEmpty'] : ['InvalidRelationUnknownUser'],
      );
      expect(
        Object.keys(deref(doc, put.responses['404']!).content?.['application/json']?.examples ?? {}),
        path,
      ).toEqual([path.startsWith('/v2/spaces/') ? 'SpaceNotFound' : 'OrganizationNotFound']);
      const params = (remove as unknown as { parameters: Array<{ $ref: string }> }).parameters.map((p) => p.$ref);
      expect(params, path).toContain('#/components/parameters/Async');
      expect(params.includes('#/components/parameters/Recursive'), path).toBe(orgUsers);
    }
  });

  it.each(roles)('documents every response of the organization operations on %s', (role) => {
    const path = `/v2/organizations/{guid}/${role}`;
    expect(Object.keys(op('PUT', path).responses).sort()).toEqual(['201', ...cfErrors]);
    expect(Object.keys(op('DELETE', path).responses).sort()).toEqual(['200', '204', ...cfErrors]);
    expect(Object.keys(op('POST', `${path}/remove`).responses).sort()).toEqual(['204', ...cfErrors]);
    expect(op('PUT', path).summary).toBe(`Associate ${roleNames[role]} with the Organization by Username`);
    expect(op('DELETE', path).summary).toBe(`Disassociate ${roleNames[role]} with the Organization by Username`);
    expect(op('POST', `${path}/remove`).summary).toBe(`Remove ${roleNames[role]} from the Organization by Username`);
  });

  it.each(spaceRoles)('documents every response of the space operations on %s', (role) => {
    const path = `/v2/spaces/{guid}/${role}`;
    expect(Object.keys(op('PUT', path).responses).sort()).toEqual(['201', ...cfErrors]);
    expect(Object.keys(op('DELETE', path).responses).sort()).toEqual(['200', ...cfErrors]);
    expect(Object.keys(op('POST', `${path}/remove`).responses).sort()).toEqual(['200', ...cfErrors]);
    for (const o of [op('PUT', path), op('DELETE', path), op('POST', `${path}/remove`)]) {
      const success = deref(doc, o.responses[o.method === 'PUT' ? '201' : '200']!);
      expect(success.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/SpaceResource' });
    }
  });

  it('marks exactly the DELETE by-username operations deprecated', () => {
    const deprecated = ops.filter((o) => (o as unknown as { deprecated?: boolean }).deprecated === true);
    expect(deprecated.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      [...roles.map((r) => `/v2/organizations/{guid}/${r}`), ...spaceRoles.map((r) => `/v2/spaces/{guid}/${r}`)]
        .map((path) => `DELETE ${path}`)
        .sort(),
    );
  });

  it('takes recursive only on the removals of users (by username and by guid), as a string where only `true` counts', () => {
    const withRecursive = ops.filter((o) => (o.parameters ?? []).some((p) => deref(doc, p).name === 'recursive'));
    expect(withRecursive.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'DELETE /v2/organizations/{guid}/users',
      'DELETE /v2/organizations/{guid}/users/{user_guid}',
      'POST /v2/organizations/{guid}/users/remove',
    ]);
    const recursive = deref(
      doc,
      withRecursive[0]!.parameters!.find((p) => deref(doc, p).name === 'recursive')!,
    );
    // Cloud Controller compares the raw value with 'true'; other values are not an error.
    expect(recursive.schema).toEqual({ type: 'string' });
    expect(recursive.example).toBe('true');
  });

  it('reads a feature flag as the published page shows it', () => {
    const o = op('GET', '/v2/config/feature_flags/{name}');
    const response = deref(doc, o.responses['200']!);
    const first = Object.values(response.content?.['application/json']?.examples ?? {})[0];
    expect(deref(doc, first)?.value).toEqual({
      name: 'set_roles_by_username',
      enabled: true,
      error_message: null,
      url: '/v2/config/feature_flags/set_roles_by_username',
    });
    expect(deref(doc, response.headers?.['X-VCAP-Request-ID'])?.example).toBe('b1b0dc33-db23-4eb2-81a0-0f6320fdbebb');
  });

  it('reads the request body leniently, as Cloud Controller does', () => {
    const schema = deref(doc, { $ref: '#/components/schemas/RoleByUsernameRequest' }) as Record<string, unknown>;
    expect(schema.additionalProperties).toBeUndefined();
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.origin).toMatchObject({ type: 'string', nullable: true });
    expect(properties.origin!.minLength).toBeUndefined();
    expect(properties.username!.minLength).toBeUndefined();
    expect(String(schema.description)).toContain('65536 bytes');
  });

  it('names a distinct example for every Cloud Controller error of the catalogue', () => {
    const seen = new Set<string>();
    for (const o of ops.filter((o) => o.path.startsWith('/v2/'))) {
      for (const [status, ref] of Object.entries(o.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        const examples = Object.values(deref(doc, ref).content ?? {}).flatMap((m) => Object.values(m.examples ?? {}));
        for (const example of examples) {
          const value = deref(doc, example).value as { error_code: string; code: number };
          seen.add(`${status} ${value.error_code} ${value.code}`);
        }
      }
    }
    expect([...seen].sort()).toEqual(
      [
        '400 CF-MessageParseError 1001',
        '400 CF-BadQueryParameter 10005',
        '400 CF-UserIsInMultipleOrigins 20006',
        '400 CF-AssociationNotEmpty 10006',
        '400 CF-InvalidRelation 1002',
        '401 CF-NotAuthenticated 10002',
        '401 CF-InvalidAuthToken 1000',
        '403 CF-InsufficientScope 10007',
        '403 CF-NotAuthorized 10003',
        '403 CF-FeatureDisabled 330002',
        '404 CF-OrganizationNotFound 30003',
        '404 CF-FeatureFlagNotFound 330000',
        '404 CF-SpaceNotFound 40004',
        '404 CF-UserNotFound 20003',
        '404 CF-UserWithOriginNotFound 20007',
        '429 CF-RateLimitExceeded 10013',
        '429 CF-IPBasedRateLimitExceeded 10014',
        '429 CF-RateLimitV2APIExceeded 10018',
        '500 CF-ServerError 10001',
        '503 CF-UaaUnavailable 20004',
      ].sort(),
    );
  });

  it('words the errors as Cloud Controller does', () => {
    const value = (name: string) =>
      (deref(doc, { $ref: `#/components/examples/${name}` }) as unknown as { value: { description: string } }).value
        .description;
    // cf-mgmt matches the end of this text to remove space roles first.
    expect(value('AssociationNotEmpty')).toBe('Please delete the user associations for your spaces in the org.');
    expect(value('SpaceNotFound')).toMatch(/^The app space could not be found: /);
    expect(value('ServerError')).toBe('Server error');
    // vcap_relations' add_/remove_*_by_guid for a user guid with no User row.
    expect(value('InvalidRelationUnknownUser')).toMatch(
      /^Could not find VCAP::CloudController::User with guid: [0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
    );
    expect(value('RateLimitV2APIExceeded')).toBe('Rate Limit of V2 API Exceeded. Please consider using the V3 API');
    expect(value('IPBasedRateLimitExceeded')).toBe(
      'Rate Limit Exceeded: Unauthenticated requests from this IP address have exceeded the limit. Please log in.',
    );
    expect(value('UserNotFoundWithoutUsername')).toBe('The user could not be found: ');
  });

  it('documents a 429 as the rate limiter sends it: text/plain, Retry-After and the X-RateLimit headers', () => {
    for (const o of ops.filter((o) => o.path.startsWith('/v2/'))) {
      const response = deref(doc, o.responses['429']!);
      expect(Object.keys(response.content ?? {}), o.operationId).toEqual(['text/plain']);
      const headers = response.headers ?? {};
      expect(Object.keys(headers).sort(), o.operationId).toEqual(
        [
          'X-VCAP-Request-ID',
          'Retry-After',
          ...['Limit', 'Remaining', 'Reset'].flatMap((h) => [`X-RateLimit-${h}`, `X-RateLimit-${h}-V2-API`]),
        ].sort(),
      );
      expect(deref(doc, headers['Retry-After'])?.required).toBe(true);
    }
  });

  it('documents the request-id headers on every response', () => {
    for (const o of ops) {
      // Behind the Cloud Foundry router (Cloud Controller and UAA) every answer carries X-VCAP-Request-ID.
      const header = o.path.startsWith('/organization/') ? 'X-Request-Id' : 'X-VCAP-Request-ID';
      const cloudController = o.path.startsWith('/v2/') || o.path === '/';
      for (const [status, ref] of Object.entries(o.responses)) {
        const headers = deref(doc, ref).headers ?? {};
        expect(Object.keys(headers), `${o.operationId} ${status}`).toContain(header);
        // The rate limiter answers before Sinatra adds X-Content-Type-Options.
        if (cloudController && status !== '429')
          expect(Object.keys(headers), `${o.operationId} ${status}`).toContain('X-Content-Type-Options');
      }
    }
  });

  it('sends no body on any 204', () => {
    for (const o of ops) {
      const noContent = o.responses['204'];
      if (noContent) expect(deref(doc, noContent).content, o.operationId).toBeUndefined();
    }
  });

  it('carries the real scopes in its security requirements', () => {
    for (const o of ops) {
      const security = (o as unknown as { security: Array<Record<string, string[]>> }).security;
      if (['/', '/v2/info', '/login'].includes(o.path)) {
        expect(security, o.operationId).toEqual([]);
      } else if (o.path === '/oauth/token') {
        expect(security).toEqual([{ uaaClientBasic: [] }]);
      } else if (o.path === '/Users') {
        expect(security).toEqual([{ uaaOAuth2: ['scim.read'] }, { uaaOAuth2: ['zones.uaa.admin'] }]);
      } else if (o.method === 'GET' && o.path.startsWith('/v2/')) {
        // FeatureFlagAccess: admin, admin_read_only or read; write alone is not enough.
        expect(security).toEqual([
          { cloudControllerOAuth2: ['cloud_controller.admin'] },
          { cloudControllerOAuth2: ['cloud_controller.admin_read_only'] },
          { cloudControllerOAuth2: ['cloud_controller.read'] },
        ]);
      } else if (o.path.startsWith('/v2/')) {
        expect(security).toEqual([
          { cloudControllerOAuth2: ['cloud_controller.admin'] },
          { cloudControllerOAuth2: ['cloud_controller.write'] },
        ]);
      } else {
        expect(security).toEqual([{ publicOauth2: ['update:org'] }]);
      }
    }
  });

  it('lists the full scope list of the Aerospike Cloud API security scheme', () => {
    const scheme = deref(doc, doc.components!.securitySchemes!.publicOauth2) as {
      flows: { clientCredentials: { scopes: Record<string, string> } };
    };
    expect(Object.keys(scheme.flows.clientCredentials.scopes).sort()).toEqual(
      ['database', 'org', 'api-key', 'secret']
        .flatMap((resource) =>
          (resource === 'org'
            ? ['read', 'update']
            : resource === 'database'
              ? ['read', 'update', 'create', 'delete']
              : ['read', 'create', 'delete']
          ).map((verb) => `${verb}:${resource}`),
        )
        .sort(),
    );
  });

  it('says who may change each role, as the access rules do', () => {
    const byUsername = /^\/v2\/(organizations|spaces)\/\{guid\}\/[a-z_]+(\/remove)?$/;
    for (const o of ops.filter((o) => byUsername.test(o.path) && !o.path.endsWith('/spaces'))) {
      const description = (o as unknown as { description: string }).description.replace(/\s+/g, ' ');
      expect(description, o.operationId).toContain('cloud_controller.admin');
      if (o.path.startsWith('/v2/spaces/')) expect(description, o.operationId).toContain('Space Manager of this space');
      else expect(description, o.operationId).toContain('Org Manager role in this organization');
      expect(description, o.operationId).toContain(
        o.method === 'PUT' ? 'set_roles_by_username' : 'unset_roles_by_username',
      );
    }
    // By guid: the same people, and no feature flag.
    for (const o of ops.filter((o) => o.path.endsWith('/{user_guid}'))) {
      const description = (o as unknown as { description: string }).description.replace(/\s+/g, ' ');
      expect(description, o.operationId).toContain('cloud_controller.admin');
      if (o.path.startsWith('/v2/spaces/')) expect(description, o.operationId).toContain('Space Manager of this space');
      else expect(description, o.operationId).toContain('Org Manager role in this organization');
      expect(description, o.operationId).toContain('No feature flag applies');
    }
  });
});

describe("the pages of Cloud Controller's published v2 reference", () => {
  const pages = cloudControllerDocsPages();

  it('cover the space operations and the organization removals by POST', () => {
    expect(pages.map((p) => `${p.method} ${p.path}`).sort()).toEqual(
      [
        ...roles.map((r) => `POST /v2/organizations/{guid}/${r}/remove`),
        ...spaceRoles.flatMap((r) => [
          `PUT /v2/spaces/{guid}/${r}`,
          `DELETE /v2/spaces/{guid}/${r}`,
          `POST /v2/spaces/{guid}/${r}/remove`,
        ]),
      ].sort(),
    );
  });

  describe.each(pages.map((page) => [page.page, page] as const))('%s', (_page, page) => {
    const o = op(page.method, page.path);

    it('is the operation with the page title as summary and its status', () => {
      expect(o.summary).toBe(page.title.replace(' (DEPRECATED)', ''));
      expect((o as unknown as { deprecated?: boolean }).deprecated === true).toBe(page.title.endsWith('(DEPRECATED)'));
      expect(Object.keys(o.responses)).toContain(String(page.status));
    });

    it("keeps the page's guid, request body, response body, request id and cURL command verbatim", () => {
      const guid = (o.parameters ?? []).map((p) => deref(doc, p)).find((p) => p.name === 'guid');
      expect(guid?.example).toBe(page.guid);
      const requestExamples = Object.values(deref(doc, o.requestBody)?.content['application/json']?.examples ?? {}).map(
        (e) => deref(doc, e).value,
      );
      expect(requestExamples[0]).toEqual(page.requestBody);
      const response = deref(doc, o.responses[String(page.status)]!);
      if (page.responseBody === null) expect(response.content).toBeUndefined();
      else {
        const examples = Object.values(response.content?.['application/json']?.examples ?? {});
        expect(deref(doc, examples[0])?.value).toEqual(page.responseBody);
      }
      expect(deref(doc, response.headers?.['X-VCAP-Request-ID'])?.example).toBe(page.requestId);
      const samples = (o as unknown as { 'x-codeSamples': Array<{ source: string }> })['x-codeSamples'];
      expect(samples.map((sample) => sample.source)).toContain(page.curl);
    });
  });
});

describe('the captured Cloud Controller pages', () => {
  const pages = cloudControllerPages();

  it('are all found', () => {
    expect(pages).toHaveLength(4);
  });

  describe.each(pages.map((page) => [page.file, page] as const))('%s', (_file, page) => {
    const o = op(page.method, page.path);

    it('is an operation with the page title as summary and its status', () => {
      expect(o.summary).toBe(page.title);
      expect(Object.keys(o.responses)).toContain(String(page.status));
    });

    it("keeps the page's guid, request body and response body verbatim", () => {
      const guid = (o.parameters ?? []).map((p) => deref(doc, p)).find((p) => p.name === 'guid');
      expect(guid?.example).toBe(page.guid);
      const requestBody = o.requestBody && deref(doc, o.requestBody);
      const requestExamples = Object.values(requestBody?.content['application/json']?.examples ?? {}).map(
        (e) => deref(doc, e).value,
      );
      expect(requestExamples[0]).toEqual(page.requestBody);
      const response = deref(doc, o.responses[String(page.status)]!);
      const responseExamples = Object.values(response.content?.['application/json']?.examples ?? {}).map(
        (e) => deref(doc, e).value,
      );
      expect(responseExamples[0]).toEqual(page.responseBody);
    });

    it("keeps the page's headers and cURL command verbatim", () => {
      const response = deref(doc, o.responses[String(page.status)]!);
      expect(deref(doc, response.headers?.['X-VCAP-Request-ID'])?.example).toBe(
        page.responseHeaders['X-VCAP-Request-ID'],
      );
      const samples = (o as unknown as { 'x-codeSamples': Array<{ source: string }> })['x-codeSamples'];
      expect(samples.map((s) => s.source)).toContain(page.curl);
      expect(page.curl).toContain(page.requestHeaders.Authorization!);
    });
  });
});

describe('the captured Aerospike Cloud API page', () => {
  const page = membersPage();
  const o = op(page.method, page.path);

  it('is the operation with the same summary and description', () => {
    expect(o.summary).toBe(page.title);
    expect((o as unknown as { description: string }).description.split('\n')[0]).toBe(page.description);
  });

  it('documents the same statuses, descriptions and X-Request-Id example', () => {
    expect(Object.keys(o.responses).sort()).toEqual(page.responses.map((r) => String(r.status)).sort());
    for (const { status, description } of page.responses) {
      const response = deref(doc, o.responses[String(status)]!);
      expect(response.description, String(status)).toBe(description);
      expect(deref(doc, response.headers?.['X-Request-Id'])?.example, String(status)).toBe(page.requestIdExample);
    }
  });

  it('keeps every error example verbatim', () => {
    for (const { status, example } of page.responses.filter((r) => r.status >= 400)) {
      const response = deref(doc, o.responses[String(status)]!);
      const examples = Object.values(response.content?.['application/json']?.examples ?? {}).map(
        (e) => deref(doc, e).value,
      );
      expect(examples, String(status)).toContainEqual(example);
    }
  });
});

describe('the current Aerospike Cloud API error form', () => {
  const o = op('DELETE', '/organization/members/{userId}');
  const errorStatuses = Object.keys(o.responses).filter((status) => status >= '400');

  it.each(errorStatuses)(
    '%s: the older form as application/json, Problem Details as application/problem+json',
    (status) => {
      const content = deref(doc, o.responses[status]!).content ?? {};
      // The older form first: it is what the original page shows and what a plain mock answers.
      expect(Object.keys(content)).toEqual(['application/json', 'application/problem+json']);
      expect(content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/GenericApiError' });
      for (const example of Object.values(content['application/problem+json']!.examples ?? {})) {
        const value = deref(doc, example).value as Record<string, unknown>;
        expect(value.type).toMatch(/^urn:aerospike:errors:[a-z-]+:[a-z-]+$/);
        expect(value.status).toBe(Number(status));
        // `message` is kept (deprecated) and repeats `detail`.
        expect(value.message).toBe(value.detail);
      }
    },
  );

  it('validates the older and the current examples against one schema', () => {
    const problem = deref(doc, { $ref: '#/components/schemas/ProblemDetails' }) as unknown as { allOf: unknown[] };
    expect(problem.allOf[0]).toEqual({ $ref: '#/components/schemas/GenericApiError' });
  });
});

describe('every example', () => {
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI 3.0 schemas use `nullable`; ajv understands it with the option above once refs are inlined.
  const compile = (schema: unknown) => ajv.compile(inline(schema) as object);
  function inline(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== 'object') return node;
    const resolved = deref(doc, node as Record<string, unknown>);
    return Object.fromEntries(
      Object.entries(resolved)
        .filter(([k]) => k !== 'example')
        .map(([k, v]) => [k, inline(v)]),
    );
  }

  const cases: Array<[string, unknown, unknown]> = [];
  for (const o of ops) {
    for (const p of (o.parameters ?? []).map((p) => deref(doc, p))) {
      cases.push([`${o.operationId} parameter ${String(p.name)}`, p.schema, p.example]);
    }
    const media = (m: MediaType | undefined, where: string) => {
      if (!m) return;
      for (const [name, ex] of Object.entries(m.examples ?? {}))
        cases.push([`${where} example ${name}`, m.schema, deref(doc, ex).value]);
    };
    media(o.requestBody && deref(doc, o.requestBody).content['application/json'], `${o.operationId} request`);
    for (const [status, ref] of Object.entries(o.responses)) {
      const r: Response = deref(doc, ref);
      for (const [type, m] of Object.entries(r.content ?? {})) media(m, `${o.operationId} ${status} ${type}`);
      for (const [name, h] of Object.entries(r.headers ?? {})) {
        const header = deref(doc, h);
        cases.push([`${o.operationId} ${status} header ${name}`, header.schema, header.example]);
      }
    }
  }

  it('was collected', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases)('%s validates against its schema', (_name, schema, value) => {
    expect(value).toBeDefined();
    const validate = compile(schema);
    expect(validate(value) ? [] : validate.errors).toEqual([]);
  });
});

describe('the calls of the cf CLI v6', () => {
  const example = (name: string) =>
    (deref(doc, { $ref: `#/components/examples/${name}` }) as unknown as { value: Record<string, unknown> }).value;
  const schemaOf = (name: string) =>
    deref(doc, { $ref: `#/components/schemas/${name}` }) as unknown as {
      required?: string[];
      properties: Record<string, unknown>;
    };
  const claims = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));

  it("documents every field of Cloud Controller's /v2/info (InfoController), the published body verbatim", () => {
    expect(Object.keys(schemaOf('Info').properties).sort()).toEqual(
      [
        'name',
        'build',
        'support',
        'version',
        'description',
        'authorization_endpoint',
        'token_endpoint',
        'min_cli_version',
        'min_recommended_cli_version',
        'app_ssh_endpoint',
        'app_ssh_host_key_fingerprint',
        'app_ssh_oauth_client',
        'doppler_logging_endpoint',
        'logging_endpoint',
        'api_version',
        'osbapi_version',
        'routing_endpoint',
        'custom',
        'user',
      ].sort(),
    );
    expect(JSON.stringify(example('InfoPublished'))).toBe(
      '{"name":"vcap","build":"2222","support":"http://support.cloudfoundry.com","version":2,"description":"Cloud Foundry sponsored by Pivotal","authorization_endpoint":"http://localhost:8080/uaa","token_endpoint":"http://localhost:8080/uaa","api_version":"2.21.0","logging_endpoint":"ws://loggregator.vcap.me:80"}',
    );
  });

  it('opens /v2/info, / and /login to anyone, and documents no 401 or 403 there', () => {
    for (const [method, path] of [
      ['GET', '/v2/info'],
      ['GET', '/'],
      ['GET', '/login'],
    ] as const) {
      const o = op(method, path);
      expect((o as unknown as { security: unknown[] }).security, path).toEqual([]);
      expect(Object.keys(o.responses), path).not.toContain('401');
      expect(Object.keys(o.responses), path).not.toContain('403');
    }
  });

  it('serves UAA from its own server URL', () => {
    for (const [method, path] of [
      ['GET', '/login'],
      ['POST', '/oauth/token'],
      ['GET', '/Users'],
    ] as const) {
      const servers = (doc.paths![path] as { servers?: Array<{ url: string }> }).servers;
      expect(
        servers?.map((server) => server.url),
        path,
      ).toEqual(['https://uaa.{systemDomain}']);
      expect(op(method, path).tags, path).toEqual(['UAA']);
    }
  });

  it('takes the v2 list parameters on the organization and space lists', () => {
    for (const path of ['/v2/organizations', '/v2/spaces', '/v2/organizations/{guid}/spaces']) {
      const names = (op('GET', path) as unknown as { parameters: Array<{ $ref: string }> }).parameters
        .map((p) => deref(doc, p) as unknown as { name: string; in: string })
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
      expect(names.sort(), path).toEqual(
        ['q', 'order-by', 'order-direction', 'inline-relations-depth', 'page', 'results-per-page'].sort(),
      );
      // An unknown name is an empty list, never a 404; a malformed query is CF-BadQueryParameter.
      const listed = deref(doc, op('GET', path).responses['200']!).content!['application/json']!;
      const empty = Object.values(listed.examples!).map((e) => deref(doc, e).value as { resources: unknown[] });
      expect(
        empty.some((value) => value.resources.length === 0),
        path,
      ).toBe(true);
      // Only the organization of the path can be missing.
      expect(Object.keys(op('GET', path).responses).includes('404'), path).toBe(path.includes('{guid}'));
      const bad = deref(doc, op('GET', path).responses['400']!).content!['application/json']!.examples!;
      expect(Object.keys(bad), path).toEqual(['BadQueryParameter']);
    }
    // The first example of each list holds exactly one resource: what `cf target` needs to target it.
    for (const name of ['OrganizationListPublished', 'SpaceListOneSpace', 'OrganizationSpaceListPublished'])
      expect((example(name)['resources'] as unknown[]).length, name).toBe(1);
  });

  it('issues a token the cf CLI keeps: a compact JWS with user_name, user_id, email, scope and an exp in 2100', () => {
    const token = example('TokenIssued');
    expect(token['token_type']).toBe('bearer');
    const accessToken = token['access_token'] as string;
    expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const payload = claims(accessToken);
    expect(payload).toMatchObject({ user_name: 'admin', email: 'admin', client_id: 'cf' });
    // The same user as the example of UAA's user lookup.
    const [user] = example('ScimUsersFound')['resources'] as Array<{ id: string }>;
    expect(payload.user_id).toBe(user!.id);
    expect(payload.sub).toBe(user!.id);
    expect(new Date(payload.exp * 1000).getUTCFullYear()).toBe(2100);
    expect(payload.scope.join(' ')).toBe(token['scope']);
    expect(payload.scope).toEqual(expect.arrayContaining(['cloud_controller.admin', 'scim.read']));
    // The refresh grant sends the refresh token of this answer back, with an empty scope.
    expect(example('RefreshTokenGrant')).toEqual({
      grant_type: 'refresh_token',
      refresh_token: token['refresh_token'],
      scope: '',
    });
    expect(example('PasswordGrant')).toEqual({ grant_type: 'password', password: 'admin', username: 'admin' });
  });

  it("takes the token grant form-encoded, with the client's HTTP Basic credentials", () => {
    const o = op('POST', '/oauth/token') as unknown as { requestBody: { $ref: string }; security: unknown };
    const body = deref(doc, o.requestBody) as unknown as { content: Record<string, unknown> };
    expect(Object.keys(body.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(deref(doc, { $ref: '#/components/securitySchemes/uaaClientBasic' })).toMatchObject({
      type: 'http',
      scheme: 'basic',
    });
  });

  it("words UAA's errors as UAA does: error and error_description", () => {
    expect(example('UaaBadCredentials')).toEqual({ error: 'unauthorized', error_description: 'Bad credentials' });
    expect(schemaOf('UaaError').required).toEqual(['error', 'error_description']);
    const dialect = (doc as unknown as { 'x-api-dialects': Array<{ id: string; errorSchema: string }> })[
      'x-api-dialects'
    ].find((d) => d.id === 'uaa');
    expect(dialect?.errorSchema).toBe('UaaError');
  });

  it('names, for every URL a stand-in serves itself, a field the example has', () => {
    const pointers: Record<string, string[]> = {};
    for (const o of ops)
      for (const ref of Object.values(o.responses)) {
        const response = deref(doc, ref) as unknown as Record<string, unknown>;
        const selfUrls = response['x-self-urls'] as Record<string, string> | undefined;
        if (!selfUrls) continue;
        pointers[o.operationId] = Object.keys(selfUrls);
        for (const named of Object.values(
          (response['content'] as Record<string, MediaType>)['application/json']!.examples!,
        )) {
          const value = deref(doc, named).value;
          for (const pointer of Object.keys(selfUrls)) {
            const found = pointer
              .split('/')
              .slice(1)
              .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
            expect(typeof found, `${o.operationId} ${pointer}`).toBe('string');
          }
        }
      }
    expect(pointers).toEqual({
      getInfo: ['/authorization_endpoint', '/token_endpoint'],
      getApiRoot: [
        '/links/self/href',
        '/links/cloud_controller_v2/href',
        '/links/cloud_controller_v3/href',
        '/links/login/href',
        '/links/uaa/href',
      ],
      getLoginInfo: ['/links/uaa', '/links/login'],
    });
  });
});
