import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs on each beat, one run at a time, and keeps going after a failure', async () => {
    let runs = 0;
    let release: (() => void) | undefined;
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      () => {
        runs++;
        if (runs === 2) return Promise.reject(new Error('boom'));
        return new Promise<void>((resolve) => (release = resolve));
      },
      (e) => errors.push(e),
    );
    task.start(1000, { runNow: true });
    expect(runs).toBe(1);
    jest.advanceTimersByTime(3000); // the first run is still going: beats skipped
    expect(runs).toBe(1);
    release!();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(1000);
    expect(runs).toBe(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(errors).toEqual([new Error('boom')]);
    jest.advanceTimersByTime(1000);
    expect(runs).toBe(3);
    release!();
    await task.stop();
    jest.advanceTimersByTime(5000);
    expect(runs).toBe(3);
  });
});
