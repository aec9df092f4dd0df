// The set-up scripts' decisions: what `npm start` and `npm test` install, and which Redocly
// output is dropped.
import { describe, expect, it } from 'vitest';
import { installArgs, isBuildOutput, scopeFor, scopeToInstall } from '../scripts/install-scope.mjs';
import { withoutNotices } from '@org-membership-api/spec/redocly-notices';

describe('what the bootstrap installs', () => {
  it('installs only the mock and the workspace root for npm start, everything for npm test', () => {
    expect(scopeFor('main')).toBe('mock');
    expect(scopeFor('test:all')).toBe('all');
    expect(installArgs('mock')).toEqual([
      'install',
      '--frozen-lockfile',
      '--filter',
      'org-membership-api',
      '--filter',
      '@org-membership-api/mock...',
    ]);
    expect(installArgs('all')).toEqual(['install', '--frozen-lockfile']);
  });

  it('installs the rest on npm test after npm start installed the mock part', () => {
    expect(scopeToInstall('mock', undefined, false)).toBe('mock');
    expect(scopeToInstall('all', 'mock', false)).toBe('all');
    expect(scopeToInstall('all', 'all', false)).toBeUndefined();
    expect(scopeToInstall('mock', 'mock', false)).toBeUndefined();
    expect(scopeToInstall('mock', 'all', false)).toBeUndefined();
  });

  it('installs again after the lockfile changed, only as much as the script needs', () => {
    expect(scopeToInstall('mock', 'all', true)).toBe('mock');
    expect(scopeToInstall('all', 'all', true)).toBe('all');
    expect(scopeToInstall('all', 'mock', true)).toBe('all');
  });

  it('holds back the lines of dependency builds, not their first and last lines or pnpm’s own', () => {
    expect(isBuildOutput('.../node_modules/better-sqlite3 install: ../src/util/data.cpp:36:17: warning: x')).toBe(true);
    expect(isBuildOutput('.../node_modules/better-sqlite3 install: gyp info ok ')).toBe(true);
    expect(
      isBuildOutput('.../node_modules/better-sqlite3 install$ prebuild-install || node-gyp rebuild --release'),
    ).toBe(false);
    expect(isBuildOutput('.../node_modules/better-sqlite3 install: Done')).toBe(false);
    expect(isBuildOutput('Progress: resolved 544, reused 543, downloaded 0, added 544, done')).toBe(false);
    expect(isBuildOutput(' ERR_PNPM_FROZEN_LOCKFILE_WITH_OUTDATED_LOCKFILE  Cannot install')).toBe(false);
  });
});

describe('Redocly output', () => {
  const box = (...lines: string[]) =>
    ['', '    ╔════════╗', ...lines.map((line) => `    ║  ${line}  ║`), '    ╚════════╝', '', ''].join('\n');

  it('drops the Node 20 and Redoc 3 notices and the blank lines around them', () => {
    const output = `${box('Deprecation warning: Node.js 20 support is ending')}${box('build-docs now renders docs with Redoc 3.')}Found redocly.yaml\nPrerendering docs\n`;
    expect(withoutNotices(output)).toBe('Found redocly.yaml\nPrerendering docs\n');
  });

  it('keeps every other box and line, problems included', () => {
    const output = `openapi/openapi.yaml:3:1 error  info-contact  Info object should contain contact field.\n${box('Something else to know')}done\n`;
    expect(withoutNotices(output)).toBe(output);
  });
});
