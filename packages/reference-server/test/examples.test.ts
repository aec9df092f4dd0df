import { exampleRequest, jsonContent, listOperations, loadDocument, successStatuses } from '@org-membership-api/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, mintToken } from '../src/index.js';
import { bearer, secret, startTestServer, tokens, type TestServer } from './support.js';

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
      const content = operation.requestBody?.content ?? [];
      const formContent = content.find((entry) => entry.mediaType === 'application/x-www-form-urlencoded');
      const examples = (jsonContent(content) ?? formContent)?.examples ?? [];
      // The token endpoint takes the cf client's Basic credentials; UAA's other routes a token with scim.read.
      const headers =
        operation.operationId === 'requestToken'
          ? { Authorization: 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded' }
          : bearer(
              operation.dialect?.id === 'cloudController'
                ? await tokens.admin()
                : operation.dialect?.id === 'uaa'
                  ? await mintToken({
                      secret,
                      scopes: ['cloud_controller.admin', 'scim.read'],
                      userId: fixtures.adminUserId,
                    })
                  : await tokens.member(),
            );
      const successes = successStatuses(operation);
      for (const example of examples.length ? examples : [{ value: undefined }]) {
        const form = formContent !== undefined && example.value !== undefined;
        const response = await server.call(operation.method, `${path}${search.size ? `?${search}` : ''}`, {
          headers,
          body: form ? new URLSearchParams(example.value as Record<string, string>).toString() : example.value,
        });
        // The refresh token of the example is signed with another UAA's key: no server of ours accepts it.
        if (form && (example.value as { grant_type?: unknown }).grant_type === 'refresh_token') {
          expect(response.status).toBe(401);
          expect((response.json as { error: string }).error).toBe('invalid_token');
          continue;
        }
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
