import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'docs',
    include: ['test/**/*.test.ts'],
    // One Chromium at a time: the machine has two cores shared with the other suites.
    fileParallelism: false,
    // A check of the whole page (every operation opened in turn) takes over a minute on a loaded machine.
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
