import { afterAll, beforeAll, test } from 'vitest';
import { startReferenceTarget, type StartedTarget } from '../src/targets.js';
import { expectReferencePasses } from './reference-checks.js';

let server: StartedTarget;
beforeAll(async () => {
  server = await startReferenceTarget();
});
afterAll(async () => {
  await server?.close();
});

test('the reference server passes; only what it cannot produce (500, the DELETE success it does not use) is skipped, each with a reason', async () => {
  await expectReferencePasses(server);
});
