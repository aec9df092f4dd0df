// `pnpm diff --base <git ref> [--head <git ref>] [--json]`: lists the changes of the contract
// since <base> that break existing clients; exits 1 when there is one, 2 on bad input.
import { parseArgs } from 'node:util';
import { breakingChanges, bundleContract, bundleRevision, compareContracts, gitRoot } from './contract-diff.js';

const usage =
  'usage: pnpm diff --base <git ref> [--head <git ref>] [--json]\n  compares openapi/ at <base> with the working tree (or <head>) and exits 1 on breaking changes';

async function main(): Promise<number> {
  let values: { base?: string; head?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.base) {
    console.error(`--base is required\n${usage}`);
    return 2;
  }
  const repo = await gitRoot();
  const headName = values.head ?? 'the working tree';
  let base: object;
  let head: object;
  try {
    base = await bundleRevision(values.base, repo);
    head = values.head ? await bundleRevision(values.head, repo) : await bundleContract(repo);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const changes = compareContracts(base, head);
  const breaking = breakingChanges(base, head);
  if (values.json) {
    console.log(JSON.stringify({ base: values.base, head: headName, breaking, changes: changes.length }, null, 2));
  } else if (breaking.length) {
    console.log(`${breaking.length} breaking change(s) in the contract from ${values.base} to ${headName}:`);
    for (const change of breaking) console.log(`  ${change.operation ?? '(document)'}: ${change.message}`);
    console.log('Deliberate breaking changes, and why, are listed in README.md ("Deliberate breaking changes").');
  } else {
    console.log(
      `No breaking changes in the contract from ${values.base} to ${headName} (${changes.length} other change(s)).`,
    );
  }
  return breaking.length ? 1 : 0;
}

process.exitCode = await main();
