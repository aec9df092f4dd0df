import { startPostgresCluster, type PostgresCluster } from '@org-membership-api/reference-server/postgres-cluster';
import { afterAll, beforeAll, test } from 'vitest';
import { startReferenceTarget, type StartedTarget } from '../src/targets.js';
import { expectReferencePasses } from './reference-checks.js';

// The same checks against the reference server on PostgreSQL (a throw-away cluster): its
// instances (the others: identity service down, storage failing, DELETE as before 2016) share one database.

let cluster: PostgresCluster;
let server: StartedTarget;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  server = await startReferenceTarget({ database: await cluster.createDatabase('contract') });
});
afterAll(async () => {
  await server?.close();
  await cluster?.destroy();
});

test('the reference server on PostgreSQL passes the same checks as on SQLite', async () => {
  await expectReferencePasses(server);
});
