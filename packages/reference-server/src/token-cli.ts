import { parseArgs } from 'node:util';
import { fixtures } from './fixtures.js';
import { developmentJwtSecret, mintToken } from './tokens.js';

const usage = `Usage: org-membership-token --scopes S1,S2 --user ID [--org ID] [--issuer ISS] [--audience AUD] [--expires SECONDS]
Signs with JWT_SECRET (default: the development secret) and prints the token. Scopes without a
cloud_controller.* one mint a member API token, for the fixture organization unless --org is given.`;

function fail(message: string): never {
  process.stderr.write(`token: ${message} (--help for usage)\n`);
  process.exit(2);
}

let values;
try {
  values = parseArgs({
    // `pnpm run x -- --flag` passes the `--` through.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      scopes: { type: 'string' },
      user: { type: 'string' },
      org: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values.user) fail('--user is required');
if (values.scopes === undefined) fail('--scopes is required');
const expires = values.expires === undefined ? undefined : Number(values.expires);
if (expires !== undefined && !Number.isInteger(expires)) fail('--expires must be an integer');
const scopes = values.scopes
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const api = scopes.some((scope) => scope.startsWith('cloud_controller.')) ? 'cloud-controller' : 'members';
const token = await mintToken({
  secret: process.env['JWT_SECRET'] || developmentJwtSecret,
  api,
  scopes,
  userId: values.user,
  ...(api === 'members' ? { orgId: values.org ?? fixtures.membersOrgId } : values.org ? { orgId: values.org } : {}),
  ...(values.issuer ? { issuer: values.issuer } : {}),
  ...(values.audience ? { audience: values.audience } : {}),
  ...(expires === undefined ? {} : { expiresInSeconds: expires }),
});
process.stdout.write(`${token}\n`);
