/**
 * Work repeated on a timer, one run at a time: a beat that comes while the
 * previous run is still going is skipped; stop() waits for the run in
 * progress. A failed run is reported and the next beat runs again.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(everyMs: number, options: { readonly runNow: boolean }): void {
    this.timer = setInterval(() => this.beat(), everyMs);
    if (options.runNow) this.beat();
  }

  async stop(): Promise<void> {
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
