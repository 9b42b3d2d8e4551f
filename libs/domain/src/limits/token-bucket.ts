/**
 * Token buckets, one per key (an ingest source): `ratePerSecond` tokens
 * refill continuously up to `burst`. Taking n tokens either succeeds or
 * says how long until n would be available (for Retry-After).
 */
export interface BucketLimits {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly limits: BucketLimits, private readonly now: () => number = Date.now) {
    if (!(limits.ratePerSecond > 0) || !(limits.burst >= 1)) throw new RangeError('rate must be > 0 and burst >= 1');
  }

  take(key: string, count: number): TakeResult {
    if (count > this.limits.burst) {
      return { ok: false, retryAfterSeconds: Number.POSITIVE_INFINITY };
    }
    const nowMs = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limits.burst, atMs: nowMs };
    const refilled = Math.min(this.limits.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.limits.ratePerSecond);
    if (refilled >= count) {
      this.buckets.set(key, { tokens: refilled - count, atMs: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens: refilled, atMs: nowMs });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((count - refilled) / this.limits.ratePerSecond)) };
  }
}
