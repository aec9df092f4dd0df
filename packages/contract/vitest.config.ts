import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'contract',
    include: ['test/**/*.test.ts'],
    // Each file starts its own target on a free port and runs Dredd once.
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
