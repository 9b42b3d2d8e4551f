export interface PeriodicTaskStart {
  /** Run once at start() too, not only after the first interval. */
  readonly runNow: boolean;
  /**
   * The timer does not keep the process alive: for background upkeep
   * (measuring lag, refreshing a cache) that must never hold a process
   * which has nothing else left to do.
   */
  readonly unref?: boolean;
}

/**
 * Work repeated on a timer, one run at a time: a beat that comes while the
 * previous run is still going is skipped; stop() waits for the run in
 * progress. A failed run is reported and the next beat runs again. A
 * stopped task stays stopped: a start() that comes after stop() (a
 * shutdown while the owner was still starting) does nothing.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(everyMs: number, options: PeriodicTaskStart): void {
    if (this.stopped) return;
    this.timer = setInterval(() => this.beat(), everyMs);
    if (options.unref === true) this.timer.unref();
    if (options.runNow) this.beat();
  }

  /** Stops the beats at once; resolves when the run in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private beat(): void {
    if (this.running !== undefined) return;
    this.running = this.work()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
  }
}
