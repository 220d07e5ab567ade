// A fixed-window counter: at most `max` hits per key per window. In memory, so per process;
// used where a second, global limit must stack on a per-client one (@fastify/rate-limit runs
// only one limit per request).

export interface WindowLimit {
  max: number;
  windowMs: number;
}

export class FixedWindowLimiter {
  private windowStart = -Infinity;
  private counts = new Map<string, number>();

  constructor(readonly limit: WindowLimit) {}

  /** Counts one hit for `key`; false when the key is over its limit in this window. */
  hit(key: string, nowMs: number): boolean {
    // A new window forgets every key, so memory stays bounded by one window's clients.
    if (nowMs - this.windowStart >= this.limit.windowMs) {
      this.windowStart = nowMs;
      this.counts.clear();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= this.limit.max;
  }

  /** Milliseconds until the current window ends. */
  retryAfterMs(nowMs: number): number {
    return Math.max(0, this.windowStart + this.limit.windowMs - nowMs);
  }
}
