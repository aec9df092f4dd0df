// `contract-env` of the reference server prints the variables the checks read (env.ts), all
// of them but those that need a differently started server: a new variable of the checks
// that the reference server does not provide fails here.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { contractEnvVariables, type ContractEnv } from '../src/env.js';
import { referenceContractEnv, referenceEnvNeedsMore } from '../src/targets.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const allFields = Object.keys(contractEnvVariables) as Array<keyof ContractEnv>;

describe('the reference server as seen by the contract checks', () => {
  it('provides every variable the checks read, except those that need more than one default server', async () => {
    const env = await referenceContractEnv({ secret: 'reference-env-test' });
    const provided = Object.keys(env) as Array<keyof ContractEnv>;
    expect([...provided, ...referenceEnvNeedsMore].sort()).toEqual([...allFields].sort());
    expect(provided.filter((field) => (referenceEnvNeedsMore as readonly string[]).includes(field))).toEqual([]);
    for (const field of provided) expect(env[field as keyof typeof env], field).toMatch(/\S/);
  });

  it('prints them as export lines named as the checks read them, nothing else', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/reference-env-cli.ts'], {
      cwd: packageDir,
      env: { ...process.env, JWT_SECRET: 'reference-env-test' },
    });
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => /^export ([A-Z_]+)=\S+$/.exec(line)?.[1] ?? `not an export line: ${line}`);
    const expected = allFields
      .filter((field) => !(referenceEnvNeedsMore as readonly string[]).includes(field))
      .map((field) => contractEnvVariables[field]);
    expect(names).toEqual(expected);
  });

  it('refuses arguments in one line (the secret comes from JWT_SECRET)', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/reference-env-cli.ts', '--bogus'], {
      cwd: packageDir,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/takes no arguments/),
    ]);
  });
});
