import { startMock } from '@org-membership-api/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The mock answering with the contract's examples. */
    mockUrl: string;
  }
}

/** Starts the mock on a free port for published-requests.test.ts, and stops it after the tests. */
export default async function setup(project: TestProject) {
  const mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  return () => mock.close();
}
