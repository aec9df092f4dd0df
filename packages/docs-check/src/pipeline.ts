// One rebuild of every artifact from the contract source, in-process where the tools have a
// Node API (lint, bundle, types): each CLI start-up costs about a second. The docs are
// rendered by the Redocly CLI, whose renderer has no public API.
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  BaseResolver,
  bundle,
  getLineColLocation,
  lint,
  loadConfig,
  stringifyYaml,
  type Config,
} from '@redocly/openapi-core';
import { typesSource } from '../../../scripts/generate-types.mjs';
import { buildDocs } from './build-docs.js';

export interface Problem {
  file: string;
  line: number;
  column: number;
  severity: string;
  rule: string;
  message: string;
}

export interface RebuildResult {
  ok: boolean;
  problems: Problem[];
  timings: Record<string, number>;
}

export interface Pipeline {
  root: string;
  rebuild(): Promise<RebuildResult>;
}

/** Writes next to the target and renames, so readers (the mock, tests) never see half a file. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${Date.now()}-${process.pid}.tmp`);
  await writeFile(temporary, content);
  await rename(temporary, path);
}

export async function createPipeline(root: string, alias = 'openapi@v1'): Promise<Pipeline> {
  const config: Config = await loadConfig({ configPath: join(root, 'redocly.yaml') });
  const api = config.resolvedConfig.apis?.[alias];
  if (!api) throw new Error(`redocly.yaml has no API ${alias}`);
  const apiConfig = config.forAlias(alias);
  const source = join(root, api.root);
  const paths = {
    json: join(root, 'dist', 'openapi.json'),
    yaml: join(root, 'dist', 'openapi.yaml'),
    docs: join(root, 'dist', 'docs', 'index.html'),
    types: join(root, 'packages', 'types', 'src', 'openapi.d.ts'),
  };

  async function timed<T>(timings: Record<string, number>, name: string, step: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await step();
    } finally {
      timings[name] = Math.round(performance.now() - start);
    }
  }

  return {
    root,
    async rebuild() {
      const timings: Record<string, number> = {};
      // A fresh resolver each time: the default one caches the files it read.
      const lintProblems = await timed(timings, 'lint', () =>
        lint({ ref: source, config: apiConfig, externalRefResolver: new BaseResolver(apiConfig.resolve) }),
      );
      const problems: Problem[] = lintProblems.map((problem) => {
        const location = problem.location[0];
        const position = location ? getLineColLocation(location).start : { line: 0, col: 0 };
        return {
          file: location ? relative(root, location.source.absoluteRef) : api.root,
          line: position.line,
          column: position.col,
          severity: problem.severity,
          rule: problem.ruleId,
          message: problem.message,
        };
      });
      if (problems.some((problem) => problem.severity === 'error')) return { ok: false, problems, timings };

      const result = await timed(timings, 'bundle', async () => {
        const bundled = await bundle({
          ref: source,
          config: apiConfig,
          externalRefResolver: new BaseResolver(apiConfig.resolve),
        });
        const document = bundled.bundle.parsed as object;
        await Promise.all([
          writeAtomically(paths.json, `${JSON.stringify(document, null, 2)}\n`),
          writeAtomically(paths.yaml, stringifyYaml(document)),
        ]);
        return document;
      });
      await Promise.all([
        timed(timings, 'types', async () => {
          await writeAtomically(paths.types, await typesSource(result));
        }),
        timed(timings, 'docs', async () => {
          const temporary = `${paths.docs}.${process.pid}.tmp.html`;
          await buildDocs(paths.json, temporary, root);
          await rename(temporary, paths.docs);
        }),
      ]);
      return { ok: true, problems, timings };
    },
  };
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}  ${problem.severity}  ${problem.message}  (${problem.rule})`;
}
