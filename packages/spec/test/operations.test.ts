// The operations as the workspace reads them from this repository's bundle (`pnpm check`
// runs before the tests).
import { describe, expect, it } from 'vitest';
import {
  exampleRequest,
  exampleValue,
  jsonContent,
  listOperations,
  loadDocument,
  responseFor,
  successStatuses,
  httpMethods,
  type OpenApiDocument,
} from '../src/index.js';

const document = loadDocument();
const operations = listOperations(document);
const byId = (id: string) => operations.find((operation) => operation.operationId === id)!;

describe('listOperations', () => {
  it('lists every operation of the bundle with its method, path, summary and dialect', () => {
    const raw = Object.values(document.paths).flatMap((item) =>
      Object.keys(item).filter((key) => (httpMethods as readonly string[]).includes(key)),
    );
    expect(operations).toHaveLength(raw.length);
    const put = byId('associateUserWithOrganizationByUsername');
    expect(put).toMatchObject({
      method: 'PUT',
      path: '/v2/organizations/{guid}/users',
      summary: 'Associate User with the Organization by Username',
      deprecated: false,
      tags: ['Organization roles'],
    });
    expect(put.dialect?.id).toBe('cloudController');
    expect(byId('removeOrgMember').dialect?.id).toBe('members');
    expect(byId('removeOrgMember').servers.map((server) => server.url)).toEqual(['https://api.aerospike.com/v1']);
  });

  it('resolves parameters, the request body and every documented response with named example values', () => {
    const put = byId('associateUserWithOrganizationByUsername');
    expect(put.parameters.map((p) => `${p.in} ${p.name}`)).toEqual(['path guid']);
    expect(put.requestBody?.required).toBe(true);
    expect(jsonContent(put.requestBody!.content)?.examples.map((e) => e.name)).toEqual([
      'Username',
      'UsernameWithOrigin',
    ]);
    expect(jsonContent(put.requestBody!.content)?.examples[0]?.value).toEqual({ username: 'user@example.com' });
    expect(put.responses.map((r) => r.status)).toEqual(['201', '400', '401', '403', '404', '429', '500', '503']);
    const created = responseFor(put, 201)!;
    expect(created.headers.find((h) => h.name === 'X-VCAP-Request-ID')).toMatchObject({ required: true });
    expect(created.content.map((c) => c.mediaType)).toEqual(['application/json']);
    expect(exampleValue(put, 404, 'OrganizationNotFound')).toMatchObject({ error_code: 'CF-OrganizationNotFound' });
    expect(exampleValue(put, 404, 'NoSuchExample')).toBeUndefined();
    expect(successStatuses(byId('disassociateUserWithOrganizationByUsername'))).toEqual([200, 204]);
  });

  it('builds the request the contract shows: path and query examples, the first body example', () => {
    const request = exampleRequest(byId('disassociateUserWithOrganizationByUsername'));
    expect(request.path).toBe('/v2/organizations/f996b04a-68c3-4af7-bbf1-a13fd3880ae6/users');
    expect(request.query).toEqual({ recursive: 'true' });
    expect(request.body).toEqual({ mediaType: 'application/json', text: '{"username":"user@example.com"}' });
    expect(exampleRequest(byId('removeOrgMember'))).toEqual({
      path: '/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34',
      query: {},
      body: undefined,
    });
    // A form's example object is sent URL-encoded, as the media type says.
    const form = exampleRequest(byId('requestToken')).body;
    expect(form?.mediaType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(form!.text))).toMatchObject({ grant_type: 'password' });
  });

  it('lets the operation override a path-level parameter and falls back to a generated operationId', () => {
    const doc: OpenApiDocument = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/things/{id}': {
          parameters: [{ name: 'id', in: 'path', example: 'path-level' }],
          get: {
            parameters: [{ $ref: '#/components/parameters/Id' }],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
      components: { parameters: { Id: { name: 'id', in: 'path', example: 'operation-level' } } },
    };
    const [operation] = listOperations(doc);
    expect(operation?.operationId).toBe('GET /things/{id}');
    expect(operation?.parameters).toEqual([{ name: 'id', in: 'path', example: 'operation-level' }]);
    expect(operation?.dialect).toBeUndefined();
    expect(exampleRequest(operation!).path).toBe('/things/operation-level');
  });
});
