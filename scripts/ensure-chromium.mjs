#!/usr/bin/env node
// The docs test drives Debian's Chromium (browser downloads are not reachable from these
// machines). Installs the `chromium` package when /usr/bin/chromium (or CHROMIUM_PATH) is
// missing; needs root, as on CI. Plain JavaScript: it runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(chromium)) return 0;
  if (process.getuid?.() !== 0) {
    console.error(
      `${chromium} is missing: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
    return 1;
  }
  console.log(`> ${chromium} is missing: apt-get install chromium`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.error?.message})`);
      return 1;
    }
  }
  return existsSync(chromium) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureChromium());
