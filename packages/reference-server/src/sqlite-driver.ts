import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

// better-sqlite3 12 is the last line that runs on Node 20, but on Node 24 its
// ObjectWrap-based statement wrappers can abort the process when they are collected after
// the environment is torn down (upstream issue 1515). 13 is built on N-API, ships prebuilt
// binaries and fixes that, but needs Node >= 22. Same API: pick the one this Node can run.
const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

export const Database: typeof BetterSqlite3 = require(nodeMajor >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3');
export type Database = BetterSqlite3.Database;
