/**
 * When to record that a key was used (api_key.last_used_at, shown by the
 * keys CLI): at most once a minute per key and process. The UPDATE is
 * guarded the same way in SQL (several processes), but without this every
 * request made a PostgreSQL round trip: about a sixth of the ingest's CPU at
 * batches of one event, and PostgreSQL's share of the same cores.
 */
export const KEY_USE_INTERVAL_MS = 60_000;

export class KeyUseThrottle {
  private readonly lastRecorded = new Map<number, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** True when this use is to be recorded (and it counts as recorded from now). */
  shouldRecord(keyId: number): boolean {
    const now = this.now();
    const last = this.lastRecorded.get(keyId);
    if (last !== undefined && now - last < KEY_USE_INTERVAL_MS) return false;
    if (last === undefined && this.lastRecorded.size >= this.maxKeys) this.lastRecorded.clear();
    this.lastRecorded.set(keyId, now);
    return true;
  }

  /** A recording that failed: the next use tries again. */
  failed(keyId: number): void {
    this.lastRecorded.delete(keyId);
  }
}
