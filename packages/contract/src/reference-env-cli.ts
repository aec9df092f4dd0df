// `org-membership-contract-env` (`npm run --silent contract-env`): `export NAME=value`
// lines for the contract checks against a seeded reference server signed with JWT_SECRET (or
// the development secret), named as the checks read them (env.ts).
import { developmentJwtSecret } from '@org-membership-api/reference-server';
import { contractEnvVariables, type ContractEnv } from './env.js';
import { referenceContractEnv } from './targets.js';

const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
if (args.length > 0) {
  process.stderr.write(
    `contract-env: takes no arguments (got ${JSON.stringify(args[0])}); set JWT_SECRET to match the server's key\n`,
  );
  process.exit(2);
}
const env: ContractEnv = await referenceContractEnv({ secret: process.env['JWT_SECRET'] || developmentJwtSecret });
for (const [field, name] of Object.entries(contractEnvVariables) as Array<[keyof ContractEnv, string]>) {
  const value = env[field];
  if (value !== undefined) process.stdout.write(`export ${name}=${value}\n`);
}
