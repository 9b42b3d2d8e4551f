import { WriteBatcher, WriterStoppedError } from './write-batcher';

describe('WriteBatcher', () => {
  it('writes when maxRows are waiting, in one write across callers', async () => {
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>({ maxRows: 5, maxDelayMs: 60_000, write: (rows) => { writes.push(rows); return Promise.resolve(); } });
    const a = batcher.add([1, 2]);
    const b = batcher.add([3, 4, 5]);
    await Promise.all([a, b]);
    expect(writes).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('writes after maxDelayMs when fewer rows wait', async () => {
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>({ maxRows: 1_000, maxDelayMs: 30, write: (rows) => { writes.push(rows); return Promise.resolve(); } });
    const started = Date.now();
    await batcher.add([1]);
    expect(writes).toEqual([[1]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
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
});
