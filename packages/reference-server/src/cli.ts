import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './server.js';
import { isPostgresUrl } from './open-store.js';
import { FEATURE_FLAGS, StorageError, type FeatureFlag } from './store.js';
import { TokenKeyConfigurationError } from './tokens.js';
import type { RateLimit } from './rate-limit.js';

const usage = `Usage: org-membership-server [options]   (npm run server -- …)
  --host HOST                     listen address (env HOST, default 127.0.0.1)
  --port PORT                     listen port (env PORT, default 8080; 0 = any free port)
  --db FILE|URL                   SQLite file, or postgres://… for PostgreSQL (env DATABASE_URL or
                                  DATABASE_PATH, default .data/reference-server.db)
  --seed / --no-seed              load the fixtures (env SEED=1 / SEED=0; default: only into a new database;
                                  on PostgreSQL, into one where they were never loaded)
  --fsync-every-commit            survive power cuts too, at a lower write rate (env FSYNC_EVERY_COMMIT=1)
  --delete-response 200|204       DELETE success (env DELETE_RESPONSE, default 204)
  --member-rate-limit N/MS        member API limit per token (env MEMBER_RATE_LIMIT, default 1000/60000)
  --cf-rate-limit N/MS            Cloud Controller general limit per user, admins not counted
                                  (env CF_RATE_LIMIT, default off; 429 CF-RateLimitExceeded)
  --cf-unauthenticated-rate-limit N/MS
                                  per client address without a user token (env
                                  CF_UNAUTHENTICATED_RATE_LIMIT, default --cf-rate-limit;
                                  429 CF-IPBasedRateLimitExceeded)
  --cf-v2-rate-limit N/MS         every /v2 request but /v2/info, admins included (env
                                  CF_V2_RATE_LIMIT, default off; 429 CF-RateLimitV2APIExceeded)
  --uaa-rate-limit N/MS           built-in UAA: per client address on each of /login, /oauth/token
                                  and /Users (env UAA_RATE_LIMIT, default off; 429 with UAA's error)
  --disable-feature-flag NAME     set_roles_by_username or unset_roles_by_username (repeatable)
  --user-directory-unavailable    every username lookup answers 503 UaaUnavailable
  --headers-timeout MS            request head deadline (env HEADERS_TIMEOUT_MS, default 20000)
  --request-timeout MS            whole request deadline (env REQUEST_TIMEOUT_MS, default 30000)
  --cf-token-issuer ISS           iss of Cloud Controller tokens (env CF_TOKEN_ISSUER)
  --public-url URL                the server's URL for clients, named by /v2/info (env PUBLIC_URL; default: the Host header)
  --member-token-issuer ISS       iss of member API tokens (env MEMBER_TOKEN_ISSUER)
  --member-token-audience AUD     aud of member API tokens (env MEMBER_TOKEN_AUDIENCE)
Keys (env): JWT_SECRET (HS256), JWT_PUBLIC_KEY (RS256 PEM) or JWKS_URL.`;

// Every failure is one line on stderr and a non-zero exit: no stack traces.
function fail(message: string, code = 2): never {
  process.stderr.write(`reference server: ${message}${code === 2 ? ' (--help for usage)' : ''}\n`);
  process.exit(code);
}

function rateLimit(value: string | undefined, name: string): RateLimit | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
    fail(`${name} must look like REQUESTS/WINDOW_MS, e.g. 100/60000`);
  }
  return { requests: Number(match[1]), windowMs: Number(match[2]) };
}

function milliseconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) fail(`${name} must be a positive number of milliseconds`);
  return ms;
}

