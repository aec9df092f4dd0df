import { parseArgs } from 'node:util';
import { developmentJwtSecret, mintToken } from './tokens.js';

const usage = `Usage: pnpm --filter @org-membership-api/reference-server run token -- --scopes S1,S2 --user ID [--org ID] [--audience AUD] [--expires SECONDS]
Signs with JWT_SECRET (default: the development secret). Prints the token.`;

let values;
try {
  values = parseArgs({
    // `pnpm run x -- --flag` passes the `--` through.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      scopes: { type: 'string' },
      user: { type: 'string' },
      org: { type: 'string' },
      audience: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${usage}\n`);
  process.exit(2);
}
if (values.help || !values.user || values.scopes === undefined) {
  process.stderr.write(`${usage}\n`);
  process.exit(values.help ? 0 : 2);
}
const expires = values.expires === undefined ? undefined : Number(values.expires);
if (expires !== undefined && !Number.isInteger(expires)) {
  process.stderr.write(`--expires must be an integer\n${usage}\n`);
  process.exit(2);
}
const token = await mintToken({
  secret: process.env['JWT_SECRET'] || developmentJwtSecret,
  scopes: values.scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  userId: values.user,
  ...(values.org ? { orgId: values.org } : {}),
  ...(values.audience ? { audience: values.audience } : {}),
  ...(expires === undefined ? {} : { expiresInSeconds: expires }),
});
process.stdout.write(`${token}\n`);
