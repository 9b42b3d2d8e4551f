import { TokenBuckets, type TakeResult } from '@sferum/domain';
import { ProblemException } from './problem.filter';

/** Requests a client may make: `perMinute` on average, `burst` at once. */
export interface RequestRateLimits {
  readonly perMinute: number;
  readonly burst: number;
}

/**
 * One token bucket per client (a key id, or an address where reads are
 * open), one token per request. Buckets are kept for at most `maxClients`
 * clients: past that they all start again full, so clients that change
 * address cannot grow the process without bound.
 */
export class RequestRateLimiter {
  private buckets: TokenBuckets;
  private readonly clients = new Set<string>();

  constructor(
    readonly limits: RequestRateLimits,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 100_000,
  ) {
    this.buckets = this.fresh();
  }

  take(client: string): TakeResult {
    if (!this.clients.has(client)) {
      if (this.clients.size >= this.maxClients) {
        this.clients.clear();
        this.buckets = this.fresh();
      }
      this.clients.add(client);
    }
    return this.buckets.take(client, 1);
  }

  private fresh(): TokenBuckets {
    return new TokenBuckets({ ratePerSecond: this.limits.perMinute / 60, burst: this.limits.burst }, this.now);
  }
}

/** The 429 of a client over its rate: a problem document with Retry-After, as every service answers it. */
export function tooManyRequests(detail: string, retryAfterSeconds: number): ProblemException {
  return new ProblemException(429, detail, {}, { 'Retry-After': String(retryAfterSeconds) });
}