let parsed;
try {
  parsed = parseArgs({
    // `pnpm run x -- --flag` passes the `--` through.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    allowNegative: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      seed: { type: 'boolean' },
      'fsync-every-commit': { type: 'boolean' },
      'delete-response': { type: 'string' },
      'member-rate-limit': { type: 'string' },
      'cf-rate-limit': { type: 'string' },
      'cf-unauthenticated-rate-limit': { type: 'string' },
      'cf-v2-rate-limit': { type: 'string' },
      'uaa-rate-limit': { type: 'string' },
      'disable-feature-flag': { type: 'string', multiple: true },
      'user-directory-unavailable': { type: 'boolean' },
      'headers-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      'cf-token-issuer': { type: 'string' },
      'public-url': { type: 'string' },
      'member-token-issuer': { type: 'string' },
      'member-token-audience': { type: 'string' },
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
const host = parsed.host ?? env['HOST'] ?? '127.0.0.1';
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
const database = parsed.db ?? (env['DATABASE_URL'] || env['DATABASE_PATH'] || '.data/reference-server.db');
// npm and pnpm run scripts in the package's folder; relative paths mean the caller's folder (INIT_CWD).
const databasePath = isPostgresUrl(database) ? database : resolve(env['INIT_CWD'] ?? process.cwd(), database);
// A new database gets the fixtures unless told otherwise, so the README's examples work at once.
// PostgreSQL records the load (once per database): a database that had them is left as it is.
const seed =
  parsed.seed ??
  (env['SEED'] === undefined || env['SEED'] === ''
    ? isPostgresUrl(databasePath) || !existsSync(databasePath)
    : env['SEED'] === '1');
const headersTimeoutMs = milliseconds(parsed['headers-timeout'] ?? env['HEADERS_TIMEOUT_MS'], '--headers-timeout');
const requestTimeoutMs = milliseconds(parsed['request-timeout'] ?? env['REQUEST_TIMEOUT_MS'], '--request-timeout');
if ((headersTimeoutMs ?? 20_000) > (requestTimeoutMs ?? 30_000))
  fail('--headers-timeout must not exceed --request-timeout');

const publicUrl = parsed['public-url'] ?? (env['PUBLIC_URL'] || undefined);
if (publicUrl !== undefined && !/^https?:\/\/[^/?#\s]+$/.test(publicUrl)) {
  fail('--public-url must be an http(s) URL without a path, e.g. http://127.0.0.1:8080');
}

let server;
try {
  server = await startServer({
    host,
    port,
    databasePath,
    seed,
    fsyncEveryCommit: parsed['fsync-every-commit'] ?? env['FSYNC_EVERY_COMMIT'] === '1',
    deleteSuccessStatus: deleteResponse === '200' ? 200 : 204,
    memberRateLimit: rateLimit(parsed['member-rate-limit'] ?? env['MEMBER_RATE_LIMIT'], '--member-rate-limit'),
    cloudControllerRateLimit: rateLimit(parsed['cf-rate-limit'] ?? env['CF_RATE_LIMIT'], '--cf-rate-limit'),
    cloudControllerUnauthenticatedRateLimit: rateLimit(
      parsed['cf-unauthenticated-rate-limit'] ?? env['CF_UNAUTHENTICATED_RATE_LIMIT'],
      '--cf-unauthenticated-rate-limit',
    ),
    cloudControllerV2RateLimit: rateLimit(parsed['cf-v2-rate-limit'] ?? env['CF_V2_RATE_LIMIT'], '--cf-v2-rate-limit'),
    uaaRateLimit: rateLimit(parsed['uaa-rate-limit'] ?? env['UAA_RATE_LIMIT'], '--uaa-rate-limit'),
    featureFlags,
    userDirectoryAvailable: !parsed['user-directory-unavailable'],
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    publicUrl,
    cloudControllerTokenIssuer: parsed['cf-token-issuer'] ?? (env['CF_TOKEN_ISSUER'] || undefined),
    memberTokenIssuer: parsed['member-token-issuer'] ?? (env['MEMBER_TOKEN_ISSUER'] || undefined),
    memberAudience: parsed['member-token-audience'] ?? (env['MEMBER_TOKEN_AUDIENCE'] || undefined),
    jwtSecret: env['JWT_SECRET'] || undefined,
    jwtPublicKey: env['JWT_PUBLIC_KEY'] || undefined,
    jwksUrl: env['JWKS_URL'] || undefined,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE')
    fail(`cannot listen on ${where}: the port is in use (pass --port, or --port 0 for any free one)`, 1);
  if (code === 'EACCES') fail(`cannot listen on ${where}: permission denied (use a port above 1023)`, 1);
  if (code === 'EADDRNOTAVAIL') fail(`cannot listen on ${where}: no such local address`, 1);
  if (error instanceof StorageError || error instanceof TokenKeyConfigurationError) fail(error.message, 1);
  fail(`cannot start: ${(error as Error).message}`, 1);
}
if (!keyConfigured) {
  process.stderr.write(
    `No JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL set: accepting HS256 tokens signed with the built-in development secret (mint them with the token command).\n`,
  );
}
if (seed) process.stderr.write(`Fixtures in ${databasePath}: the README's usernames and ids exist.\n`);
process.stdout.write(`reference server listening on ${server.url}\n`);
const shutdown = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
