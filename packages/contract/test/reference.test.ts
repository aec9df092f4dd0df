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

test('the reference server passes every documented response of every operation, provoked for real, nothing skipped', async () => {
  await expectReferencePasses(server);
});
