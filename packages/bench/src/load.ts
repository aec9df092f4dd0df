import autocannon, { type Request } from 'autocannon';
import { rotate, spread, type Spread } from './stats.js';

export interface LoadSubject {
  name: string;
  /** `subject` is ours; a `baseline` is what it is compared with. */
  role: 'subject' | 'baseline';
  url: string;
  request: Request;
  /** The only status code the request may answer with. */
  expectedStatus: number;
}

export interface LoadResult {
  name: string;
  role: 'subject' | 'baseline';
  reqPerSec: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  requests: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Answers with another status than the expected one. */
  unexpected: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Bound each run by this many requests instead of by time (tiny runs). */
  amount?: number;
}

/**
 * One autocannon run, bounded in time, or by a number of requests when `amount` is set
 * (autocannon checks the time once a second, so runs shorter than 1 s need `amount`).
 */
export async function runLoad(
  url: string,
  request: Request,
  connections: number,
  seconds: number,
  options: { requests?: Request[]; amount?: number } = {},
) {
  // autocannon takes the path from the URL (a top-level `path` option is ignored).
  const { path, ...rest } = request;
  return autocannon({
    url: url + (path ?? ''),
    connections,
    timeout: 10,
    ...(options.amount ? { amount: options.amount } : { duration: seconds }),
    ...rest,
    ...(options.requests && { requests: options.requests }),
  });
}

/**
 * Measures the subjects side by side: each gets the same warm-up, then every round runs
 * each subject once, in an order rotated from round to round, so that a burst of noise on
 * the shared machine falls on all of them alike.
 */
export async function compareLoad(subjects: readonly LoadSubject[], options: LoadOptions): Promise<LoadResult[]> {
  const runs = new Map(subjects.map((s) => [s.name, [] as Awaited<ReturnType<typeof runLoad>>[]]));
  if (options.warmupSeconds > 0) {
    for (const s of subjects)
      await runLoad(s.url, s.request, options.connections, options.warmupSeconds, { amount: options.amount });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const s of rotate(subjects, round))
      runs
        .get(s.name)!
        .push(await runLoad(s.url, s.request, options.connections, options.seconds, { amount: options.amount }));
  }
  return subjects.map((s) => {
    const results = runs.get(s.name)!;
    const statusCodes: Record<string, number> = {};
    for (const r of results)
      for (const [code, { count }] of Object.entries(r.statusCodeStats))
        statusCodes[code] = (statusCodes[code] ?? 0) + count;
    return {
      name: s.name,
      role: s.role,
      reqPerSec: spread(results.map((r) => r.requests.total / r.duration)),
      p50Ms: spread(results.map((r) => r.latency.p50)),
      p99Ms: spread(results.map((r) => r.latency.p99)),
      requests: results.reduce((sum, r) => sum + r.requests.total, 0),
      errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      statusCodes,
      unexpected: Object.entries(statusCodes).reduce(
        (sum, [code, count]) => sum + (code === String(s.expectedStatus) ? 0 : count),
        0,
      ),
    };
  });
}
