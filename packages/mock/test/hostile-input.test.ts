// Input meant to break the mock: field names no header can carry, control characters, huge
// names, bytes that are not UTF-8, NUL. Every request gets a status its operation documents,
// every header stays ASCII, and the process keeps serving.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../src/index.js';
import { headerValue, violationsHeader } from '../src/stages/reply.js';
import {
  bodyFitsContract,
  defaultSuccess,
  examplePath,
  isCloudController,
  isMembers,
  ops,
  responses,
} from './helpers.js';
import { rawExchange, rawRequest } from './raw-http.js';

const cfPut = ops.find((op) => op.operationId === 'associateUserWithOrganizationByUsername')!;
const members = ops.find(isMembers)!;
const auth = { Authorization: 'bearer t', 'Content-Type': 'application/json' };
const snowmanBody = '{"username":"x","☃":1}';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.close());

const documentedStatuses = (op: (typeof ops)[number]) => new Set(responses(op).map(([status]) => status));
const asciiOnly = (text: string) => /^[\t\r\n\x20-\x7e]*$/.test(text);

describe('a field name outside Latin-1', () => {
  it('gets the documented answer, with sl-violations as ASCII JSON naming the field', async () => {
    const answer = await rawExchange(mock.url, rawRequest('PUT', examplePath(cfPut), auth, snowmanBody));
    expect(asciiOnly(answer.head)).toBe(true);
    if (bodyFitsContract(cfPut, JSON.parse(snowmanBody))) {
      expect(answer.status).toBe(defaultSuccess(cfPut)[0]);
    } else {
      expect(answer.status).toBe(400);
      const violations = JSON.parse(answer.headers.get('sl-violations')!) as Array<{ message: string }>;
      expect(violations.map((v) => v.message).join()).toContain('☃');
    }
    const next = await rawExchange(
      mock.url,
      rawRequest('PUT', examplePath(cfPut), auth, '{"username":"user@example.com"}'),
    );
    expect(next.status).toBe(defaultSuccess(cfPut)[0]);
  });

  // Starts a process: under load, start-up alone can take longer than the default timeout.
  it('does not end the mock process (pnpm mock)', { timeout: 60_000 }, async () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0'], {
      cwd: packageDir,
      env: { ...process.env, MOCK_HOST: '', MOCK_PORT: '', MOCK_DYNAMIC: '', MOCK_LOG: '' },
    });
    try {
      let stdout = '';
      const api = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk;
          const url = /API +(http:\/\/\S+)\n/.exec(stdout)?.[1];
          if (url && stdout.includes('Press Ctrl-C')) resolve(url);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await rawExchange(api, rawRequest('PUT', examplePath(cfPut), auth, snowmanBody)).catch(() => undefined);
      const stillServing = await Promise.race([
        rawExchange(api, rawRequest('DELETE', examplePath(members), { Authorization: 'bearer t' })).then(
          (answer) => answer.status,
        ),
        exited.then(() => 'exited'),
      ]).catch(() => 'no answer');
      expect(stillServing).toBe(204);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('odd input of every kind', () => {
  const cases: Array<[string, Buffer | string]> = [
    ['a snowman key', snowmanBody],
    ['an emoji key', '{"username":"x","😀":1}'],
    ['a lone surrogate key', '{"username":"x","\\ud800":1}'],
    ['a right-to-left override key', '{"username":"x","\u202e":1}'],
    ['a Latin-1 key', '{"username":"x","ÿ":1}'],
    ['escaped control characters in a key', '{"username":"x","\\u0001\\u001f\\r\\n":1}'],
    ['an escaped NUL key', '{"username":"x","\\u0000":1}'],
    ['a raw NUL inside a string', '{"username":"x","a\u0000b":1}'],
    ['a NUL body', '\u0000'],
    ['a 60 KB key', `{"username":"x","${'k'.repeat(60_000)}":1}`],
    ['a 60 KB key of snowmen', `{"username":"x","${'☃'.repeat(20_000)}":1}`],
    ['a thousand unicode keys', `{"username":"x",${Array.from({ length: 1000 }, (_, i) => `"☃${i}":1`).join(',')}}`],
    [
      'bytes that are not UTF-8 in a key',
      Buffer.concat([Buffer.from('{"username":"x","'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('":1}')]),
    ],
    ['bytes that are not UTF-8 as the body', Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc])],
    ['a unicode username', '{"username":"☃"}'],
    ['a unicode origin', '{"username":"x","origin":"☃"}'],
    ['an object for username, keyed by a snowman', '{"username":{"☃":1}}'],
  ];

  it.each(cases.map(([name, body]) => [name, body] as const))('%s', async (_, body) => {
    for (const op of [cfPut, members]) {
      const answer = await rawExchange(mock.url, rawRequest(op.method, examplePath(op), auth, body));
      expect(documentedStatuses(op), `${op.operationId}: ${answer.status}`).toContain(answer.status);
      expect(asciiOnly(answer.head), answer.head).toBe(true);
      expect(answer.head.length).toBeLessThan(8 * 1024);
    }
  });

  it.each([
    ['a unicode guid', 'PUT', '/v2/organizations/%E2%98%83/users'],
    ['a unicode user id', 'DELETE', '/organization/members/%E2%98%83'],
    [
      'a unicode recursive',
      'DELETE',
      '/v2/organizations/6f0e3308-1340-4682-937e-7b8186f5431e/users?recursive=%E2%98%83',
    ],
    ['a unicode __code', 'PUT', '/v2/organizations/6f0e3308-1340-4682-937e-7b8186f5431e/users?__code=%E2%98%83'],
    ['a unicode __example', 'PUT', '/v2/organizations/6f0e3308-1340-4682-937e-7b8186f5431e/users?__example=%E2%98%83'],
  ])('%s in the target', async (_, method, target) => {
    const answer = await rawExchange(mock.url, rawRequest(method, target, auth, '{"username":"x"}'));
    expect(answer.status).toBeLessThan(500);
    expect(asciiOnly(answer.head), answer.head).toBe(true);
  });

  it.each([
    ['Prefer', { Prefer: 'code=400, example=\u00e9\u00ff' }],
    ['Origin (echoed for CORS)', { Origin: 'http://\u00e9.example' }],
    [
      'Access-Control-Request-Headers (echoed for CORS)',
      { Origin: 'http://a', 'Access-Control-Request-Headers': '\u00e9' },
    ],
  ])('bytes above 0x7f in %s', async (_, headers) => {
    const answer = await rawExchange(
      mock.url,
      rawRequest('PUT', examplePath(cfPut), { ...auth, ...headers }, '{"username":"x"}'),
    );
    expect(answer.status).toBeLessThan(500);
    expect(asciiOnly(answer.head), answer.head).toBe(true);
  });

  it('leaves the mock serving', async () => {
    const answer = await rawExchange(mock.url, rawRequest('PUT', examplePath(cfPut), auth, '{"username":"u"}'));
    expect(answer.status).toBe(defaultSuccess(cfPut)[0]);
  });
});

describe('header values', () => {
  it('percent-encode what is not printable ASCII, lone surrogates as U+FFFD', () => {
    expect(headerValue('plain text')).toBe('plain text');
    expect(headerValue(42)).toBe(42);
    expect(headerValue('☃ é\u0000\r\n😀')).toBe('%E2%98%83%20%C3%A9%00%0D%0A%F0%9F%98%80'.replace('%20', ' '));
    expect(headerValue('a\ud800b')).toBe('a%EF%BF%BDb');
  });

  it('sl-violations stays JSON that reads back to the same text, clipped in length and number', () => {
    const header = violationsHeader([
      { location: ['request', 'body', '☃'.repeat(1000)], code: 'additionalProperties', message: 'found ☃\u0000' },
      ...Array.from({ length: 50 }, () => ({ location: ['request'], code: 'x', message: 'm' })),
    ]);
    expect(asciiOnly(header)).toBe(true);
    const parsed = JSON.parse(header) as Array<{ location: string[]; message: string }>;
    expect(parsed[0]!.message).toBe('found ☃\u0000');
    expect(parsed[0]!.location[2]!.length).toBeLessThan(300);
    expect(parsed.length).toBeLessThanOrEqual(10);
  });
});
