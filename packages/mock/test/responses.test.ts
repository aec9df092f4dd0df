// Every operation's default success and every documented response, by every named example,
// selected with Prefer and with the __code/__example query, compared with the contract.
import { request as httpRequest } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import {
  asServed,
  call,
  defaultSuccess,
  examplePath,
  examplesOf,
  expectDocumentedHeaders,
  ops,
  requestHeaders,
  responses,
  validBody,
  validRequest,
  type Operation,
  type Response,
} from './helpers.js';

interface Selection {
  op: Operation;
  status: number;
  response: Response;
  /** The example's name; none for a response without a body. */
  name: string | undefined;
  value: unknown;
  label: string;
}

const selections = ops.flatMap((op) =>
  responses(op).flatMap(([status, response]): Selection[] => {
    const examples = examplesOf(response);
    return examples.length
      ? examples.map(([name, value]) => ({
          op,
          status,
          response,
          name,
          value,
          label: `${op.operationId} ${status} ${name}`,
        }))
      : [{ op, status, response, name: undefined, value: undefined, label: `${op.operationId} ${status} (no body)` }];
  }),
);

describe('default success', () => {
  it.each(ops.map((op) => [op.operationId, op] as const))(
    '%s answers its lowest 2xx with the first example',
    async (_, op) => {
      const [status, response] = defaultSuccess(op);
      const answer = await validRequest(op);
      expect(answer.status).toBe(status);
      const first = examplesOf(response)[0];
      if (first) {
        expect(answer.json).toEqual(asServed(op, status, first[1]));
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      } else {
        expect(answer.text).toBe('');
      }
      expect(expectDocumentedHeaders(response, answer.headers)).toEqual([]);
    },
  );
});

describe('Prefer: code=…, example=…', () => {
  it.each(selections.map((s) => [s.label, s] as const))('%s', async (_, { op, status, response, name, value }) => {
    const prefer = name ? `code=${status}, example=${name}` : `code=${status}`;
    const answer = await validRequest(op, { prefer });
    expect(answer.status).toBe(status);
    if (name) {
      expect(JSON.parse(answer.text)).toEqual(asServed(op, status, value));
      expect(answer.headers.get('content-type')).toMatch(
        response.content?.['application/json'] ? /^application\/json/ : /^text\/plain/,
      );
    } else {
      expect(answer.text).toBe('');
      expect(answer.headers.get('content-type')).toBeNull();
    }
    expect(expectDocumentedHeaders(response, answer.headers)).toEqual([]);
  });
});

describe('?__code=…&__example=…', () => {
  it.each(selections.map((s) => [s.label, s] as const))('%s', async (_, { op, status, name, value }) => {
    const query = new URLSearchParams({ __code: String(status), ...(name && { __example: name }) });
    const body = validBody(op);
    const answer = await call(op.method, `${examplePath(op)}?${query}`, {
      headers: requestHeaders(op),
      ...(body !== undefined && { body }),
    });
    expect(answer.status).toBe(status);
    if (name) expect(JSON.parse(answer.text)).toEqual(asServed(op, status, value));
    else expect(answer.text).toBe('');
  });
});

describe('selection errors', () => {
  const put = ops.find((op) => op.operationId === 'associateUserWithOrganizationByUsername')!;

  it('names the examples when the asked-for one does not exist (Prism would fall back to a success)', async () => {
    const answer = await validRequest(put, { prefer: 'code=404, example=NoSuchExample' });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toMatchObject({
      detail: expect.stringContaining('OrganizationNotFound, UserNotFound, UserWithOriginNotFound'),
    });
  });

  it('refuses a status the operation does not document', async () => {
    const answer = await validRequest(put, { prefer: 'code=418' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ detail: 'Requested status code 418 is not defined in the document.' });
  });

  it('refuses a Prefer it cannot read', async () => {
    const answer = await validRequest(put, { prefer: 'code=abc' });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('204', () => {
  it.each(selections.filter((s) => s.status === 204).map((s) => [s.label, s] as const))(
    '%s: no body and no Content-Type, also for a client that sends no Accept header',
    async (_, { op }) => {
      const body = validBody(op);
      const headers: Record<string, string> = {
        authorization: 'bearer t',
        prefer: 'code=204',
        ...(body && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      };
      // node:http adds no Accept header (fetch would send */*).
      const answer = await new Promise<{ status: number; contentType: string | undefined; text: string }>(
        (resolve, reject) => {
          const req = httpRequest(
            new URL(examplePath(op), inject('mockUrl')),
            { method: op.method, headers, timeout: 5_000 },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text }),
              );
            },
          );
          req.on('error', reject);
          req.end(body);
        },
      );
      expect(answer).toEqual({ status: 204, contentType: undefined, text: '' });
    },
  );
});
