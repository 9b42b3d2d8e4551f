import { type ClickHouse } from './clickhouse-client';

/**
 * What the facts the KPIs read hold, per kind and UTC month, as the set of
 * their active parts in ClickHouse. A figure computed for a period stays
 * right while the parts that could change it stay the same, so the KPI
 * service keeps figures keyed by periodWrites (week-figures.service.ts)
 * and computes them again only after such a change.
 *
 * Parts, not the counts of migration 0004's fact_writes (dropped by 0005): an INSERT runs its
 * materialized views one after another, and fact_writes_mv runs before the
 * views of the facts (18.16 takes them in name order), so a reader could
 * see a write counted before its rows were visible, compute figures
 * without them and keep those under the new count. A part is visible to
 * every query that starts after it is listed active, so a figure computed
 * after the parts were read holds at least what they hold; a newer part
 * (an insert, or a merge, which changes nothing but costs one computation)
 * makes the next request compute again.
 *
 * Which parts can change a period [start, end):
 * - activity (user_activity_spans, partitioned by the UTC month of the
 *   span) of the months the period overlaps: spans lie within one month;
 * - every registration (registrations_by_org has one partition, taken as
 *   month 0): who is registered at the end depends on all before it;
 * - every organization fact (org_facts, one partition too: month 0), for
 *   the same reason.
 * The onboarding funnel reads registrations, organization facts and the
 * first activity of each person in each organization (first_activity_by_org
 * of 0010, one partition: kind first_activity, month 0; no KPI figure reads
 * it): onboardingWrites.
 */
export interface FactWrites {
  /** The active parts' names per "kind:yyyymm" ("activity:202611", "registration:0", "organization:0", "first_activity:0"), as one string. */
  readonly parts: ReadonlyMap<string, string>;
}

export type FactKind = 'activity' | 'registration' | 'organization' | 'first_activity';

/** The parts of the facts' tables (a few per month): one small query on system.parts. */
export async function readFactWrites(clickhouse: ClickHouse): Promise<FactWrites> {
  const rows = await clickhouse.query<{ kind: string; month: number | string; parts: string }>(
    `SELECT multiIf(table = 'user_activity_spans', 'activity', table = 'registrations_by_org', 'registration', table = 'org_facts', 'organization', 'first_activity') AS kind,
            if(table = 'user_activity_spans', toUInt32OrZero(partition), 0) AS month,
            arrayStringConcat(arraySort(groupArray(name)), ' ') AS parts
     FROM system.parts
     WHERE database = currentDatabase() AND active AND table IN ('user_activity_spans', 'registrations_by_org', 'org_facts', 'first_activity_by_org')
     GROUP BY kind, month`,
  );
  return { parts: new Map(rows.map((r) => [`${r.kind}:${Number(r.month)}`, r.parts])) };
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
  const changes: string[] = [];
  for (const [key, names] of [...writes.parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [kind, monthText] = key.split(':') as [FactKind, string];
    const month = Number(monthText);
    const counts = kind === 'activity' ? month >= first && month <= last : kind === 'registration' || kind === 'organization' ? month <= last : false;
    if (counts) changes.push(`${key}=${names}`);
  }
  return changes.join(',');
}

/** The writes that could change the onboarding funnel at any instant, as one string: equal strings, no such write in between. */
export function onboardingWrites(writes: FactWrites): string {
  const kinds: readonly FactKind[] = ['registration', 'organization', 'first_activity'];
  return [...writes.parts]
    .filter(([key]) => kinds.includes(key.split(':')[0] as FactKind))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, names]) => `${key}=${names}`)
    .join(',');
}
