// `pnpm size` in packages/client (after its build): the client's bundle size next to openapi-fetch alone.
// Usage: client-size [--json]
import { measureSize, type BundleSize } from './client-size.js';

const sizes = await measureSize();
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(sizes, null, 2));
} else {
  const row = (label: string, { minified, gzipped }: BundleSize) =>
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
