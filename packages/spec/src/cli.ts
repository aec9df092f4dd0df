// `org-membership-spec <step>`: the contract build, as the root scripts run it
// (`pnpm lint`, `bundle`, `generate`, `run docs`, `check`, `check:generated`).
import { buildSteps, check, checkGenerated, runStep, type BuildStep } from './build.js';

const steps = buildSteps;
const usage = `usage: org-membership-spec <command>
  lint              lint openapi/ (redocly.yaml rules)
  bundle            write dist/openapi.yaml and dist/openapi.json
  generate          write packages/types/src/openapi.d.ts from the bundle
  docs              render dist/docs/index.html from the bundle
  check             all four: bundle, then docs (Redocly CLI) beside lint and generate
  check-generated   fail when the committed types differ from the contract`;

async function main(command: string | undefined): Promise<number> {
  if (command === 'check') return (await check()) ? 0 : 1;
  if (command === 'check-generated') {
    const problems = await checkGenerated();
    if (problems.length === 0) {
      console.log('generated code is up to date (packages/types/src)');
      return 0;
    }
    for (const line of problems) console.error(line);
    return 1;
  }
  if (steps.includes(command as BuildStep)) return (await runStep(command as BuildStep, undefined, 'inherit')).code;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return 0;
  }
  console.error(`${command === undefined ? 'a command is required' : `unknown command: ${command}`}\n${usage}`);
  return 2;
}

process.exitCode = await main(process.argv[2]);
