// The results of a run, as written to results.json and rendered into RESULTS.md.
import type { BuildStep } from '@org-membership-api/spec/build';
import type { BenchConfig } from './config.js';
import type { LoadResult } from './load.js';
import type { PostgresResults } from './postgres.js';
import type { ProfileSummary } from './profile.js';
import type { Spread } from './stats.js';

export interface Goal {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    mode: string;
    durationSeconds: number;
    cores: number;
    pinned: boolean;
    placement: string;
    loadAverageBefore: number;
    loadAverageAfter: number;
    config: Omit<BenchConfig, 'log' | 'outDir'>;
  };
  clientOverhead: {
    operation: string;
    requestsPerSubject: number;
    clientMedianUs: Spread;
    /** openapi-fetch alone (no auth, retries or timeout; its default WHATWG Requests), for reference. */
    openapiFetchMedianUs: Spread;
    /** Raw fetch with an abort signal on a 30 s timer, as the client gives each attempt: what a timeout costs fetch itself. */
    fetchWithTimeoutMedianUs: Spread;
    fetchMedianUs: Spread;
    /** Median of every openapi-fetch request over the median of every raw fetch. */
    openapiFetchRatio: number;
    /** Median of every client request over the median of every raw fetch. */
    ratio: number;
    /** Median of every client request over the median of every openapi-fetch request: the goal. */
    ratioToOpenapiFetch: number;
    ratioPerRound: Spread;
  };
  clientSize: {
    clientGzipped: number;
    clientMinified: number;
    openapiFetchGzipped: number;
    openapiFetchCreateClientGzipped: number;
    ownCodeGzipped: number;
    addedGzipped: number;
  };
  mock: {
    operation: string;
    connections: number;
    results: LoadResult[];
    ratioToBare: number;
    ratioToPrismCli: number;
    /** Operations of the contract the mock answered with their documented success before the load. */
    operationsAnswered: number;
    /** Spawn to first answered request, each CLI started alone: `pnpm mock`'s command vs `prism mock`. */
    startupMs: { mock: Spread; prismCli: Spread };
  };
  server: {
    connections: number;
    put: { operation: string; results: LoadResult[]; ratioToBare: number };
    delete: { operation: string; results: LoadResult[]; ratioToBare: number };
    overload: {
      connections: number;
      seconds: number;
      rateLimit: { requests: number; windowMs: number };
      requests: number;
      reqPerSec: number;
      statusCodes: Record<string, number>;
      errors: number;
      timeouts: number;
      /** Answers other than 201, 204 and 429. */
      unexpected: number;
      rssMiB: {
        first: number;
        last: number;
        min: number;
        max: number;
        slopeMiBPerMin: number;
        samples: Array<[number, number]>;
      };
      /** RSS of the last third of the run over the first third (after the first 5 s). */
      rssGrowth: number;
    };
  };
  /** The reference server on PostgreSQL beside SQLite, and two instances on one database. */
  postgres: PostgresResults;
  pipeline?: {
    steps: Record<BuildStep, Spread>;
    sumOfSteps: number;
    together: Spread;
    outputsUnchanged: boolean;
    contractCheck: { ms: Spread; passed: number; failed: number; skipped: number };
  };
  /** Our servers, slowest (relative to its bare baseline) first. */
  profiles?: ProfileSummary[];
  goals: Goal[];
}
