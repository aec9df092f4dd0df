import type { TestProject } from 'vitest/node';
import { startMock } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The mock answering with the contract's examples. */
    mockUrl: string;
    /** The mock generating responses from the schemas (`dynamic: true`). */
    dynamicMockUrl: string;
  }
}

/** Starts the mock on free ports for the tests, and stops it after them. */
export default async function setup(project: TestProject) {
  const mock = await startMock({ port: 0 });
  const dynamicMock = await startMock({ port: 0, dynamic: true });
  project.provide('mockUrl', mock.url);
  project.provide('dynamicMockUrl', dynamicMock.url);
  return async () => {
    await Promise.all([mock.close(), dynamicMock.close()]);
  };
}
