// Every input and output of the contract build, in one place. Everything else in the
// workspace takes these paths from here; tests that build a copy of the contract pass the
// copy's root to `contractPaths`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ContractPaths {
  /** The repository (or a copy of the contract laid out the same way). */
  root: string;
  /** The hand-written contract: `openapi/`. */
  sourceDir: string;
  /** Its root document: `openapi/openapi.yaml`. */
  sourceRoot: string;
  /** Lint rules and Redoc options: `redocly.yaml`. */
  redoclyConfig: string;
  /** Where the build writes: `dist/`. */
  distDir: string;
  /** The bundle everything else consumes: `dist/openapi.json`. */
  bundleJson: string;
  /** The same bundle as YAML: `dist/openapi.yaml`. */
  bundleYaml: string;
  /** The rendered docs: `dist/docs/index.html`. */
  docsHtml: string;
  /** The generated types, committed: `packages/types/src/openapi.d.ts`. */
  typesFile: string;
}

/** The repository this package lives in (packages/spec/src → ../../..). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function contractPaths(root: string = repoRoot): ContractPaths {
  const distDir = join(root, 'dist');
  return {
    root,
    sourceDir: join(root, 'openapi'),
    sourceRoot: join(root, 'openapi', 'openapi.yaml'),
    redoclyConfig: join(root, 'redocly.yaml'),
    distDir,
    bundleJson: join(distDir, 'openapi.json'),
    bundleYaml: join(distDir, 'openapi.yaml'),
    docsHtml: join(distDir, 'docs', 'index.html'),
    typesFile: join(root, 'packages', 'types', 'src', 'openapi.d.ts'),
  };
}

/** The paths of this repository. */
export const paths: ContractPaths = contractPaths();

/** The files the build reads (`openapi/` is a folder: every file under it counts). */
export const buildInputs = (at: ContractPaths = paths): string[] => [at.sourceDir, at.redoclyConfig];

/** The files the build writes, in the order `pnpm check` writes them. */
export const buildOutputs = (at: ContractPaths = paths): string[] => [
  at.bundleJson,
  at.bundleYaml,
  at.typesFile,
  at.docsHtml,
];
