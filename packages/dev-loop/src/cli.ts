// `pnpm dev [--docs-port N] [--mock-port N] [--no-mock]`; Ctrl-C stops everything.
import { parseArgs } from 'node:util';
import { paths } from '@org-membership-api/spec';
import { startDevLoop, type DevLoop } from './dev.js';

const { values } = parseArgs({
  options: {
    'docs-port': { type: 'string', default: '4011' },
    'mock-port': { type: 'string', default: '4010' },
    'no-mock': { type: 'boolean' },
  },
});

// Handlers first: a Ctrl-C during the first build must also stop cleanly.
let loop: Promise<DevLoop> | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping');
    void (loop ?? Promise.resolve(undefined))
      .then((running) => running?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`while stopping: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  });
}

loop = startDevLoop({
  root: paths.root,
  docsPort: Number(values['docs-port']),
  mockPort: Number(values['mock-port']),
  mock: !values['no-mock'],
});
const running = await loop;
console.log(`Docs (reload on save)  ${running.docsUrl}`);
if (running.mockUrl) console.log(`Mock                   ${running.mockUrl}`);
console.log('Watching openapi/ (Ctrl-C to stop)');
