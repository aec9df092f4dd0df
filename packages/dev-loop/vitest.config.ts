import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dev-loop',
    include: ['test/**/*.test.ts'],
    // One Chromium at a time: the machine has two cores shared with the other suites.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
