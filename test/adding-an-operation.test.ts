// Adding an operation to the contract is data: a new path file and its example, referenced
// from a copy of openapi/openapi.yaml, is bundled by the spec package's build, served by the
// mock, planned by the contract checks, listed by the docs check and probed by the benchmarks,
// with no code change anywhere.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockProbes } from '@org-membership-api/bench';
import { buildPlan } from '@org-membership-api/contract';
import { pageExpectations } from '@org-membership-api/docs-check';
import { startMock } from '@org-membership-api/mock';
import {
  contractPaths,
  exampleValue,
  listOperations,
  loadDocument,
  paths,
  type OpenApiDocument,
} from '@org-membership-api/spec';
import { runStep } from '@org-membership-api/spec/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const fixture = join(import.meta.dirname, 'fixtures', 'new-operation');
const newPath = '/organization/members/{userId}/sessions';
const userId = '7c4d2e1f-8a9b-4c3d-9e2f-1a2b3c4d5e6f';

describe('an operation added to a copy of the contract', { timeout: 120_000 }, () => {
  let root: string;
  let bundle: OpenApiDocument;
  let mock: Awaited<ReturnType<typeof startMock>>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'new-operation-'));
    const copy = contractPaths(root);
    cpSync(paths.sourceDir, copy.sourceDir, { recursive: true });
    cpSync(paths.redoclyConfig, copy.redoclyConfig);
    cpSync(join(fixture, 'paths'), join(copy.sourceDir, 'paths'), { recursive: true });
    cpSync(join(fixture, 'examples'), join(copy.sourceDir, 'components', 'examples'), { recursive: true });
    const rootDocument = readFileSync(copy.sourceRoot, 'utf8');
    const withPath = rootDocument.replace(
      '\ncomponents:\n',
      `\n  ${newPath}:\n    $ref: paths/organization_members_{userId}_sessions.yaml\ncomponents:\n`,
    );
    expect(withPath).not.toBe(rootDocument);
    writeFileSync(copy.sourceRoot, withPath);

    const lint = await runStep('lint', copy);
    expect(lint.code, lint.output).toBe(0);
    const bundled = await runStep('bundle', copy);
    expect(bundled.code, bundled.output).toBe(0);
    bundle = loadDocument(copy.bundleJson);
    mock = await startMock({ port: 0, specPath: copy.bundleJson });
    // The Redocly CLI takes seconds per run on a busy machine.
  }, 120_000);
  afterAll(async () => {
    await mock?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is in the bundle, in the API the table gives its path', () => {
    const operation = listOperations(bundle).find((candidate) => candidate.path === newPath);
    expect(operation).toMatchObject({ method: 'DELETE', operationId: 'revokeMemberSessions' });
    expect(operation?.dialect?.id).toBe('members');
    expect(exampleValue(operation!, 200, 'SessionsRevoked')).toEqual({ revoked: 3 });
  });

  it('is served by the mock: its example, the API error shape without a token, any documented status on request', async () => {
    const url = `${mock.url}/organization/members/${userId}/sessions`;
    const call = (headers: Record<string, string>) =>
      fetch(url, { method: 'DELETE', headers, signal: AbortSignal.timeout(10_000) });
    const answered = await call({ authorization: 'bearer any-token' });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ revoked: 3 });
    expect(answered.headers.get('x-request-id')).toBeTruthy();
    const noToken = await call({});
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ code: 'missing_token' });
    const limited = await call({ authorization: 'bearer any-token', prefer: 'code=429, example=TooManyRequests' });
    expect(limited.status).toBe(429);
    const underBasePath = await fetch(`${mock.url}/v1/organization/members/${userId}/sessions`, {
      method: 'DELETE',
      headers: { authorization: 'bearer any-token' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(underBasePath.status).toBe(200);
  });

  it('gets a contract check transaction for each of its responses', () => {
    const plans = buildPlan(bundle, 'mock', {}).filter((plan) => plan.path === newPath);
    expect(plans.map((plan) => plan.status).sort()).toEqual([200, 400, 401, 403, 429, 500]);
    for (const plan of plans) {
      expect(plan.skip, plan.name).toBeUndefined();
      expect(plan.request?.path).toBe(`/organization/members/${userId}/sessions`);
      expect(plan.request?.headers['Prefer']).toMatch(new RegExp(`^code=${plan.status}`));
    }
    expect(plans.find((plan) => plan.status === 401)?.example).toBe('InvalidToken');
  });

  it('is listed by the docs check with the example values a reader must see', () => {
    const listed = pageExpectations(bundle).find((operation) => operation.path === newPath);
    expect(listed?.summary).toBe('Revoke member sessions');
    expect(listed?.exampleValues).toContain(userId);
    expect(listed?.responseExamples.find((response) => response.status === '200')).toEqual({
      status: '200',
      titles: ['Three sessions revoked'],
      firstValues: ['3'],
    });
  });

  it("is probed by the benchmarks' mock run, and the mock answers the probe with its documented success", async () => {
    const probe = mockProbes(bundle).find((candidate) => candidate.operation === `DELETE ${newPath}`);
    expect(probe?.expectedStatus).toBe(200);
    const answered = await fetch(mock.url + probe!.request.path, {
      method: probe!.request.method,
      headers: probe!.request.headers as Record<string, string>,
      signal: AbortSignal.timeout(10_000),
    });
    expect(answered.status).toBe(probe!.expectedStatus);
  });
});
