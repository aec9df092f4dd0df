export interface RateLimit {
  requests: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed-window counter per key (token subject, or client address when unauthenticated). */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep = Date.now();

  constructor(readonly limit: RateLimit) {
    if (!(limit.requests > 0) || !(limit.windowMs > 0))
      throw new Error('rate limit needs requests > 0 and windowMs > 0');
  }

  take(key: string, now = Date.now()): RateDecision {
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.limit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit.requests) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.limit.windowMs - now) / 1000)),
    };
  }

  // Drops finished windows so that the map does not grow with every client ever seen.
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.limit.windowMs) return;
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.limit.windowMs) this.#windows.delete(key);
    }
  }
}
