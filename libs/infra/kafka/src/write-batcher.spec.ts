import { WriteBatcher, WriterStoppedError } from './write-batcher';

describe('WriteBatcher', () => {
  /** A fake clock for the tests about time: what is written before and after it moves, never how long a test took. */
  const useFakeClock = () => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes when maxRows are waiting, in one write across callers', async () => {
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>({ maxRows: 5, maxDelayMs: 60_000, write: (rows) => { writes.push(rows); return Promise.resolve(); } });
    const a = batcher.add([1, 2]);
    const b = batcher.add([3, 4, 5]);
    await Promise.all([a, b]);
    expect(writes).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('writes after maxDelayMs when fewer rows wait', async () => {
    useFakeClock();
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>({ maxRows: 1_000, maxDelayMs: 30, write: (rows) => { writes.push(rows); return Promise.resolve(); } });
    let resolved = false;
    const added = batcher.add([1]).then(() => { resolved = true; });
    await jest.advanceTimersByTimeAsync(29);
    expect(writes).toEqual([]);
    expect(resolved).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await added;
    expect(writes).toEqual([[1]]);
  });

  it('writes early when every caller in flight waits and enough rows are gathered', async () => {
    const writes: number[][] = [];
    let inFlight = 2;
    const batcher = new WriteBatcher<number>({
      maxRows: 1_000,
      maxDelayMs: 60_000,
      minRowsWhenAllWaiting: 3,
      inFlight: () => inFlight,
      write: (rows) => { writes.push(rows); return Promise.resolve(); },
    });
    const a = batcher.add([1, 2]); // one of two in flight waits: no write
    await new Promise((r) => setTimeout(r, 5));
    expect(writes).toEqual([]);
    const b = batcher.add([3]); // both wait, 3 rows: write now
    await Promise.all([a, b]);
    expect(writes).toEqual([[1, 2, 3]]);
    inFlight = 1;
    const small = batcher.add([4]); // all waiting but below the minimum: waits for the timer
    await new Promise((r) => setTimeout(r, 5));
    expect(writes).toHaveLength(1);
    batcher.stop();
    await expect(small).rejects.toBeInstanceOf(WriterStoppedError);
  });

  it('after a write, rows that arrived meanwhile go at once when their callers are all that is left in flight', async () => {
    useFakeClock();
    const writes: number[][] = [];
    let inFlight = 0;
    let releaseFirst!: () => void;
    const firstWrite = new Promise<void>((r) => (releaseFirst = r));
    const batcher = new WriteBatcher<number>({
      maxRows: 1_000,
      maxDelayMs: 60_000,
      minRowsWhenAllWaiting: 3,
      inFlight: () => inFlight,
      write: (rows) => { writes.push(rows); return writes.length === 1 ? firstWrite : Promise.resolve(); },
    });
    // Each caller is "in flight" from before its add until after it resolves, as a partition batch is.
    const caller = async (rows: number[]) => {
      inFlight += 1;
      try {
        await batcher.add(rows);
      } finally {
        inFlight -= 1;
      }
    };
    const first = caller([1, 2, 3]); // alone in flight with 3 rows: written at once
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([[1, 2, 3]]);
    const second = caller([4, 5, 6]); // arrives during the first write
    releaseFirst();
    // The clock does not move: the second write cannot come from the 60 s timer.
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([[1, 2, 3], [4, 5, 6]]);
    await Promise.all([first, second]);
  });

  it('retries a failed write until it succeeds, sending heartbeats, and only then resolves', async () => {
    let attempts = 0;
    let heartbeats = 0;
    const retries: number[] = [];
    const batcher = new WriteBatcher<number>({
      maxRows: 1,
      maxDelayMs: 10,
      retryInitialMs: 5,
      retryMaxMs: 20,
      write: () => (++attempts < 4 ? Promise.reject(new Error('ClickHouse down')) : Promise.resolve()),
      onRetry: (_e, attempt, waitMs) => retries.push(attempt * 1000 + waitMs),
    });
    let resolved = false;
    const done = batcher.add([1], () => { heartbeats++; return Promise.resolve(); }).then(() => { resolved = true; });
    await done;
    expect(resolved).toBe(true);
    expect(attempts).toBe(4);
    expect(retries).toEqual([1005, 2010, 3020]);
    expect(heartbeats).toBeGreaterThanOrEqual(3);
  });

  it('stop rejects what is waiting or being retried: nothing is reported written', async () => {
    const batcher = new WriteBatcher<number>({ maxRows: 1, maxDelayMs: 10, retryInitialMs: 50, write: () => Promise.reject(new Error('down')) });
    const pending = batcher.add([1]);
    await new Promise((r) => setTimeout(r, 20));
    batcher.stop();
    await expect(pending).rejects.toBeInstanceOf(WriterStoppedError);
    await expect(batcher.add([2])).rejects.toBeInstanceOf(WriterStoppedError);
  });

  it('rows arriving during a write go into the next write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const batcher = new WriteBatcher<number>({
      maxRows: 2,
      maxDelayMs: 10,
      write: (rows) => { writes.push(rows); return writes.length === 1 ? first : Promise.resolve(); },
    });
    const a = batcher.add([1, 2]);
    await new Promise((r) => setTimeout(r, 5));
    const b = batcher.add([3]);
    release();
    await Promise.all([a, b]);
    expect(writes).toEqual([[1, 2], [3]]);
  });

  it('room waits while a full write is gathered behind the one under way, and frees its callers when that write starts or the batcher stops', async () => {
    useFakeClock();
    const writes: number[][] = [];
    let releaseFirst!: () => void;
    const firstWrite = new Promise<void>((r) => (releaseFirst = r));
    const batcher = new WriteBatcher<number>({
      maxRows: 2,
      maxDelayMs: 60_000,
      write: (rows) => { writes.push(rows); return writes.length === 1 ? firstWrite : Promise.resolve(); },
    });
    await expect(batcher.room()).resolves.toBeUndefined(); // nothing waits
    const a = batcher.add([1, 2]); // full: written at once
    await jest.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([[1, 2]]);
    await expect(batcher.room()).resolves.toBeUndefined(); // taken by the write: room again
    const b = batcher.add([3, 4]); // a full write waits behind the first
    let roomy = false;
    void batcher.room().then(() => { roomy = true; });
    await jest.advanceTimersByTimeAsync(0);
    expect(roomy).toBe(false);
    releaseFirst();
    await jest.advanceTimersByTimeAsync(0);
    expect(roomy).toBe(true);
    expect(writes).toEqual([[1, 2], [3, 4]]);
    await Promise.all([a, b]);

    let releaseThird!: () => void;
    const stopping = new WriteBatcher<number>({ maxRows: 1, maxDelayMs: 60_000, write: () => new Promise<void>((r) => (releaseThird = r)) });
    const c = stopping.add([5]);
    const d = stopping.add([6]);
    await jest.advanceTimersByTimeAsync(0);
    const stoppedRoom = stopping.room();
    stopping.stop();
    await expect(stoppedRoom).resolves.toBeUndefined();
    await expect(d).rejects.toBeInstanceOf(WriterStoppedError);
    releaseThird(); // the write under way at the stop succeeds: its rows are written
    await expect(c).resolves.toBeUndefined();
  });
});
