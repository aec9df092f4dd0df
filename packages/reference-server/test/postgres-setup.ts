import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from '../src/postgres-cluster.js';

// One throw-away PostgreSQL cluster for the whole project; each test file makes its own
// databases in it (createTestDatabase in postgres-support.ts). The outage test starts a
// cluster of its own, since it stops it.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPostgresCluster();
  project.provide('postgresAdminUrl', cluster.url());
}

export async function teardown(): Promise<void> {
  await cluster?.destroy();
}
