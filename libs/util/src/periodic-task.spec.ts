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

  it('with unref, its timer does not hold the process; without, it does', async () => {
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const background = new PeriodicTask(() => Promise.resolve(), () => undefined);
    const foreground = new PeriodicTask(() => Promise.resolve(), () => undefined);
    background.start(1000, { runNow: false, unref: true });
    foreground.start(1000, { runNow: false });
    const [backgroundTimer, foregroundTimer] = setIntervalSpy.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(backgroundTimer?.hasRef()).toBe(false);
    expect(foregroundTimer?.hasRef()).toBe(true);
    await background.stop();
    await foreground.stop();
    setIntervalSpy.mockRestore();
  });

  it('stays stopped: a start() after stop() runs nothing', async () => {
    let runs = 0;
    const task = new PeriodicTask(() => (runs++, Promise.resolve()), () => undefined);
    await task.stop();
    task.start(1000, { runNow: true });
    jest.advanceTimersByTime(5000);
    expect(runs).toBe(0);
  });

  it('stop() resolves only after the run in progress has ended', async () => {
    let release: (() => void) | undefined;
    let ended = false;
    const task = new PeriodicTask(
      () => new Promise<void>((resolve) => (release = resolve)).then(() => void (ended = true)),
      () => undefined,
    );
    task.start(1000, { runNow: true });
    const stopped = task.stop();
    let stopResolved = false;
    void stopped.then(() => (stopResolved = true));
    await Promise.resolve();
    expect(stopResolved).toBe(false);
    release!();
    await stopped;
    expect(ended).toBe(true);
  });
});
