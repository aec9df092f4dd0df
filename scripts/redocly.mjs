#!/usr/bin/env node
// `redocly ARGS` for the lint, bundle and docs scripts, minus the boxed notices Redocly prints
// on every run (see redocly-notices.mjs). Redocly writes its messages to stderr, which is
// filtered line by line; stdout and the exit status pass through untouched.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { createNoticeFilter } from './redocly-notices.mjs';

const require = createRequire(import.meta.url);
const manifestPath = require.resolve('@redocly/cli/package.json');
const cli = join(dirname(manifestPath), JSON.parse(readFileSync(manifestPath, 'utf8')).bin.redocly);

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'pipe'],
});
const filter = createNoticeFilter((text) => process.stderr.write(text));
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => filter.push(chunk));
child.on('error', (error) => {
  process.stderr.write(`redocly: ${error.message}\n`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  filter.end();
  process.exitCode = signal ? 128 + constants.signals[signal] : (code ?? 1);
});
// Ctrl-C reaches Redocly directly (same process group): wait for it to end instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
