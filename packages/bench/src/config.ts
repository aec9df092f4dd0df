// What a benchmark run does: its settings, and the two modes `pnpm bench` offers.

export interface BenchConfig {
  mode: string;
  /** Rounds of every side-by-side comparison (each figure is the median of these). */
  rounds: number;
  loadSeconds: number;
  /** Bound each load run by this many requests instead of `loadSeconds` (tiny runs only). */
  loadRequests?: number;
  warmupSeconds: number;
  connections: number;
  /** The overload run: `overloadFactor` × the connections, for `overloadSeconds`. */
  overloadFactor: number;
  overloadSeconds: number;
  /** Sequential requests per subject per round in the client overhead comparison. */
  clientRequests: number;
  /** Runs of each contract pipeline command; 0 leaves the pipeline out. */
  pipelineRounds: number;
  /** Seconds of load on each CPU-profiled server; 0 leaves the profiles out. */
  profileSeconds: number;
  /** Pin the load generator and the servers to different cores. */
  pin: boolean;
  /** Where RESULTS.md, results.json and the chart go. */
  outDir: string;
  log?: (line: string) => void;
}

export const modes = {
  full: {
    rounds: 5,
    loadSeconds: 4,
    warmupSeconds: 2,
    connections: 10,
    overloadFactor: 10,
    overloadSeconds: 30,
    clientRequests: 2000,
    pipelineRounds: 3,
    profileSeconds: 8,
  },
  quick: {
    rounds: 3,
    loadSeconds: 1,
    warmupSeconds: 1,
    connections: 10,
    overloadFactor: 10,
    overloadSeconds: 5,
    clientRequests: 300,
    pipelineRounds: 1,
    profileSeconds: 3,
  },
} satisfies Record<string, Omit<BenchConfig, 'mode' | 'pin' | 'outDir' | 'log'>>;
