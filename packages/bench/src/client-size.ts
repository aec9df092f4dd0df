// The client's size as a browser app would ship it: esbuild bundle, minified, gzip -9. Compares
// the built package (what `@org-membership-api/client` resolves to) with openapi-fetch alone
// (all of it, and only the createClient the package uses), and reports what our code adds.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchResults } from './results.js';

export interface BundleSize {
  /** Bytes of the minified bundle. */
  minified: number;
  /** Bytes of the minified bundle after gzip -9. */
  gzipped: number;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function bundleSize(contents: string, external: string[] = []): Promise<BundleSize> {
  const result = await build({
    external,
    stdin: { contents, resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

/** Byte sizes (minified and gzipped) of the bundles compared; the client must be built (`pnpm build`). */
export async function measureSize() {
  const client = await bundleSize(`export * from '@org-membership-api/client';`);
  const openapiFetch = await bundleSize(`export * from 'openapi-fetch'; export { default } from 'openapi-fetch';`);
  const openapiFetchCreateClient = await bundleSize(`export { default } from 'openapi-fetch';`);
  const ownCode = await bundleSize(`export * from '@org-membership-api/client';`, ['openapi-fetch']);
  return {
    client,
    ownCode,
    openapiFetch,
    openapiFetchCreateClient,
    addedGzipped: client.gzipped - openapiFetchCreateClient.gzipped,
  };
}

export async function measureClientSize(log: (l: string) => void): Promise<BenchResults['clientSize']> {
  log('client size: esbuild bundles, minified, gzip -9');
  const sizes = await measureSize();
  return {
    clientGzipped: sizes.client.gzipped,
    clientMinified: sizes.client.minified,
    openapiFetchGzipped: sizes.openapiFetch.gzipped,
    openapiFetchCreateClientGzipped: sizes.openapiFetchCreateClient.gzipped,
    ownCodeGzipped: sizes.ownCode.gzipped,
    addedGzipped: sizes.addedGzipped,
  };
}
