import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestServer, tokens, type TestServer } from './support.js';

// Every request the contract shows (path parameter examples, request body examples) succeeds
// on a seeded server, with one of the successes documented for it.

interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  $ref?: string;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: {
    $ref?: string;
    content: Record<string, { examples?: Record<string, { value?: unknown; $ref?: string }> }>;
  };
  responses: Record<string, unknown>;
}
const bundle = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../dist/openapi.json', import.meta.url)), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};
const resolve = <T>(node: T): T => {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node;
  const [, , kind, name] = ref.split('/');
  return bundle.components[kind!]![name!] as T;
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the contract examples', () => {
  for (const [template, item] of Object.entries(bundle.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['put', 'delete'].includes(method)) continue;
      it(`${operation.operationId}`, async () => {
        const parameters = (operation.parameters ?? []).map(resolve);
        let path = template;
        const query = new URLSearchParams();
        for (const p of parameters) {
          if (p.in === 'path') path = path.replace(`{${p.name}}`, String(p.example));
          if (p.in === 'query' && p.example !== undefined) query.set(p.name, String(p.example));
        }
        const examples = Object.values(
          (operation.requestBody && resolve(operation.requestBody))?.content['application/json']?.examples ?? {},
        ).map(resolve);
        const token = template.startsWith('/v2/') ? await tokens.admin() : await tokens.member();
        const successes = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
        for (const example of examples.length ? examples : [{ value: undefined }]) {
          const response = await server.call(method.toUpperCase(), `${path}${query.size ? `?${query}` : ''}`, {
            headers: bearer(token),
            body: example.value,
          });
          expect(successes).toContain(String(response.status));
        }
      });
    }
  }
});
