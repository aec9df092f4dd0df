// The docs and the bundle are served next to the API; dynamic mode generates schema-valid bodies.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it, inject } from 'vitest';
import { defaultSpecPath } from '../src/index.js';
import {
  call,
  defaultSuccess,
  deref,
  doc,
  examplePath,
  needsBearer,
  ops,
  requestHeaders,
  validBody,
} from './helpers.js';

describe('docs and spec', () => {
  it('serves the rendered docs at /docs/', async () => {
    const answer = await call('GET', '/docs/');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('<title>Organization membership API</title>');
  });

  it.each(['/', '/docs'])('redirects %s to /docs/', async (path) => {
    const response = await fetch(inject('mockUrl') + path, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs/');
  });

  it('serves the bundle as JSON and YAML', async () => {
    const json = await call('GET', '/openapi.json');
    expect(json.json).toEqual(JSON.parse(readFileSync(defaultSpecPath, 'utf8')));
    const yaml = await call('GET', '/openapi.yaml');
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(yaml.text).toBe(readFileSync(defaultSpecPath.replace(/json$/, 'yaml'), 'utf8'));
  });
});

describe('dynamic responses', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormatsPlugin.default(ajv);
  ajv.addSchema({ components: doc.components }, 'bundle');
  const bodied = ops.filter((op) => defaultSuccess(op)[1].content);

  it.each(bodied.map((op) => [op.operationId, op] as const))(
    '%s: a generated body that fits the schema',
    async (_, op) => {
      const [status, response] = defaultSuccess(op);
      const schema = JSON.parse(
        JSON.stringify(response.content!['application/json']!.schema).replaceAll(
          '"#/components/',
          '"bundle#/components/',
        ),
      );
      const body = validBody(op);
      const answer = await call(op.method, examplePath(op), {
        base: inject('dynamicMockUrl'),
        headers: requestHeaders(op),
        ...(body !== undefined && { body }),
      });
      expect(answer.status).toBe(status);
      expect(ajv.validate(schema, answer.json), ajv.errorsText()).toBe(true);
      const examples = Object.values(response.content!['application/json']!.examples ?? {}).map(
        (e) => deref(doc, e).value,
      );
      expect(examples).not.toContainEqual(answer.json);
    },
  );

  it('still answers the contract example for errors the mock itself decides (no token)', async () => {
    const op = bodied.find(needsBearer)!;
    const answer = await call(op.method, examplePath(op), { base: inject('dynamicMockUrl'), headers: {} });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error_code: 'CF-NotAuthenticated' });
  });

  it('generates on the static mock too when asked with Prefer: dynamic=true', async () => {
    const op = bodied.find((o) => o.requestBody !== undefined && needsBearer(o))!;
    const [, response] = defaultSuccess(op);
    const answer = await call(op.method, examplePath(op), {
      headers: requestHeaders(op, { prefer: 'dynamic=true' }),
      body: validBody(op)!,
    });
    const examples = Object.values(response.content!['application/json']!.examples ?? {}).map(
      (e) => deref(doc, e).value,
    );
    expect(examples).not.toContainEqual(answer.json);
    expect(answer.json).toHaveProperty('metadata');
  });
});

describe('browsers', () => {
  it('answers a CORS preflight and marks answers to cross-origin requests, as Prism does', async () => {
    const preflight = await call('OPTIONS', '/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34', {
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
    const answer = await call('DELETE', '/organization/members/3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34', {
      headers: { origin: 'http://localhost:3000', authorization: 'Bearer t' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });
});
