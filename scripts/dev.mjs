#!/usr/bin/env node
// `pnpm dev`: the edit loop lives in packages/docs-check (TypeScript, run with tsx).
import { register } from 'tsx/esm/api';

register();
await import('../packages/docs-check/src/dev-cli.ts');
