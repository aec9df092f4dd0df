import { describe, expect, it } from 'vitest';
import { measureSize } from '../scripts/measure-size.mjs';

describe('bundle size', () => {
  it('bundles for browsers and adds under 2 kB gzipped to openapi-fetch', async () => {
    const { client, openapiFetchCreateClient, addedGzipped } = await measureSize();
    expect(client.gzipped).toBeGreaterThan(openapiFetchCreateClient.gzipped);
    expect(addedGzipped).toBeLessThan(2048);
  });
});
