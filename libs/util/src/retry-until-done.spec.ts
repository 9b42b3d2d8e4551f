import { RetryUntilDone } from './retry-until-done';

describe('RetryUntilDone', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it('tries at once, retries every retryMs after a failure, and stops at the first success', async () => {
    let tries = 0;
    const retries: string[] = [];
    const step = new RetryUntilDone(
      () => (++tries < 3 ? Promise.reject(new Error(`down ${tries}`)) : Promise.resolve()),
      { retryMs: 2_000, onRetry: (e, ms) => retries.push(`${(e as Error).message} in ${ms}`) },
    );
    await step.start();
    expect(tries).toBe(1);
    jest.advanceTimersByTime(1_999);
    expect(tries).toBe(1);
    jest.advanceTimersByTime(1);
    await flush();
    expect(tries).toBe(2);
    jest.advanceTimersByTime(2_000);
    await flush();
    expect(tries).toBe(3);
    jest.advanceTimersByTime(10_000);
    await flush();
    expect(tries).toBe(3);
    expect(retries).toEqual(['down 1 in 2000', 'down 2 in 2000']);
  });

  it('stop() cancels the next try', async () => {
    let tries = 0;
    const step = new RetryUntilDone(() => (++tries, Promise.reject(new Error('down'))), { retryMs: 1_000, onRetry: () => undefined });
    await step.start();
    step.stop();
    jest.advanceTimersByTime(5_000);
    await flush();
    expect(tries).toBe(1);
  });
});
