/**
 * Gathers rows from the batches of many partitions into few, large writes:
 * a write happens when `maxRows` are waiting, or the oldest has waited
 * `maxDelayMs`, or every caller in flight waits and `minRowsWhenAllWaiting`
 * rows are gathered. `add` resolves only after a write containing its rows
 * succeeded, so a consumer commits its offsets after the data is stored.
 *
 * A failed write is retried with capped exponential backoff for as long as
 * it takes (never a crash loop); meanwhile the waiting batches' heartbeats
 * keep their consumer in its group. `stop` gives up: waiting adds reject
 * and their batches are delivered again later.
 */
export interface WriteBatcherOptions<T> {
  readonly maxRows: number;
  readonly maxDelayMs: number;
  /**
   * Write early, without waiting for maxDelayMs, once at least this many
   * rows wait and every caller in flight is waiting (nothing more can
   * arrive until a write frees them). Keeps a backlog moving at full speed
   * while a trickle still makes about one write per maxDelayMs.
   */
  readonly minRowsWhenAllWaiting?: number;
  /** How many callers are in flight (for example partition batches being handled). */
  readonly inFlight?: () => number;
  readonly write: (rows: T[]) => Promise<void>;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly onWrite?: (rows: number, seconds: number) => void;
  readonly onRetry?: (error: unknown, attempt: number, waitMs: number) => void;
}

export class WriterStoppedError extends Error {
  constructor() {
    super('the writer stopped before these rows were written');
    this.name = 'WriterStoppedError';
  }
}

interface Waiting<T> {
  readonly rows: T[];
  readonly heartbeat: () => Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export class WriteBatcher<T> {
  private waiting: Waiting<T>[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  /** Callers whose rows the current write carries: blocked too. */
  private writingCallers = 0;
  private stopped = false;
  private wakeRetry: (() => void) | undefined;
  /** Callers of `room` waiting for the rows ahead of them to go into a write. */
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly options: WriteBatcherOptions<T>) {}

  /** Resolves when `rows` are written; an empty list resolves at once. */
  add(rows: T[], heartbeat: () => Promise<void> = () => Promise.resolve()): Promise<void> {
    if (this.stopped) return Promise.reject(new WriterStoppedError());
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ rows, heartbeat, resolve, reject });
      this.waitingRows += rows.length;
      if (this.waitingRows >= this.options.maxRows || this.allWaiting()) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.maxDelayMs);
    });
  }

  private allWaiting(): boolean {
    const { minRowsWhenAllWaiting, inFlight } = this.options;
    if (minRowsWhenAllWaiting === undefined || inFlight === undefined) return false;
    return this.waitingRows >= minRowsWhenAllWaiting && this.waiting.length + this.writingCallers >= inFlight();
  }

  /**
   * Resolves once fewer than `maxRows` rows wait for a write (the next write
   * has room): a caller that awaits it before taking more work keeps at most
   * one write in progress and one gathered, so memory stays bounded while
   * new rows are prepared during a write.
   */
  room(): Promise<void> {
    if (this.stopped || this.waitingRows < this.options.maxRows) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private releaseRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  get pendingRows(): number {
    return this.waitingRows;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeRetry?.();
    const waiting = this.waiting;
    this.waiting = [];
    this.waitingRows = 0;
    for (const w of waiting) w.reject(new WriterStoppedError());
    this.releaseRoomWaiters();
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.writing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0 && !this.stopped) {
        const batch = this.waiting;
        this.waiting = [];
        this.waitingRows = 0;
        this.releaseRoomWaiters();
        const rows = batch.flatMap((w) => w.rows);
        this.writingCallers = batch.length;
        const written = await this.writeWithRetry(rows, batch);
        this.writingCallers = 0;
        if (written) for (const w of batch) w.resolve();
        else for (const w of batch) w.reject(new WriterStoppedError());
        // Let the released callers finish (they leave the in-flight count),
        // then see whether what arrived meanwhile is already due.
        await new Promise<void>((resolve) => setImmediate(resolve));
        clearTimeout(this.timer);
        this.timer = undefined;
        if (this.waitingRows >= this.options.maxRows || this.allWaiting()) continue;
        if (this.waiting.length > 0) this.timer = setTimeout(() => this.kick(), this.options.maxDelayMs);
        break;
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeWithRetry(rows: T[], batch: Waiting<T>[]): Promise<boolean> {
    const initial = this.options.retryInitialMs ?? 500;
    const max = this.options.retryMaxMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return false;
      const started = process.hrtime.bigint();
      try {
        await this.options.write(rows);
        this.options.onWrite?.(rows.length, Number(process.hrtime.bigint() - started) / 1e9);
        return true;
      } catch (error) {
        const waitMs = Math.min(max, initial * 2 ** (attempt - 1));
        this.options.onRetry?.(error, attempt, waitMs);
        await this.pause(waitMs, batch);
      }
    }
  }

  /** Waits, sending the waiting batches' heartbeats every 3 s; `stop` cuts it short. */
  private async pause(ms: number, batch: Waiting<T>[]): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(3_000, until - Date.now()));
        this.wakeRetry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeRetry = undefined;
      await Promise.all(batch.map((w) => w.heartbeat().catch(() => undefined)));
    }
  }
}
