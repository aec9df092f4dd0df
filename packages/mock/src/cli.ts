#!/usr/bin/env node
// `org-membership-mock` (`npm run mock`): starts the mock, prints where the API, docs and spec are, stops on Ctrl-C.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSpecPath, startMock } from './server.js';

const usage = `Usage: org-membership-mock [--host HOST] [--port PORT] [--dynamic] [--spec FILE] [--log] [--build-missing]
                           [--disable-feature-flag NAME ...]

  --host HOST       interface to listen on (env MOCK_HOST, default 127.0.0.1)
  --port PORT       port, 0 = any free port (env MOCK_PORT, default 4010)
  --dynamic         generate responses from the schemas instead of the examples
                    (env MOCK_DYNAMIC=true)
  --spec FILE       bundled contract (default dist/openapi.json)
  --log             print one line per request (env MOCK_LOG=true)
  --build-missing   first run \`pnpm check\` when the bundle or docs are missing or
                    older than openapi/
  --disable-feature-flag NAME
                    report the flag off (set_roles_by_username, unset_roles_by_username;
                    repeatable; env MOCK_DISABLED_FEATURE_FLAGS, comma-separated): the cf CLI
                    then takes its role routes by user guid
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return fail(`${name} must be true or false, not "${value}"`);
}

let args;
try {
  args = parseArgs({
    // pnpm hands a `--` separator through to the script.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      dynamic: { type: 'boolean' },
      spec: { type: 'string' },
      log: { type: 'boolean' },
      'build-missing': { type: 'boolean' },
      'disable-feature-flag': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  process.stdout.write(usage);
  process.exit(0);
}

// An empty variable counts as unset.
const host = args.host ?? (process.env.MOCK_HOST || '127.0.0.1');
const portText = args.port ?? (process.env.MOCK_PORT || '4010');
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`port must be an integer from 0 to 65535, not "${portText}"`);
const dynamic = args.dynamic ?? flag(process.env.MOCK_DYNAMIC, 'MOCK_DYNAMIC');
const log = args.log ?? flag(process.env.MOCK_LOG, 'MOCK_LOG');
const disabledFeatureFlags =
  args['disable-feature-flag'] ??
  (process.env.MOCK_DISABLED_FEATURE_FLAGS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
// npm and pnpm run scripts in the package's folder; INIT_CWD is where the command was typed.
const specPath = args.spec ? resolve(process.env.INIT_CWD ?? process.cwd(), args.spec) : defaultSpecPath;

if (args['build-missing']) {
  // The build is loaded only when asked for: it costs start-up time.
  const { check, staleOutputs } = await import('@org-membership-api/spec/build');
  if (staleOutputs().length > 0) {
    process.stdout.write('> pnpm check (the bundle or the docs are missing or out of date)\n');
    if (!(await check())) process.exit(1);
  }
}

const started = performance.now();
let mock;
try {
  mock = await startMock({
    host,
    port,
    dynamic,
    specPath,
    disabledFeatureFlags,
    ...(log && { log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) }),
  });
} catch (error) {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') fail(`${host}:${port} is already in use: pass --port (or MOCK_PORT) to pick another port`);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const lines = [
  `Mock of the org-membership-api contract (Prism 5.14, ${dynamic ? 'dynamic responses' : 'static examples'}), ready in ${Math.round(performance.now() - started)} ms`,
  '',
  `  API   ${mock.url}`,
  ...mock.operations.map((op) => `          ${op.method.padEnd(7)}${mock.url}${op.path}`),
  `  Docs  ${mock.docsUrl}`,
  `  Spec  ${mock.url}/openapi.json  ${mock.url}/openapi.yaml`,
  '',
  'Pick a documented response with `Prefer: code=404, example=UserNotFound` or `?__code=404`.',
  'Press Ctrl-C to stop.',
  '',
];
process.stdout.write(lines.join('\n'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void mock.close().then(() => {
      process.stdout.write('Mock stopped.\n');
      process.exit(0);
    });
  });
}
