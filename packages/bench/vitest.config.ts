import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The smoke run starts its servers itself, on free ports.
    testTimeout: 60_000,
  },
});
