import { contractEnv } from './contract-env.js';
import { developmentJwtSecret } from './tokens.js';

// Prints `export NAME=value` lines for a seeded server signed with JWT_SECRET (or the development secret).
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
if (args.length > 0) {
  process.stderr.write(
    `contract-env: takes no arguments (got ${JSON.stringify(args[0])}); set JWT_SECRET to match the server's key\n`,
  );
  process.exit(2);
}
const env = await contractEnv({ secret: process.env['JWT_SECRET'] || developmentJwtSecret });
for (const [name, value] of Object.entries(env)) process.stdout.write(`export ${name}=${value}\n`);
