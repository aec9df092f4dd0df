// The served docs in Debian's Chromium: every operation of the bundle is listed, opens and
// shows its published example values; no console errors; no requests to other hosts.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '@org-membership-api/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from '../src/build-docs.js';
import { checkDocsPage, describeProblems } from '../src/docs-page.js';
import { listOperations, withoutOperation, type OpenApiDocument } from '../src/operations.js';
import { repoRoot } from '../src/paths.js';

const bundlePath = join(repoRoot, 'dist', 'openapi.json');
const screenshotDir = join(repoRoot, 'reports', 'docs');
let bundle: OpenApiDocument;

beforeAll(async () => {
  bundle = JSON.parse(await readFile(bundlePath, 'utf8')) as OpenApiDocument;
});

describe('operations derived from the bundle', () => {
  it('lists every operation with example values to look for', () => {
    const operations = listOperations(bundle);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      expect(operation.summary, operation.operationId).not.toBe('');
      expect(operation.exampleValues.length, `${operation.operationId} has published example values`).toBeGreaterThan(0);
    }
  });
});

describe('docs served by the mock', () => {
  let mock: Awaited<ReturnType<typeof startMock>>;
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('show every operation with its published example, without console errors', async () => {
    const report = await checkDocsPage({ docsUrl: mock.docsUrl, bundle, screenshotDir });
    expect(describeProblems(report)).toEqual([]);
    expect(report.operations).toHaveLength(listOperations(bundle).length);
    expect(report.screenshots.length).toBeGreaterThan(0);
  });
});

describe('a page built from a bundle that lacks one operation', () => {
  let workDir: string;
  let mock: Awaited<ReturnType<typeof startMock>>;
  let removed: string;
  beforeAll(async () => {
    const [first] = listOperations(bundle);
    if (!first) throw new Error('the bundle has no operation');
    removed = `${first.method} ${first.path}`;
    workDir = await mkdtemp(join(tmpdir(), 'docs-check-'));
    await mkdir(join(workDir, 'docs'));
    const reducedPath = join(workDir, 'openapi.json');
    await writeFile(reducedPath, JSON.stringify(withoutOperation(bundle, first.operationId)));
    await buildDocs(reducedPath, join(workDir, 'docs', 'index.html'));
    mock = await startMock({ port: 0, specPath: reducedPath });
  });
  afterAll(async () => {
    await mock?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('is reported as missing that operation, and only that one', async () => {
    const report = await checkDocsPage({ docsUrl: mock.docsUrl, bundle });
    expect(report.missingOperations).toEqual([removed]);
    expect(describeProblems(report)).toEqual([`not listed on the page: ${removed}`]);
  });
});
