import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'mock',
    include: ['test/**/*.test.ts'],
    // Starts the mock (static and dynamic) on free ports, and stops them after the tests.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 15_000,
  },
});
