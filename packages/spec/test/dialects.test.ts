// The API dialects (`x-api-dialects`) are data in the contract: each names examples that
// the operations of its API document, and a broken table is refused with the reason.
import { describe, expect, it } from 'vitest';
import {
  dialectForPath,
  errorsForOperation,
  errorsForPath,
  exampleValue,
  listOperations,
  loadDocument,
  readApiDialects,
  responseFor,
  sourceApiDialects,
} from '../src/index.js';

const document = loadDocument();
const dialects = readApiDialects(document);

describe('the dialect table', () => {
  it('is kept by the bundle, equal to the source', () => {
    expect(dialects.map((dialect) => dialect.id)).toEqual(['cloudController', 'uaa', 'members']);
    expect(sourceApiDialects()).toEqual(dialects);
  });

  it('claims every operation of the contract', () => {
    for (const operation of listOperations(document))
      expect(operation.dialect, `${operation.method} ${operation.path}`).toBeDefined();
  });

  it('names, for every kind of error, an example of that status on every operation of the API that documents it', () => {
    const missing: string[] = [];
    for (const operation of listOperations(document)) {
      for (const [kind, ref] of Object.entries(operation.errors)) {
        if (!responseFor(operation, ref.status)) continue;
        if (exampleValue(operation, ref.status, ref.example) === undefined)
          missing.push(`${operation.operationId} ${kind}: ${ref.status} ${ref.example}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names an error schema of the document and the request-id header each response carries', () => {
    for (const dialect of dialects) expect(document.components?.schemas?.[dialect.errorSchema]).toBeDefined();
    for (const operation of listOperations(document))
      for (const response of operation.responses)
        expect(
          response.headers.map((header) => header.name),
          `${operation.operationId} ${response.status}`,
        ).toContain(operation.dialect!.requestIdHeader);
  });

  it('drops the kinds an operation sets to null in x-dialect-errors, and refuses an unknown kind', () => {
    const cloudController = dialects.find((dialect) => dialect.id === 'cloudController')!;
    const traits = { secured: true, pathParameters: true, input: true };
    const path = '/v2/organizations/{guid}/users/{user_guid}';
    expect(errorsForOperation(cloudController, path, traits).invalidRequest).toBeDefined();
    const none = errorsForOperation(cloudController, path, traits, { 'x-dialect-errors': { invalidRequest: null } });
    expect(none.invalidRequest).toBeUndefined();
    expect(none.missingToken).toBeDefined();
    expect(() =>
      errorsForOperation(cloudController, path, traits, { 'x-dialect-errors': { malformedThing: null } }),
    ).toThrow(/unknown error kind malformedThing/);
    // The removals by user guid read nothing that can be malformed.
    const removal = listOperations(document).find(
      (operation) => operation.operationId === 'removeUserFromOrganization',
    )!;
    expect(removal.errors.invalidRequest).toBeUndefined();
  });

  it("gives a path the errors of its longest matching errorsByPathPrefix entry over the dialect's", () => {
    const cloudController = dialects.find((dialect) => dialect.id === 'cloudController')!;
    expect(errorsForPath(cloudController, '/v2/spaces/{guid}/developers').invalidPathParameter).toEqual({
      status: 404,
      example: 'SpaceNotFound',
    });
    expect(errorsForPath(cloudController, '/v2/organizations/{guid}/users').invalidPathParameter).toEqual({
      status: 404,
      example: 'OrganizationNotFound',
    });
    expect(errorsForPath(cloudController, '/v2/spaces/x/managers').missingToken).toEqual(
      cloudController.errors.missingToken,
    );
    const table = (byPrefix: object) => ({
      'x-api-dialects': [
        {
          id: 'a',
          name: 'A',
          pathPrefixes: ['/a/'],
          requestIdHeader: 'X-Request-Id',
          errorSchema: 'E',
          errors: { invalidPathParameter: { status: 404, example: 'NotFound' } },
          errorsByPathPrefix: byPrefix,
          unknownRoute: { status: 404, body: {} },
        },
      ],
    });
    const [nested] = readApiDialects(
      table({ '/a/b/': { invalidPathParameter: { status: 404, example: 'BNotFound' } } }),
    );
    expect(errorsForPath(nested!, '/a/b/1').invalidPathParameter?.example).toBe('BNotFound');
    expect(errorsForPath(nested!, '/a/c/1').invalidPathParameter?.example).toBe('NotFound');
    expect(() => readApiDialects(table({ '/z/': {} }))).toThrow(/outside the dialect's pathPrefixes/);
    expect(() => readApiDialects(table({ '/a/b/': { bogus: { status: 1, example: 'x' } } }))).toThrow(
      /unknown error kind/,
    );
  });

  it('finds the dialect of a request path, with or without the server base path', () => {
    expect(dialectForPath(dialects, '/v2/organizations/x/users?recursive=true')?.id).toBe('cloudController');
    expect(dialectForPath(dialects, '/organization/members/x')?.id).toBe('members');
    expect(dialectForPath(dialects, '/v1/organization/members/x')?.id).toBe('members');
    expect(dialectForPath(dialects, '/v3/apps')).toBeUndefined();
    // Exact paths: the root document and UAA's endpoints, not what merely starts with them.
    expect(dialectForPath(dialects, '/')?.id).toBe('cloudController');
    expect(dialectForPath(dialects, '/?x=1')?.id).toBe('cloudController');
    expect(dialectForPath(dialects, '/oauth/token')?.id).toBe('uaa');
    expect(dialectForPath(dialects, '/Users?filter=x')?.id).toBe('uaa');
    expect(dialectForPath(dialects, '/login')?.id).toBe('uaa');
    expect(dialectForPath(dialects, '/loginx')).toBeUndefined();
  });

  it("gives each operation only the errors it can meet, with its own over its dialect's", () => {
    const byId = new Map(listOperations(document).map((operation) => [operation.operationId, operation]));
    // Open to anyone: no token errors.
    expect(byId.get('getInfo')!.errors.missingToken).toBeUndefined();
    expect(byId.get('getLoginInfo')!.errors).toEqual({});
    // A list answers a malformed query with its own error, not the body error of its dialect.
    expect(byId.get('listOrganizations')!.errors.invalidRequest).toEqual({ status: 400, example: 'BadQueryParameter' });
    expect(byId.get('listOrganizations')!.errors.invalidPathParameter).toBeUndefined();
    expect(byId.get('associateUserWithOrganizationByUsername')!.errors.invalidRequest).toEqual({
      status: 400,
      example: 'MessageParseError',
    });
    expect(byId.get('searchUsers')!.errors.missingToken).toEqual({
      status: 401,
      example: 'FullAuthenticationRequired',
    });
  });

  it('refuses a malformed table, naming the entry and the field', () => {
    const table = (entry: unknown) => ({ 'x-api-dialects': [entry] });
    const valid = {
      id: 'a',
      name: 'A',
      pathPrefixes: ['/a/'],
      requestIdHeader: 'X-Id',
      errorSchema: 'Error',
      errors: { missingToken: { status: 401, example: 'Missing' } },
      unknownRoute: { status: 404, body: {} },
    };
    expect(readApiDialects(table(valid))[0]?.errors.missingToken).toEqual({ status: 401, example: 'Missing' });
    expect(readApiDialects({})).toEqual([]);
    expect(() => readApiDialects({ 'x-api-dialects': {} })).toThrow(/must be a list/);
    expect(() => readApiDialects(table({ ...valid, pathPrefixes: ['a/'] }))).toThrow(/a: pathPrefixes/);
    expect(() => readApiDialects(table({ ...valid, errors: { tokenMissing: { status: 401, example: 'x' } } }))).toThrow(
      /unknown error kind tokenMissing/,
    );
    expect(() =>
      readApiDialects(table({ ...valid, errors: { missingToken: { status: 4010, example: 'x' } } })),
    ).toThrow(/status must be an HTTP status/);
    expect(() => readApiDialects(table({ ...valid, requestIdHeader: '' }))).toThrow(/requestIdHeader/);
  });
});
