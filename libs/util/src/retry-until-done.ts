/**
 * A start-up step that waits for a dependency without holding up the
 * service's start (connect to PostgreSQL, create the topics, load the
 * registry, join the consumer group): tried at once, then again every
 * `retryMs` after a failure until it succeeds or stop() is called. Readiness
 * reports the dependency down meanwhile.
 */
export class RetryUntilDone {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly options: { readonly retryMs: number; readonly onRetry: (error: unknown, retryMs: number) => void },
  ) {}

  /** Resolves after the first try, whether it succeeded or a retry is scheduled. */
  async start(): Promise<void> {
    try {
      await this.attempt();
    } catch (error) {
      if (this.stopped) return;
      this.options.onRetry(error, this.options.retryMs);
      this.timer = setTimeout(() => void this.start(), this.options.retryMs);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
