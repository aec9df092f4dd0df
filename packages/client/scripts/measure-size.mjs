#!/usr/bin/env node
// Size of the client as a browser app would ship it: esbuild bundle, minified, gzip -9.
// Compares the whole package with openapi-fetch alone (all of it, and only the createClient
// the package uses), and reports what the package's own code adds.
// Usage: node scripts/measure-size.mjs [--json]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function bundleSize(contents, external = []) {
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
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

/** Byte sizes (minified and gzipped) of the bundles compared. */
export async function measureSize() {
  const client = await bundleSize(`export * from './src/index.ts';`);
  const openapiFetch = await bundleSize(`export * from 'openapi-fetch'; export { default } from 'openapi-fetch';`);
  const openapiFetchCreateClient = await bundleSize(`export { default } from 'openapi-fetch';`);
  const ownCode = await bundleSize(`export * from './src/index.ts';`, ['openapi-fetch']);
  return {
    client,
    ownCode,
    openapiFetch,
    openapiFetchCreateClient,
    addedGzipped: client.gzipped - openapiFetchCreateClient.gzipped,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureSize();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(sizes, null, 2));
  } else {
    const row = (label, { minified, gzipped }) =>
      `${label.padEnd(44)} ${String(minified).padStart(7)} ${String(gzipped).padStart(7)}`;
    console.log(
      `${'bundle (esbuild, minified, browser, esm)'.padEnd(44)} ${'min B'.padStart(7)} ${'gzip B'.padStart(7)}`,
    );
    console.log(row('openapi-fetch (every export)', sizes.openapiFetch));
    console.log(row('openapi-fetch (createClient only)', sizes.openapiFetchCreateClient));
    console.log(row('@org-membership-api/client (every export)', sizes.client));
    console.log(row('  its own code alone (openapi-fetch external)', sizes.ownCode));
    console.log(`our code adds ${sizes.addedGzipped} B gzipped over the createClient bundle (budget 2048 B)`);
  }
}
