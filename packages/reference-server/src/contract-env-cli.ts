import { contractEnv } from './contract-env.js';
import { developmentJwtSecret } from './tokens.js';

// Prints `export NAME=value` lines for a seeded server signed with JWT_SECRET (or the development secret).
const env = await contractEnv({ secret: process.env['JWT_SECRET'] || developmentJwtSecret });
for (const [name, value] of Object.entries(env)) process.stdout.write(`export ${name}=${value}\n`);
