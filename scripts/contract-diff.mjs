#!/usr/bin/env node
// `pnpm diff`: the breaking-change check lives in packages/docs-check (TypeScript, run with tsx).
import { register } from 'tsx/esm/api';

register();
await import('../packages/docs-check/src/contract-diff-cli.ts');
