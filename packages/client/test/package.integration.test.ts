import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The packages as a consumer gets them: packed by pnpm (which writes the exact version in place
// of `workspace:*`), installed with npm into an empty project outside the workspace, imported
// from Node ESM, type-checked with tsc, and run against the mock.

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let project: string;

async function packed(name: string, destination: string): Promise<string> {
  await run('pnpm', ['--filter', name, 'pack', '--pack-destination', destination]);
  const file = (await readdir(destination)).find((entry) => entry.startsWith(name.slice(1).replace('/', '-')));
  if (!file) throw new Error(`pnpm pack wrote no tarball for ${name}`);
  return join(destination, file);
}

const usage = `import {
  ApiError,
  createOrgMembershipClient,
  ResponseParseError,
  type Organization,
} from '@org-membership-api/client';
import type { components } from '@org-membership-api/types';

const baseUrl = process.argv[2]!;
const client = createOrgMembershipClient({
  cloudController: { baseUrl, token: 'cf-token' },
  members: { baseUrl, token: async () => 'members-token' },
  retry: { attempts: 1 },
});
const org: Organization = await client.roles.associate(
  { org: '6f0e3308-1340-4682-937e-7b8186f5431e', role: 'managers', username: 'manager@example.com' },
  { headers: { Prefer: 'code=201' } },
);
const resource: components['schemas']['OrganizationResource'] = org;
await client.members.remove({ userId: '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e34' }, { headers: { Prefer: 'code=204' } });
const wrongRole = () =>
  // @ts-expect-error: not an organization role (so the types are the contract's, not any)
  client.roles.associate({ org: 'x', role: 'developers', username: 'u' });
void wrongRole;
let code: ApiError['code'];
try {
  await client.roles.associate(
    { org: '6f0e3308-1340-4682-937e-7b8186f5431e', role: 'users', username: 'nobody' },
    { headers: { Prefer: 'code=404, example=UserNotFound' } },
  );
} catch (error) {
  if (!(error instanceof ApiError) || error instanceof ResponseParseError) throw error;
  code = error.code;
}
console.log(JSON.stringify({ name: resource.entity.name, code }));
`;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'org-membership-api-consumer-'));
  await run('pnpm', ['--filter', '@org-membership-api/client', 'run', 'build']);
  const tarballs = [
    await packed('@org-membership-api/types', project),
    await packed('@org-membership-api/client', project),
  ];
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // openapi-fetch comes from npm's cache when it is there, else from the registry.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], {
    cwd: project,
  });
  await writeFile(join(project, 'usage.ts'), usage);
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022', 'dom'],
        strict: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['usage.ts', 'process.d.ts'],
    }),
  );
  // The one Node global the usage file reads, without @types/node in the consumer project.
  await writeFile(join(project, 'process.d.ts'), 'declare const process: { argv: string[] };\n');
}, 240_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed client and types, installed with npm outside the workspace', () => {
  it('have the exact types version in place of workspace:*', async () => {
    const manifest = JSON.parse(
      (
        await run('node', ['-p', 'JSON.stringify(require("@org-membership-api/client/package.json"))'], {
          cwd: project,
        })
      ).stdout,
    ) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['@org-membership-api/types']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('type-check a usage file with tsc, and run it from Node ESM against the mock', async () => {
    await run('node', [tsc, '-p', project]);
    const { stdout } = await run('node', [join(project, 'usage.js'), inject('mockUrl')], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ name: expect.any(String), code: 20003 });
  }, 180_000);
});
