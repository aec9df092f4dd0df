// `pnpm bench [--quick] [--out DIR]`: every comparison side by side, then bench/RESULTS.md,
// bench/results.json and bench/throughput.svg.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { paths } from '@org-membership-api/spec';
import { modes, runBenchmarks } from './run.js';

const usage = `Usage: pnpm bench [--quick] [--out DIR] [--no-pin]
  --quick    short runs (about a minute) instead of the full run (a few minutes)
  --out DIR  where RESULTS.md, results.json and throughput.svg go (default bench/)
  --no-pin   do not pin the load generator and the servers to separate cores`;

let values;
try {
  values = parseArgs({
    // pnpm hands a `--` separator through to the script.
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      'no-pin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const mode = values.quick ? 'quick' : 'full';
const outDir = values.out ? resolve(process.env['INIT_CWD'] ?? process.cwd(), values.out) : join(paths.root, 'bench');
const results = await runBenchmarks({ mode, ...modes[mode], pin: !values['no-pin'], outDir });
process.stdout.write(
  `\n${results.goals.map((g) => `${g.met ? 'met ' : 'MISS'}  ${g.name}: ${g.value} (goal ${g.goal})`).join('\n')}\n\nReport: ${join(outDir, 'RESULTS.md')}\n`,
);
