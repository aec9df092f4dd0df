export {
  startServer,
  createRequestHandler,
  defaultMaxBodyBytes,
  type ServerOptions,
  type RunningServer,
} from './server.js';
export {
  mintToken,
  developmentJwtSecret,
  cloudControllerAudience,
  defaultTokenExpectations,
  type MintTokenOptions,
} from './tokens.js';
export { fixtures, type Fixtures } from './fixtures.js';
export { SqliteStore } from './sqlite-store.js';
export { PgStore, redactDatabaseUrl } from './pg-store.js';
export { openStore, isPostgresUrl } from './open-store.js';
export * from './store.js';
