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

  it('holds exactly the 21 Cloud Controller by-username operations, the feature flag read and the member operation', () => {
    const expected = [
      ...roles.flatMap((role) => {
        const name = roleNames[role].replace(' ', '');
        return [
          `PUT /v2/organizations/{guid}/${role} associate${name}WithOrganizationByUsername`,
          `DELETE /v2/organizations/{guid}/${role} disassociate${name}WithOrganizationByUsername`,
          `POST /v2/organizations/{guid}/${role}/remove remove${name}FromOrganizationByUsername`,
        ];
      }),
      ...spaceRoles.flatMap((role) => {
        const name = spaceRoleNames[role];
        return [
          `PUT /v2/spaces/{guid}/${role} associate${name}WithSpaceByUsername`,
          `DELETE /v2/spaces/{guid}/${role} disassociate${name}WithSpaceByUsername`,
          `POST /v2/spaces/{guid}/${role}/remove remove${name}FromSpaceByUsername`,
        ];
      }),
      'GET /v2/config/feature_flags/{name} getFeatureFlag',
      'DELETE /organization/members/{userId} removeOrgMember',
    ];
    expect(ops.map((o) => `${o.method} ${o.path} ${o.operationId}`).sort()).toEqual(expected.sort());
    expect(ops).toHaveLength(23);
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

  it('takes recursive only on both removals of users, as a string where only `true` counts', () => {
    const withRecursive = ops.filter((o) => (o.parameters ?? []).some((p) => deref(doc, p).name === 'recursive'));
    expect(withRecursive.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'DELETE /v2/organizations/{guid}/users',
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
      const header = o.path.startsWith('/v2/') ? 'X-VCAP-Request-ID' : 'X-Request-Id';
      for (const [status, ref] of Object.entries(o.responses)) {
        const headers = deref(doc, ref).headers ?? {};
        expect(Object.keys(headers), `${o.operationId} ${status}`).toContain(header);
        // The rate limiter answers before Sinatra adds X-Content-Type-Options.
        if (o.path.startsWith('/v2/') && status !== '429')
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
      if (o.path.startsWith('/v2/config/feature_flags/')) {
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
    for (const o of ops.filter((o) => /^\/v2\/(organizations|spaces)\//.test(o.path))) {
      const description = (o as unknown as { description: string }).description.replace(/\s+/g, ' ');
      expect(description, o.operationId).toContain('cloud_controller.admin');
      if (o.path.startsWith('/v2/spaces/')) expect(description, o.operationId).toContain('Space Manager of this space');
      else expect(description, o.operationId).toContain('Org Manager role in this organization');
      expect(description, o.operationId).toContain(
        o.method === 'PUT' ? 'set_roles_by_username' : 'unset_roles_by_username',
      );
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
