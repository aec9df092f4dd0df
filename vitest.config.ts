import { defineConfig } from 'vitest/config';

// Each folder listed here has its own vitest.config.ts (its globalSetup starts what it needs).
export default defineConfig({
  test: {
    projects: ['test', 'packages/*'],
  },
});
