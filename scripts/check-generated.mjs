#!/usr/bin/env node
// Fails when committed generated code differs from what the contract produces now
// (run after `pnpm check`, which regenerates it). A contract change must ship with its types.
import { execFileSync } from 'node:child_process';

const generated = ['packages/types/src'];
const status = execFileSync('git', ['status', '--porcelain', '--', ...generated], { encoding: 'utf8' }).trim();
if (status) {
  console.error('Generated code is stale or uncommitted:');
  for (const line of status.split('\n'))
    console.error(
      `  ${line.slice(3)}  (${line.slice(0, 2).trim() === '??' ? 'not committed' : 'differs from the contract'})`,
    );
  console.error(execFileSync('git', ['diff', '--stat', '--', ...generated], { encoding: 'utf8' }));
  console.error('Run `pnpm check` (or `pnpm bundle && pnpm generate`) and commit the result.');
  process.exit(1);
}
console.log(`generated code is up to date (${generated.join(', ')})`);
