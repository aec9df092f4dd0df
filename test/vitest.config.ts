import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'contract-source',
    include: ['**/*.test.ts'],
    // Starts the mock on a free port for published-requests.test.ts.
    globalSetup: ['global-setup.ts'],
    typecheck: {
      enabled: true,
      include: ['**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
