import { exampleRequest, jsonContent, listOperations, loadDocument, successStatuses } from '@org-membership-api/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestServer, tokens, type TestServer } from './support.js';

// Every request the contract shows (path parameter examples, request body examples) succeeds
// on a seeded server, with one of the successes documented for it.

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
        expect(successes).toContain(response.status);
      }
    });
  }
});
