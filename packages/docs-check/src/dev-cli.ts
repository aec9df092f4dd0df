// `pnpm dev [--docs-port N] [--mock-port N] [--no-mock]`; Ctrl-C stops everything.
import { parseArgs } from 'node:util';
import { startDevLoop } from './dev.js';
import { repoRoot } from './paths.js';

const { values } = parseArgs({
  options: { 'docs-port': { type: 'string', default: '4011' }, 'mock-port': { type: 'string', default: '4010' }, 'no-mock': { type: 'boolean' } },
});
const loop = await startDevLoop({
  root: repoRoot,
  docsPort: Number(values['docs-port']),
  mockPort: Number(values['mock-port']),
  mock: !values['no-mock'],
});
console.log(`Docs (reload on save)  ${loop.docsUrl}`);
if (loop.mockUrl) console.log(`Mock                   ${loop.mockUrl}`);
console.log('Watching openapi/ (Ctrl-C to stop)');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping');
    void loop.close().then(() => process.exit(0));
  });
}
