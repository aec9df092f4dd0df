import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { deref, loadBundle, operations, type MediaType, type Response } from './support/contract.js';
import { cloudControllerPages, membersPage } from './support/source-pages.js';

const doc = loadBundle();
const ops = operations(doc);
const roles = ['users', 'managers', 'billing_managers', 'auditors'] as const;
const roleNames = { users: 'User', managers: 'Manager', billing_managers: 'Billing Manager', auditors: 'Auditor' };

function op(method: string, path: string) {
  const found = ops.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`${method} ${path} is not in the bundle`);
  return found;
}

describe('the bundle', () => {
  it('is OpenAPI 3.0.3', () => {
    expect(doc.openapi).toBe('3.0.3');
  });

  it('holds exactly the nine operations of the two APIs', () => {
    const expected = [
      ...roles.flatMap((role) => [
        `PUT /v2/organizations/{guid}/${role} associate${roleNames[role].replace(' ', '')}WithOrganizationByUsername`,
        `DELETE /v2/organizations/{guid}/${role} disassociate${roleNames[role].replace(' ', '')}WithOrganizationByUsername`,
      ]),
      'DELETE /organization/members/{userId} removeOrgMember',
    ];
    expect(ops.map((o) => `${o.method} ${o.path} ${o.operationId}`).sort()).toEqual(expected.sort());
  });

  it.each(roles)('documents every response of PUT and DELETE on %s', (role) => {
    const path = `/v2/organizations/{guid}/${role}`;
    expect(Object.keys(op('PUT', path).responses).sort()).toEqual(['201', '400', '401', '403', '404', '429', '503']);
    expect(Object.keys(op('DELETE', path).responses).sort()).toEqual([
      '200',
      '204',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(op('PUT', path).summary).toBe(`Associate ${roleNames[role]} with the Organization by Username`);
    expect(op('DELETE', path).summary).toBe(`Disassociate ${roleNames[role]} with the Organization by Username`);
  });

  it('takes recursive only on DELETE users', () => {
    const withRecursive = ops.filter((o) => (o.parameters ?? []).some((p) => deref(doc, p).name === 'recursive'));
    expect(withRecursive.map((o) => `${o.method} ${o.path}`)).toEqual(['DELETE /v2/organizations/{guid}/users']);
  });

  it('names a distinct example for every Cloud Controller error of the catalogue', () => {
    const seen = new Set<string>();
    for (const o of ops.filter((o) => o.path.startsWith('/v2/'))) {
      for (const [status, ref] of Object.entries(o.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        const examples = deref(doc, ref).content?.['application/json']?.examples ?? {};
        for (const example of Object.values(examples)) {
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
        '401 CF-NotAuthenticated 10002',
        '401 CF-InvalidAuthToken 1000',
        '403 CF-InsufficientScope 10007',
        '403 CF-NotAuthorized 10003',
        '403 CF-FeatureDisabled 330002',
        '404 CF-OrganizationNotFound 30003',
        '404 CF-UserNotFound 20003',
        '404 CF-UserWithOriginNotFound 20007',
        '429 CF-RateLimitExceeded 10013',
        '503 CF-UaaUnavailable 20004',
      ].sort(),
    );
  });

  it('documents the request-id headers on every response', () => {
    for (const o of ops) {
      const header = o.path.startsWith('/v2/') ? 'X-VCAP-Request-ID' : 'X-Request-Id';
      for (const [status, ref] of Object.entries(o.responses)) {
        const headers = deref(doc, ref).headers ?? {};
        expect(Object.keys(headers), `${o.operationId} ${status}`).toContain(header);
        if (o.path.startsWith('/v2/'))
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
      if (o.path.startsWith('/v2/')) {
        expect(security).toEqual([
          { cloudControllerOAuth2: ['cloud_controller.admin'] },
          { cloudControllerOAuth2: ['cloud_controller.write'] },
        ]);
      } else {
        expect(security).toEqual([{ publicOauth2: ['update:org'] }]);
      }
    }
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
      media(r.content?.['application/json'], `${o.operationId} ${status}`);
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
