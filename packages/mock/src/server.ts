import { existsSync } from 'node:fs';
import { paths } from '@org-membership-api/spec';
import './lazy-faker.js';
import { listen } from './listener.js';
import { createRequestHandler } from './pipeline.js';

export interface MockOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 4010, 0 = any free port. */
  port?: number;
  /** Prism dynamic responses (generated from the schemas) instead of the contract's examples. */
  dynamic?: boolean;
  /** The bundled contract; default `<repo>/dist/openapi.json`. */
  specPath?: string;
  /** Receives one line per request (method, path, status, time). Off by default: it costs throughput. */
  log?: (line: string) => void;
  /**
   * Feature flags to report off (`cf disable-feature-flag`): their reads answer the contract's
   * example of the flag turned off, so the cf CLI v6 takes its role routes by user guid.
   */
  disabledFeatureFlags?: readonly string[];
}

export interface RunningMock {
  /** Base URL of the API (both APIs' paths are served from here). */
  url: string;
  /** The rendered docs: `${url}/docs/`. */
  docsUrl: string;
  /** The contract's operations, as served. */
  operations: Array<{ method: string; path: string; operationId: string | undefined }>;
  close(): Promise<void>;
}

export const defaultSpecPath = paths.bundleJson;

export { maxBodyBytes } from './stages/body.js';

/** Starts the mock: Prism (embedded) behind a front layer that accepts what real clients send. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const specPath = options.specPath ?? defaultSpecPath;
  if (!existsSync(specPath)) {
    throw new Error(`${specPath} not found: run \`pnpm bundle\` (or \`npm start\`, which builds what is missing)`);
  }
  const handler = await createRequestHandler({
    specPath,
    dynamic: options.dynamic ?? false,
    log: options.log,
    ...(options.disabledFeatureFlags && { disabledFeatureFlags: options.disabledFeatureFlags }),
  });
  const listener = await listen(handler.handle, { host: options.host ?? '127.0.0.1', port: options.port ?? 4010 });
  return {
    url: listener.url,
    docsUrl: `${listener.url}/docs/`,
    operations: handler.operations.map((op) => ({
      method: op.method.toUpperCase(),
      path: op.path,
      operationId: op.iid,
    })),
    close: listener.close,
  };
}
