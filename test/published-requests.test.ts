// The published pages' own requests, sent to the mock exactly as their cURL commands send
// them (only the host changed), get the status and body the pages document.
import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import type {} from './global-setup.js';
import { cloudControllerDocsPages, cloudControllerPages, membersPage } from './support/source-pages.js';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The method, URL, headers and body of a page's cURL command. */
function parseCurl(curl: string) {
  const url = /^curl "([^"]+)"/.exec(curl)?.[1];
  const method = /-X (\w+)/.exec(curl)?.[1];
  const body = /-d '([\s\S]*?)'/.exec(curl)?.[1];
  const headers = [...curl.matchAll(/-H "([^"]*)"/g)].map(([, header]) => {
    const colon = header!.indexOf(':');
    return [header!.slice(0, colon), header!.slice(colon + 1).trim()] as [string, string];
  });
  if (!url || !method) throw new Error(`cannot read the cURL command:\n${curl}`);
  return { url, method, body, headers };
}

/** Sends a request byte for byte: node:http keeps the Host and empty Cookie headers as given. */
function send(url: string, method: string, headers: Array<[string, string]>, body: string | undefined): Promise<Sent> {
  // What curl adds by itself (a Host header of its own only when the command gives none).
  const given = (name: string) => headers.some(([header]) => header.toLowerCase() === name);
  const all: Array<[string, string]> = [
    ...(given('accept') ? [] : [['Accept', '*/*'] as [string, string]]),
    ...headers,
  ];
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) all.unshift(['Host', new URL(url).host]);
  if (body !== undefined) all.push(['Content-Length', String(Buffer.byteLength(body))]);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: all.flat(), timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const pages = cloudControllerPages();

describe('Cloud Controller pages', () => {
  it('are all here', () => {
    expect(pages.map((page) => `${page.method} ${page.path}`).sort()).toEqual([
      'DELETE /v2/organizations/{guid}/auditors',
      'DELETE /v2/organizations/{guid}/billing_managers',
      'DELETE /v2/organizations/{guid}/users',
      'PUT /v2/organizations/{guid}/users',
    ]);
  });

  it.each(pages.map((page) => [page.title, page] as const))(
    '%s: the cURL request gets the documented answer',
    async (_, page) => {
      const curl = parseCurl(page.curl);
      // The command's headers are the ones the page lists for the request.
      expect(Object.fromEntries(curl.headers)).toEqual(page.requestHeaders);
      expect(curl.method).toBe(page.method);

      const url = curl.url.replace('https://api.[your-domain.com]', `${inject('mockUrl')}/`);
      const answer = await send(url, curl.method, curl.headers, curl.body);

      expect(answer.status).toBe(page.status);
      expect(JSON.parse(answer.body)).toEqual(page.responseBody);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['x-content-type-options']).toBe(page.responseHeaders['X-Content-Type-Options']);
      expect(answer.headers['x-vcap-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});

describe("Cloud Controller's published v2 reference pages", () => {
  it.each(cloudControllerDocsPages().map((page) => [page.page, page] as const))(
    '%s: the cURL request gets the documented answer',
    async (_, page) => {
      const curl = parseCurl(page.curl);
      expect(curl.method).toBe(page.method);
      const url = curl.url.replace('https://api.[your-domain.com]', `${inject('mockUrl')}/`);
      const answer = await send(url, curl.method, curl.headers, curl.body);

      expect(answer.status).toBe(page.status);
      if (page.responseBody === null) expect(answer.body).toBe('');
      else expect(JSON.parse(answer.body)).toEqual(page.responseBody);
      expect(answer.headers['x-vcap-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});

describe('Aerospike Cloud page', () => {
  const page = membersPage();
  const path = page.path.replace('{userId}', '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34');

  it.each(page.responses.map((response) => [response.status, response] as const))(
    'DELETE %s: the documented response and example',
    async (status, response) => {
      const url = `${inject('mockUrl')}${path}`;
      const answer = await send(
        url,
        page.method,
        [
          ['Authorization', 'Bearer token'],
          ['Prefer', `code=${status}`],
        ],
        undefined,
      );
      expect(answer.status).toBe(status);
      expect(answer.headers['x-request-id']).toBe(page.requestIdExample);
      if (status === 204) {
        // The page shows the schema placeholder `{}`; a 204 carries no body.
        expect(response.example).toEqual({});
        expect(answer.body).toBe('');
      } else {
        expect(JSON.parse(answer.body)).toEqual(response.example);
      }
    },
  );
});
