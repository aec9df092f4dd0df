import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './server.js';
import { FEATURE_FLAGS, type FeatureFlag } from './store.js';
import type { RateLimit } from './rate-limit.js';

const usage = `Usage: pnpm run server [options]
  --host HOST                     listen address (env HOST, default 127.0.0.1)
  --port PORT                     listen port (env PORT, default 8080; 0 = any free port)
  --db FILE                       SQLite file (env DATABASE_PATH, default .data/reference-server.db)
  --seed                          load the fixtures once (env SEED=1)
  --fsync-every-commit            survive power cuts too, at a lower write rate (env FSYNC_EVERY_COMMIT=1)
  --delete-response 200|204       DELETE success (env DELETE_RESPONSE, default 204)
  --member-rate-limit N/MS        member API limit per token (env MEMBER_RATE_LIMIT, default 1000/60000)
  --cf-rate-limit N/MS            Cloud Controller limit per token (env CF_RATE_LIMIT, default off)
  --disable-feature-flag NAME     set_roles_by_username or unset_roles_by_username (repeatable)
  --user-directory-unavailable    every username lookup answers 503 UaaUnavailable
Keys (env): JWT_SECRET (HS256), JWT_PUBLIC_KEY (RS256 PEM) or JWKS_URL.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

function rateLimit(value: string | undefined, name: string): RateLimit | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) fail(`${name} must look like REQUESTS/WINDOW_MS, e.g. 100/60000`);
  return { requests: Number(match[1]), windowMs: Number(match[2]) };
}

let parsed;
try {
  parsed = parseArgs({
    // `pnpm run x -- --flag` passes the `--` through.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      seed: { type: 'boolean' },
      'fsync-every-commit': { type: 'boolean' },
      'delete-response': { type: 'string' },
      'member-rate-limit': { type: 'string' },
      'cf-rate-limit': { type: 'string' },
      'disable-feature-flag': { type: 'string', multiple: true },
      'user-directory-unavailable': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (parsed.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const env = process.env;
const port = Number(parsed.port ?? env['PORT'] ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be an integer from 0 to 65535');
const deleteResponse = parsed['delete-response'] ?? env['DELETE_RESPONSE'] ?? '204';
if (deleteResponse !== '200' && deleteResponse !== '204') fail('--delete-response must be 200 or 204');
const featureFlags: Partial<Record<FeatureFlag, boolean>> = {};
for (const name of parsed['disable-feature-flag'] ?? []) {
  if (!(FEATURE_FLAGS as readonly string[]).includes(name)) fail(`unknown feature flag ${name}`);
  featureFlags[name as FeatureFlag] = false;
}
const keyConfigured = Boolean(env['JWT_SECRET'] || env['JWT_PUBLIC_KEY'] || env['JWKS_URL']);

const server = await startServer({
  host: parsed.host ?? env['HOST'] ?? '127.0.0.1',
  port,
  // pnpm runs this in the package folder; relative paths mean the caller's folder (INIT_CWD).
  databasePath: resolve(
    env['INIT_CWD'] ?? process.cwd(),
    parsed.db ?? env['DATABASE_PATH'] ?? '.data/reference-server.db',
  ),
  seed: parsed.seed ?? env['SEED'] === '1',
  fsyncEveryCommit: parsed['fsync-every-commit'] ?? env['FSYNC_EVERY_COMMIT'] === '1',
  deleteSuccessStatus: deleteResponse === '200' ? 200 : 204,
  memberRateLimit: rateLimit(parsed['member-rate-limit'] ?? env['MEMBER_RATE_LIMIT'], '--member-rate-limit'),
  cloudControllerRateLimit: rateLimit(parsed['cf-rate-limit'] ?? env['CF_RATE_LIMIT'], '--cf-rate-limit'),
  featureFlags,
  userDirectoryAvailable: !parsed['user-directory-unavailable'],
  jwtSecret: env['JWT_SECRET'] || undefined,
  jwtPublicKey: env['JWT_PUBLIC_KEY'] || undefined,
  jwksUrl: env['JWKS_URL'] || undefined,
});
if (!keyConfigured) {
  process.stderr.write(
    `No JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL set: accepting HS256 tokens signed with the built-in development secret (mint them with the token command).\n`,
  );
}
process.stdout.write(`reference server listening on ${server.url}\n`);
const shutdown = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
