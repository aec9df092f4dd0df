#!/usr/bin/env node
// Entry point for `npm start` / `npm test` on a machine that has only Node and npm:
// installs pnpm and the workspace dependencies when missing, then hands over to pnpm.
// Plain JavaScript on purpose: it runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';

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

function pnpmBinary() {
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() === pnpmVersion) return 'pnpm';
  const installed = spawnSync(local, ['--version'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.trim() === pnpmVersion) return local;
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

function needsInstall() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  const lock = join(root, 'pnpm-lock.yaml');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs;
}

const [script = 'check', ...rest] = process.argv.slice(2);
const pnpm = pnpmBinary();
if (needsInstall()) {
  console.log('> pnpm install --frozen-lockfile');
  const status = run(pnpm, ['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}
// The docs test drives Debian's Chromium.
if (script === 'test:all') {
  const status = ensureChromium();
  if (status !== 0) process.exit(status);
}
// Everything below runs with the workspace's pnpm first on PATH.
const env = pnpm === 'pnpm' ? process.env : { ...process.env, PATH: `${dirname(pnpm)}:${process.env.PATH}` };
// The long-running main job ends with Ctrl-C, which pnpm would report as a failed command.
const quiet = script === 'main' ? ['--silent'] : [];
process.exit(run(pnpm, [...quiet, 'run', script, ...rest], { env }));
