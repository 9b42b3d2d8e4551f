/**
 * Pushes events through `POST /v1/events` as an upstream system should:
 * batches, a few requests in flight, an optional rate, and retries where
 * the contract allows them (503 and 429 after their Retry-After, a refused
 * connection with backoff, a request whose pooled connection closed under
 * it once more at once). Sending a batch again is safe: downstream
 * deduplicates events by id. A batch counts as delivered only on a 200
 * that accepted every event; anything else stops the run with the reason.
 */
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { retryOnceOnReset } from './connection-reset';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface PushOptions {
  readonly ingestUrl: string;
  readonly sourceKey: string;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Events per second at most; 0: as fast as the ingest acknowledges. */
  readonly ratePerSecond: number;
  /** Give up on a batch after this long retrying, ms. */
  readonly retryForMs: number;
  readonly fetch?: FetchLike;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly onProgress?: (stats: PushStats) => void;
}

export interface PushStats {
  events: number;
  requests: number;
  retries: number;
  /** Retries by cause: "503", "429", "connection", "reset" (a pooled connection the server had closed). */
  retriesBy: Record<string, number>;
}

export class PushError extends Error {}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds of a Retry-After header (delta seconds or an HTTP date), within [0.1, 60]. */
export function retryAfterMs(header: string | null, fallbackMs: number, nowMs: number): number {
  if (header === null) return fallbackMs;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - nowMs;
  return Number.isFinite(ms) ? Math.min(60_000, Math.max(100, ms)) : fallbackMs;
}

export class IngestClient {
  readonly stats: PushStats = { events: 0, requests: 0, retries: 0, retriesBy: {} };
  private readonly fetch: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;
  private readonly started: number;
  private buffer: AnyCloudEventV1[] = [];

  constructor(private readonly options: PushOptions) {
    this.fetch = options.fetch ?? (fetch as unknown as FetchLike);
    this.sleep = options.sleep ?? sleepMs;
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Queues events; sends full batches, waiting while `concurrency` requests are in flight. */
  async push(events: readonly AnyCloudEventV1[]): Promise<void> {
    for (const event of events) {
      this.buffer.push(event);
      if (this.buffer.length >= this.options.batchSize) await this.send(this.takeBatch());
    }
  }

  /** Sends what is queued and waits for every request. */
  async flush(): Promise<PushStats> {
    if (this.buffer.length > 0) await this.send(this.takeBatch());
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    return this.stats;
  }

  /** A failed batch stops the run: nothing after it is sent. */
  private throwIfFailed(): void {
    const failure: Error | undefined = this.failure;
    if (failure !== undefined) throw failure;
  }

  private takeBatch(): AnyCloudEventV1[] {
    const batch = this.buffer;
    this.buffer = [];
    return batch;
  }

  private async send(batch: AnyCloudEventV1[]): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
    this.throwIfFailed();
    if (this.options.ratePerSecond > 0) {
      // Hold the batch until the average rate since the start allows it.
      const dueAt = this.started + ((this.stats.events + batch.length) / this.options.ratePerSecond) * 1000;
      const wait = dueAt - this.now();
      if (wait > 0) await this.sleep(wait);
    }
    const request = this.deliver(batch).then(
      () => {
        this.inFlight.delete(request);
      },
      (error: unknown) => {
        this.inFlight.delete(request);
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    this.inFlight.add(request);
  }

  private async deliver(batch: AnyCloudEventV1[]): Promise<void> {
    const body = JSON.stringify(batch);
    const deadline = this.now() + this.options.retryForMs;
    let backoff = 250;
    for (;;) {
      let retryIn: number;
      let cause: string;
      try {
        // A stale keep-alive connection is not an outage: sent again at once,
        // not after the backoff below (which takes over if that fails too).
        const response = await retryOnceOnReset(
          () => {
            this.stats.requests++;
            return this.fetch(`${this.options.ingestUrl}/v1/events`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/cloudevents-batch+json', Authorization: `Bearer ${this.options.sourceKey}` },
              body,
              signal: AbortSignal.timeout(60_000),
            });
          },
          () => this.countRetry('reset'),
        );
        const text = await response.text();
        if (response.status === 200) {
          const result = JSON.parse(text) as { accepted: number; rejected: number; rejections: { index: number; reason: string }[] };
          if (result.rejected > 0 || result.accepted !== batch.length) {
            const sample = result.rejections.slice(0, 5).map((r) => `#${r.index}: ${r.reason}`);
            throw new PushError(`the ingest rejected ${result.rejected} of ${batch.length} events: ${sample.join('; ')}`);
          }
          this.stats.events += batch.length;
          this.options.onProgress?.(this.stats);
          return;
        }
        if (response.status !== 503 && response.status !== 429) {
          throw new PushError(`the ingest answered ${response.status}: ${problemDetail(text)}`);
        }
        cause = String(response.status);
        retryIn = retryAfterMs(response.headers.get('retry-after'), backoff, this.now());
      } catch (error) {
        if (error instanceof PushError) throw error;
        cause = 'connection';
        retryIn = backoff;
        if (this.now() + retryIn > deadline) {
          throw new PushError(`cannot reach the ingest at ${this.options.ingestUrl}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
        }
      }
      if (this.now() + retryIn > deadline) {
        throw new PushError(`the ingest kept answering ${cause} for ${Math.round(this.options.retryForMs / 1000)} s; giving up`);
      }
      this.countRetry(cause);
      await this.sleep(retryIn);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  private countRetry(cause: string): void {
    this.stats.retries++;
    this.stats.retriesBy[cause] = (this.stats.retriesBy[cause] ?? 0) + 1;
  }
}

function problemDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string };
    return body.detail ?? body.title ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}
