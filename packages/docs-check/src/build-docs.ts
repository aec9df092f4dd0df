// Renders a bundle with the same command and options as `pnpm run docs`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redoclyBin, repoRoot } from './paths.js';

const run = promisify(execFile);

export async function buildDocs(bundlePath: string, outputPath: string, cwd = repoRoot): Promise<void> {
  await run(redoclyBin, ['build-docs', bundlePath, '--inlineBundle', '--output', outputPath], {
    cwd,
    env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
}
