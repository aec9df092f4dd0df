#!/usr/bin/env node
// The package's command runs its TypeScript source through tsx (the workspace runs from source).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
