import { type ClickHouse } from './clickhouse-client';

/**
 * What the facts the KPIs read have received, per kind and UTC month
 * (migrations/0004, fact_writes): rows inserted, duplicates included. A
 * figure computed for a period stays right while the writes that could
 * change it stay the same, so the KPI service keeps figures keyed by
 * periodWrites (week-figures-cache.ts) and computes them again only after
 * such a write.
 *
 * Which writes can change a period [start, end):
 * - activity (messages, calls) of the UTC months the period overlaps: the
 *   activity is kept per span, and spans lie within one UTC month;
 * - registrations of every UTC month up to the one holding the period's last
 *   millisecond: who is registered at the end depends on all before it.
 * Counts only grow (an insert adds its rows; `npm run rebuild` inserts
 * again), so equal counts mean no write in between.
 */
export interface FactWrites {
  /** Rows per "kind:yyyymm" ("activity:202611", "registration:202609"). */
  readonly rows: ReadonlyMap<string, number>;
}

export type FactKind = 'activity' | 'registration';

/** The whole table (a few rows per month and kind): one small query. */
export async function readFactWrites(clickhouse: ClickHouse): Promise<FactWrites> {
  const rows = await clickhouse.query<{ kind: string; month: number | string; rows: number | string }>(
    'SELECT kind, month, sum(rows) AS rows FROM fact_writes GROUP BY kind, month',
  );
  return { rows: new Map(rows.map((r) => [`${r.kind}:${Number(r.month)}`, Number(r.rows)])) };
}

/** The UTC month of an instant as ClickHouse's toYYYYMM writes it (202611). */
export function utcMonth(ms: number): number {
  const date = new Date(ms);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}

/**
 * The writes that could change the figures of [startMs, endMs), as one
 * string: equal strings, no such write in between.
 */
export function periodWrites(writes: FactWrites, startMs: number, endMs: number): string {
  const first = utcMonth(startMs);
  const last = utcMonth(endMs - 1);
  const parts: string[] = [];
  for (const [key, rows] of [...writes.rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [kind, monthText] = key.split(':') as [FactKind, string];
    const month = Number(monthText);
    const counts = kind === 'activity' ? month >= first && month <= last : kind === 'registration' ? month <= last : false;
    if (counts) parts.push(`${key}=${rows}`);
  }
  return parts.join(',');
}
