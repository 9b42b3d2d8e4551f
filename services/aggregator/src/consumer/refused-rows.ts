/** A row the store refused, with the refusal. */
export interface RefusedRow<T, R> {
  readonly row: T;
  readonly refusal: R;
}

export interface IsolationOptions<T, R> {
  /** Writes rows in one insert; throws what the store threw. */
  readonly insert: (rows: readonly T[]) => Promise<void>;
  /** The refusal of the data that `error` reports, or undefined when the failure is transient. */
  readonly refusal: (error: unknown) => R | undefined;
  /**
   * Most rows one call may set aside before any row of it is written (0:
   * none; a refusal then fails the call at once, as a transient failure
   * does). A store that refuses that many rows alone and accepts none is
   * refusing the shape of the data (a missing migration, a broken view),
   * not a few bad rows: setting them all aside would empty the stream into
   * the dead-letter topic, so the call fails as a transient failure would.
   * Once a slice of the call is written, the store accepts the shape, and
   * every refused row is set aside, however many.
   */
  readonly maxRefused: number;
  /** Called after every insert, for example to keep a consumer's group membership alive. */
  readonly afterInsert?: () => Promise<void>;
}

export interface Isolation<T, R> {
  /** The refused rows in their order, each refused alone. */
  readonly refused: RefusedRow<T, R>[];
  /** Inserts made, the first (whole) one included. */
  readonly inserts: number;
}

export class TooManyRefusedRowsError extends Error {
  constructor(
    readonly maxRefused: number,
    override readonly cause: unknown,
  ) {
    super(
      `the store refused more than ${maxRefused} rows of one write and accepted none, which points to the schema or a view rather than to bad rows; ` +
        `the write is retried whole (last refusal: ${cause instanceof Error ? cause.message.trim() : String(cause)})`,
    );
    this.name = 'TooManyRefusedRowsError';
  }
}

/**
 * Inserts `rows`; when the store refuses the data, splits the batch in
 * halves, recursively, until each refused row is alone, and writes the rest.
 * Resolves with the refused rows once every other row is in a successful
 * insert.
 *
 * Cost: a failed slice of more than one row makes two inserts, and only a
 * slice holding a refused row fails, so N rows with k refused ones take at
 * most 1 + 2·k·⌈log2 N⌉ inserts (10,000 rows with 3 refused: at most 85).
 *
 * A transient failure at any depth rejects with that error and sets nothing
 * aside: the caller retries the whole batch. A row is only ever reported
 * refused after an insert of that row alone was refused.
 *
 * The store must be idempotent in the rows: a refused insert may have
 * written part of its rows (ClickHouse writes a table's block before the
 * materialized views that may then refuse it), and every good row of a
 * refused slice is written again in a smaller one.
 */
export async function insertIsolatingRefusals<T, R>(rows: readonly T[], options: IsolationOptions<T, R>): Promise<Isolation<T, R>> {
  const refused: RefusedRow<T, R>[] = [];
  let inserts = 0;
  let written = 0;
  const attempt = async (slice: readonly T[]): Promise<void> => {
    let failure: unknown;
    let failed = false;
    inserts += 1;
    try {
      await options.insert(slice);
    } catch (error) {
      failed = true;
      failure = error;
    }
    await options.afterInsert?.();
    if (!failed) {
      written += slice.length;
      return;
    }
    const refusal = options.refusal(failure);
    // With nothing to set aside, a refusal is retried as it is, without splitting.
    if (refusal === undefined || options.maxRefused === 0) throw failure;
    if (slice.length === 1) {
      refused.push({ row: slice[0]!, refusal });
      if (written === 0 && refused.length > options.maxRefused) throw new TooManyRefusedRowsError(options.maxRefused, failure);
      return;
    }
    const middle = Math.ceil(slice.length / 2);
    await attempt(slice.slice(0, middle));
    await attempt(slice.slice(middle));
  };
  if (rows.length > 0) await attempt(rows);
  return { refused, inserts };
}
