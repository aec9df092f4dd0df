import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'contract-source',
    include: ['**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
