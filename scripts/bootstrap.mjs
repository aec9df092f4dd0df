#!/usr/bin/env node
// Entry point for `npm start` / `npm test` on a machine that has only Node and npm:
// installs pnpm and the workspace dependencies when missing, then hands over to pnpm.
// Plain JavaScript on purpose: it runs before any dependency exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';
import { ensurePostgres } from './ensure-postgres.mjs';
import { installArgs, isBuildOutput, scopeFor, scopeToInstall } from './install-scope.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: this project needs Node >= 20.19.`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

function hasVersion(binary) {
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim() === pnpmVersion;
}

// pnpm is a dev dependency of the workspace (so that `npm run` scripts find it); before the
// first install, a copy goes into .tools/.
function pnpmBinary() {
  const workspace = join(root, 'node_modules', '.bin', 'pnpm');
  const manifest = join(root, 'node_modules', 'pnpm', 'package.json');
  if (
    existsSync(workspace) &&
    existsSync(manifest) &&
    JSON.parse(readFileSync(manifest, 'utf8')).version === pnpmVersion
  ) {
    return workspace;
  }
  if (hasVersion('pnpm')) return 'pnpm';
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  if (hasVersion(local)) return local;
  console.log(`> installing pnpm ${pnpmVersion} into .tools/`);
  const status = run('npm', [
    'install',
    '--no-save',
    '--no-package-lock',
    '--prefix',
    join(root, '.tools'),
    `pnpm@${pnpmVersion}`,
  ]);
  if (status !== 0) process.exit(status);
  return local;
}

// node_modules/.modules.yaml is pnpm's record of an install; the file next to it says when
// only the mock's part was installed (a plain `pnpm install` installs everything).
const modulesFile = join(root, 'node_modules', '.modules.yaml');
const scopeFile = join(root, 'node_modules', '.install-scope');

function installedScope() {
  if (!existsSync(modulesFile)) return undefined;
  return existsSync(scopeFile) ? readFileSync(scopeFile, 'utf8').trim() : 'all';
}

function lockfileChanged() {
  const lock = join(root, 'pnpm-lock.yaml');
  return existsSync(modulesFile) && existsSync(lock) && statSync(lock).mtimeMs > statSync(modulesFile).mtimeMs;
}

// On a terminal pnpm folds the output of each dependency build into one line. Elsewhere (CI,
// a pipe) it prints all of it: the native SQLite module alone is ~90 lines of compiler
// warnings. Those lines are held back and shown only when the install fails.
function install(pnpm, args) {
  if (process.stdout.isTTY) return Promise.resolve(run(pnpm, args));
  return new Promise((resolve, reject) => {
    const child = spawn(pnpm, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
    const held = [];
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (isBuildOutput(line)) held.push(line);
        else out.write(`${line}\n`);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && held.length > 0) process.stderr.write(`${held.join('\n')}\n`);
      resolve(code ?? 1);
    });
  });
}

const [script = 'check', ...rest] = process.argv.slice(2);
const pnpm = pnpmBinary();
const scope = scopeToInstall(scopeFor(script), installedScope(), lockfileChanged());
if (scope) {
  const args = installArgs(scope);
  console.log(`> pnpm ${args.join(' ')}`);
  const status = await install(pnpm, args);
  if (status !== 0) process.exit(status);
  if (scope === 'all') rmSync(scopeFile, { force: true });
  else writeFileSync(scopeFile, `${scope}\n`);
  if (scope === 'mock') console.log('> installed what the mock needs; `npm test` installs the rest');
}
// The docs test drives Debian's Chromium; the reference server's tests start PostgreSQL.
if (script === 'test:all') {
  for (const ensure of [ensureChromium, ensurePostgres]) {
    const status = ensure();
    if (status !== 0) process.exit(status);
  }
}
// Everything below runs with this pnpm first on PATH.
const env = pnpm === 'pnpm' ? process.env : { ...process.env, PATH: `${dirname(pnpm)}:${process.env.PATH}` };
// The long-running main job ends with Ctrl-C, which pnpm would report as a failed command.
const quiet = script === 'main' ? ['--silent'] : [];
process.exit(run(pnpm, [...quiet, 'run', script, ...rest], { env }));
