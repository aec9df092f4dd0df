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
export { SqliteStore, StorageError } from './sqlite-store.js';
export * from './store.js';
