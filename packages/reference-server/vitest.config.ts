import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'reference-server',
    include: ['test/**/*.test.ts'],
    // A throw-away PostgreSQL cluster for the PostgreSQL store's tests.
    globalSetup: ['test/postgres-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
