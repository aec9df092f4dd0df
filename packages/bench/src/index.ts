/// <reference path="./autocannon.d.ts" />
// The ambient types of autocannon travel with the package for programs that import it.
export { runBenchmarks, modes, type BenchConfig, type BenchResults, type Goal } from './run.js';
export { mockProbes, type MockProbe } from './mock.js';
