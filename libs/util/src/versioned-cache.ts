/**
 * Values computed from data that changes, each kept with the version of the
 * data it was computed from: a get with the same key and version answers
 * the kept value, a get with another version computes it again. Concurrent
 * gets of one key and version share one computation. At most `maxEntries`
 * keys are kept, the least recently used dropped first. A computation that
 * fails is not kept.
 *
 * The version must be read before the computation starts: a write during
 * the computation then makes the next get compute again (its version
 * differs), never keeps a value older than its version says.
 */
export class VersionedCache<V> {
  private readonly entries = new Map<string, { readonly version: string; readonly value: Promise<V> }>();
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new Error('maxEntries must be a positive integer');
  }

  get(key: string, version: string, compute: () => Promise<V>): Promise<V> {
    const kept = this.entries.get(key);
    this.entries.delete(key);
    if (kept !== undefined && kept.version === version) {
      this.hitCount++;
      this.entries.set(key, kept);
      return kept.value;
    }
    this.missCount++;
    const value = compute();
    const entry = { version, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** Gets answered from a kept value, and computed. */
  stats(): { readonly hits: number; readonly misses: number; readonly entries: number } {
    return { hits: this.hitCount, misses: this.missCount, entries: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
  }
}
