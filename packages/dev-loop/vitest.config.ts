import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dev-loop',
    include: ['test/**/*.test.ts'],
    // One Chromium at a time: the machine has two cores shared with the other suites.
    fileParallelism: false,
    // Each rebuild renders the docs with the Redocly CLI: seconds each, tens of seconds on a
    // busy machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
