#!/usr/bin/env node
// `pnpm check`: lint, bundle, generate and docs, running the package.json scripts of those
// names directly (no nested pnpm) and side by side where they do not depend on each other:
// lint and bundle read only openapi/; generate and docs read only the bundle.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` };
const stages = [
  ['lint', 'bundle'],
  ['generate', 'docs'],
];

function run(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(scripts[name], { cwd: root, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) =>
      resolve({ name, code: code ?? 1, output, ms: Math.round(performance.now() - started) }),
    );
  });
}

const started = performance.now();
for (const stage of stages) {
  const results = await Promise.all(stage.map(run));
  for (const { name, code, output, ms } of results) {
    const text = output.trim();
    if (code !== 0) console.error(`✗ ${name} failed (exit ${code}):\n${text}\n`);
    else console.log(`✓ ${name} (${ms} ms)`);
  }
  if (results.some((r) => r.code !== 0)) process.exit(1);
}
console.log(`check passed in ${Math.round(performance.now() - started)} ms`);
