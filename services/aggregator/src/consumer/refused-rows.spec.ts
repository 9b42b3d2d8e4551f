import { insertIsolatingRefusals, TooManyRefusedRowsError } from './refused-rows';

class Refused extends Error {}
class Unavailable extends Error {}

/** A store that refuses any insert holding a bad row; `succeeded` keeps the rows of the inserts it accepted. */
function fakeStore(bad: ReadonlySet<number>, options: { transientAt?: number } = {}) {
  const inserts: number[][] = [];
  const succeeded: number[][] = [];
  return {
    inserts,
    succeeded,
    insert: (rows: readonly number[]) => {
      inserts.push([...rows]);
      if (inserts.length === options.transientAt) return Promise.reject(new Unavailable('connect ECONNREFUSED'));
      if (rows.some((r) => bad.has(r))) return Promise.reject(new Refused(`row refused among ${rows.length}`));
      succeeded.push([...rows]);
      return Promise.resolve();
    },
  };
}

const refusal = (error: unknown) => (error instanceof Refused ? error.message : undefined);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const log2Ceil = (n: number) => Math.ceil(Math.log2(n));

describe('insertIsolatingRefusals', () => {
  it('writes a batch ClickHouse accepts in one insert', async () => {
    const store = fakeStore(new Set());
    const result = await insertIsolatingRefusals(range(1_000), { insert: store.insert, refusal, maxRefused: 10 });
    expect(result).toEqual({ refused: [], inserts: 1 });
    expect(store.inserts).toEqual([range(1_000)]);
  });

  it('makes no insert for no rows', async () => {
    const store = fakeStore(new Set());
    expect(await insertIsolatingRefusals([], { insert: store.insert, refusal, maxRefused: 10 })).toEqual({ refused: [], inserts: 0 });
    expect(store.inserts).toEqual([]);
  });

  it('halves a refused batch, left half first, until the refused row is alone', async () => {
    const store = fakeStore(new Set([5]));
    const result = await insertIsolatingRefusals(range(8), { insert: store.insert, refusal, maxRefused: 10 });
    expect(store.inserts).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7], // refused
      [0, 1, 2, 3], // written
      [4, 5, 6, 7], // refused
      [4, 5], // refused
      [4], // written
      [5], // refused alone: isolated
      [6, 7], // written
    ]);
    expect(result).toEqual({ refused: [{ row: 5, refusal: 'row refused among 1' }], inserts: 7 });
  });

  it('splits an odd batch with the larger half first', async () => {
    const store = fakeStore(new Set([0]));
    await insertIsolatingRefusals(range(5), { insert: store.insert, refusal, maxRefused: 10 });
    expect(store.inserts.slice(0, 3)).toEqual([[0, 1, 2, 3, 4], [0, 1, 2], [0, 1]]);
  });

  it('10,000 rows with 3 refused: the 3 isolated, each of the 9,997 in exactly one successful insert, at most 1 + 2·k·⌈log2 N⌉ inserts', async () => {
    const bad = new Set([17, 5_000, 9_999]);
    const store = fakeStore(bad);
    const result = await insertIsolatingRefusals(range(10_000), { insert: store.insert, refusal, maxRefused: 10 });
    expect(result.refused.map((r) => r.row)).toEqual([17, 5_000, 9_999]);
    const written = store.succeeded.flat();
    expect(written).toHaveLength(9_997);
    expect(new Set(written).size).toBe(9_997);
    expect(written.some((r) => bad.has(r))).toBe(false);
    expect(result.inserts).toBe(store.inserts.length);
    expect(result.inserts).toBeLessThanOrEqual(1 + 2 * 3 * log2Ceil(10_000));
  });

  it('stays within the bound wherever the refused rows are (fixed pseudo-random positions)', async () => {
    let seed = 42;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    for (let run = 0; run < 50; run++) {
      const n = 1 + (next() % 5_000);
      const k = 1 + (next() % 8);
      const bad = new Set(Array.from({ length: k }, () => next() % n));
      const store = fakeStore(bad);
      const result = await insertIsolatingRefusals(range(n), { insert: store.insert, refusal, maxRefused: 10 });
      expect(result.refused.map((r) => r.row)).toEqual([...bad].sort((a, b) => a - b));
      expect(store.succeeded.flat().sort((a, b) => a - b)).toEqual(range(n).filter((r) => !bad.has(r)));
      expect(result.inserts).toBeLessThanOrEqual(1 + 2 * bad.size * Math.max(1, log2Ceil(n)));
    }
  });

  it('a single row refused alone is isolated with its refusal', async () => {
    const store = fakeStore(new Set([0]));
    expect(await insertIsolatingRefusals([0], { insert: store.insert, refusal, maxRefused: 10 })).toEqual({
      refused: [{ row: 0, refusal: 'row refused among 1' }],
      inserts: 1,
    });
  });

  it('a transient failure in the middle of splitting propagates and sets nothing aside', async () => {
    const store = fakeStore(new Set([5]), { transientAt: 4 }); // the insert of [4, 5]
    await expect(insertIsolatingRefusals(range(8), { insert: store.insert, refusal, maxRefused: 10 })).rejects.toBeInstanceOf(Unavailable);
    expect(store.inserts).toHaveLength(4); // stopped there: the caller retries the whole batch
  });

  it('a transient failure of a row alone propagates too: the row is not taken for refused', async () => {
    const store = fakeStore(new Set([5]), { transientAt: 6 }); // the insert of [5] alone
    await expect(insertIsolatingRefusals(range(8), { insert: store.insert, refusal, maxRefused: 10 })).rejects.toBeInstanceOf(Unavailable);
    expect(store.inserts[5]).toEqual([5]);
  });

  it('a transient failure of the first insert propagates after that one insert', async () => {
    const store = fakeStore(new Set(), { transientAt: 1 });
    await expect(insertIsolatingRefusals(range(8), { insert: store.insert, refusal, maxRefused: 10 })).rejects.toBeInstanceOf(Unavailable);
    expect(store.inserts).toHaveLength(1);
  });

  it('gives up, as on a transient failure, once more rows than maxRefused are refused (the schema, not the rows)', async () => {
    const store = fakeStore(new Set(range(1_000))); // everything refused
    const failure = insertIsolatingRefusals(range(1_000), { insert: store.insert, refusal, maxRefused: 3 });
    await expect(failure).rejects.toBeInstanceOf(TooManyRefusedRowsError);
    await expect(failure).rejects.toThrow(/more than 3 rows of one write and accepted none.*last refusal: row refused among 1/);
    // It stopped at the fourth refused row instead of trying all 1,000 alone.
    expect(store.inserts.filter((rows) => rows.length === 1)).toHaveLength(4);
  });

  it('sets aside any number of refused rows once a slice of the write was written (bad rows, not the schema)', async () => {
    const bad = new Set(range(1_000).filter((r) => r % 10 === 3)); // 100 bad rows among good ones
    const store = fakeStore(bad);
    const result = await insertIsolatingRefusals(range(1_000), { insert: store.insert, refusal, maxRefused: 3 });
    expect(result.refused.map((r) => r.row)).toEqual([...bad]);
    expect(store.succeeded.flat().sort((a, b) => a - b)).toEqual(range(1_000).filter((r) => !bad.has(r)));
  });

  it('with maxRefused 0, fails at the first refusal without splitting', async () => {
    const store = fakeStore(new Set([5]));
    await expect(insertIsolatingRefusals(range(8), { insert: store.insert, refusal, maxRefused: 0 })).rejects.toBeInstanceOf(Refused);
    expect(store.inserts).toHaveLength(1);
  });

  it('sets aside every row when all are refused and the limit allows it: 2N - 1 inserts', async () => {
    const store = fakeStore(new Set(range(16)));
    const result = await insertIsolatingRefusals(range(16), { insert: store.insert, refusal, maxRefused: 16 });
    expect(result.refused.map((r) => r.row)).toEqual(range(16));
    expect(result.inserts).toBe(31);
  });

  it('calls afterInsert after every insert, failed ones included', async () => {
    const store = fakeStore(new Set([5]));
    let calls = 0;
    await insertIsolatingRefusals(range(8), {
      insert: store.insert,
      refusal,
      maxRefused: 10,
      afterInsert: () => {
        calls += 1;
        return Promise.resolve();
      },
    });
    expect(calls).toBe(store.inserts.length);
  });
});
