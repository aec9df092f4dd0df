import { exampleRequest, jsonContent, listOperations, loadDocument, successStatuses } from '@org-membership-api/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestServer, tokens, type TestServer } from './support.js';

// Every request the contract shows (path parameter examples, request body examples) succeeds
// on a seeded server, with one of the successes documented for it.
//
// Except one contradiction in the contract's examples, which no data can satisfy: the POST
// .../remove examples name user@example.com (and the other example users) in the `ldap`
// origin, while the other examples look the same usernames up without an origin (which
// must find exactly one user) or in `uaa`. The fixtures keep the published ones (uaa).
const contradictoryOrigin = 'ldap';

const operations = listOperations(loadDocument());

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the contract examples', () => {
  for (const operation of operations) {
    it(`${operation.operationId}`, async () => {
      const { path, query } = exampleRequest(operation);
      const search = new URLSearchParams(query);
      const examples = jsonContent(operation.requestBody?.content ?? [])?.examples ?? [];
      const token = operation.dialect?.id === 'cloudController' ? await tokens.admin() : await tokens.member();
      const successes = successStatuses(operation);
      for (const example of examples.length ? examples : [{ value: undefined }]) {
        const response = await server.call(operation.method, `${path}${search.size ? `?${search}` : ''}`, {
          headers: bearer(token),
          body: example.value,
        });
        if ((example.value as { origin?: unknown } | undefined)?.origin === contradictoryOrigin) {
          expect(response.status).toBe(404);
          expect((response.json as { error_code: string }).error_code).toBe('CF-UserWithOriginNotFound');
          continue;
        }
        expect(successes, JSON.stringify(example.value)).toContain(response.status);
      }
    });
  }
});
