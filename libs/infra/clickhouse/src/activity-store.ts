import { type ActivityFactRow } from '@sferum/contracts';
import { type ClickHouse } from './clickhouse-client';
import { SqlLiteralError, sqlStringList, sqlUInt } from './sql-literal';
import { loadMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { checkPeriod, inPeriodSql, organizationFactsAt, registrationsInForceSql } from './kpi-counters';

/**
 * Writes and reads of the stored facts (migrations/0002): activity_events
 * and the idempotent tables its materialized views fill. Nothing here
 * places an event: placement is a join with the mirrored registry.
 */

/** One INSERT for the whole batch; the materialized views fill the derived tables. */
export async function insertActivityFacts(clickhouse: ClickHouse, rows: readonly ActivityFactRow[]): Promise<void> {
  await clickhouse.insert('activity_events', rows);
}

export interface Registration {
  readonly org_id: string;
  readonly user_id: string;
  readonly role: string;
}

/** Who is registered, with which role, in which organization (of any region, known or not) at an instant. */
export async function registrationsAt(clickhouse: ClickHouse, atMs: number): Promise<Registration[]> {
  return clickhouse.query<Registration>(`${registrationsInForceSql(null, atMs)} ORDER BY org_id, user_id, role`);
}

export interface UserActivityCount {
  readonly user_id: string;
  readonly activity: string;
  readonly events: number;
}

/**
 * Exact counts per person and activity ("group:text", "call", ...) over a
 * period of whole spans (a local ISO week or month, kpi-counters.ts), of the
 * organizations given (else of all, and
 * of events naming none): what the aggregator wrote, for checks and
 * diagnostics. The KPIs read kpi-counters.ts.
 */
export async function userActivityCounts(
  clickhouse: ClickHouse,
  query: { readonly startMs: number; readonly endMs: number; readonly orgIds?: readonly string[] },
): Promise<UserActivityCount[]> {
  checkPeriod(query.startMs, query.endMs);
  const orgs = query.orgIds === undefined ? '' : query.orgIds.length === 0 ? 'AND 0' : `AND org_id IN ${sqlStringList(query.orgIds)}`;
  const rows = await clickhouse.query<{ user_id: string; activity: string; events: string | number }>(
    `SELECT user_id, activity, uniqExactMerge(events) AS events
     FROM user_activity_spans
     WHERE ${inPeriodSql(query.startMs, query.endMs)} ${orgs}
     GROUP BY user_id, activity ORDER BY user_id, activity`,
  );
  return rows.map((r) => ({ user_id: r.user_id, activity: r.activity, events: Number(r.events) }));
}

export interface UnknownOrganization {
  readonly orgId: string;
  readonly source: string;
  /** Distinct events per type. */
  readonly events: Record<string, number>;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}

/**
 * Organization ids that events named and the registry (version given)
 * does not know, with what each source sent: for a coordinator to add
 * them. Once added, their events count where the registry places them.
 */
export async function unknownOrganizations(
  clickhouse: ClickHouse,
  query: { readonly registryVersion: number; readonly limit: number; readonly offset: number },
): Promise<{ total: number; items: UnknownOrganization[] }> {
  if (!Number.isSafeInteger(query.registryVersion) || query.registryVersion < 0) throw new SqlLiteralError('not a registry version');
  const unknown = `org_id NOT IN (SELECT org_id FROM registry_organizations WHERE version = ${sqlUInt(query.registryVersion)})`;
  const [count] = await clickhouse.query<{ n: string | number }>(`SELECT uniqExact(org_id, source) AS n FROM org_event_summary WHERE ${unknown}`);
  const rows = await clickhouse.query<{ org_id: string; source: string; type: string; events: string | number; first: string | number; last: string | number }>(
    `SELECT org_id, source, type, uniqExactMerge(events) AS events,
            toUInt32(minMerge(first_time)) AS first, toUInt32(maxMerge(last_time)) AS last
     FROM org_event_summary
     WHERE ${unknown}
       AND (org_id, source) IN (
           SELECT org_id, source FROM org_event_summary WHERE ${unknown}
           GROUP BY org_id, source ORDER BY org_id, source LIMIT ${sqlUInt(query.limit)} OFFSET ${sqlUInt(query.offset)})
     GROUP BY org_id, source, type
     ORDER BY org_id, source, type`,
  );
  const items = new Map<string, { orgId: string; source: string; events: Record<string, number>; first: number; last: number }>();
  for (const r of rows) {
    const key = `${r.org_id}\u0000${r.source}`;
    const item = items.get(key) ?? { orgId: r.org_id, source: r.source, events: {}, first: Number.POSITIVE_INFINITY, last: 0 };
    item.events[r.type] = Number(r.events);
    item.first = Math.min(item.first, Number(r.first));
    item.last = Math.max(item.last, Number(r.last));
    items.set(key, item);
  }
  return {
    total: Number(count?.n ?? 0),
    items: [...items.values()].map((i) => ({
      orgId: i.orgId,
      source: i.source,
      events: i.events,
      firstEventTime: new Date(i.first * 1000).toISOString(),
      lastEventTime: new Date(i.last * 1000).toISOString(),
    })),
  };
}

/** Organizations of a region connected (org.connected) before an instant. */
export async function connectedOrganizations(clickhouse: ClickHouse, region: string, registryVersion: number, atMs: number): Promise<string[]> {
  return (await organizationFactsAt(clickhouse, region, registryVersion, atMs)).connected;
}

/** When each region last received an event of one of its organizations (epoch seconds), for silence alerts. */
export async function lastEventPerRegion(clickhouse: ClickHouse, registryVersion: number): Promise<{ region: string; lastIngestedAt: number }[]> {
  const rows = await clickhouse.query<{ region: string; last: string | number }>(
    `SELECT region_code AS region, toUInt32(max(last)) AS last
     FROM (SELECT org_id, maxMerge(last_ingested_at) AS last FROM org_event_summary GROUP BY org_id) AS last_events
     ALL INNER JOIN (SELECT org_id, any(region_code) AS region_code FROM registry_organizations WHERE version = ${sqlUInt(registryVersion)} GROUP BY org_id) AS organizations USING org_id
     GROUP BY region_code ORDER BY region_code`,
  );
  return rows.map((r) => ({ region: r.region, lastIngestedAt: Number(r.last) }));
}

/**
 * Refills every derived table from the stored facts: after a change of the
 * views' logic, or to repair. The derived tables are emptied, then every
 * month of activity_events is inserted into itself, which runs the views
 * again (the copies collapse into one row per event id when ClickHouse
 * merges; until then reads stay exact, every derived form being
 * idempotent), and last the history that only the tables of migration 0001
 * hold is converted again (migration 0003's statements: idempotent too) and
 * copied on into the tables of migrations 0004 and 0007 (their statements again).
 * Reads in the meantime see partial data: stop the aggregator and expect
 * the KPIs to fill up again while it runs.
 */
export async function rebuildDerivedTables(
  clickhouse: ClickHouse,
  onMonth: (month: number, done: number, total: number) => void = () => undefined,
): Promise<{ months: number }> {
  for (const table of DERIVED_TABLES) await clickhouse.command(`TRUNCATE TABLE ${table}`);
  const months = (await clickhouse.query<{ month: string | number }>('SELECT DISTINCT toYYYYMM(time) AS month FROM activity_events ORDER BY month')).map((r) =>
    Number(r.month),
  );
  let done = 0;
  for (const month of months) {
    await clickhouse.command(`INSERT INTO activity_events SELECT * FROM activity_events WHERE toYYYYMM(time) = ${sqlUInt(month)}`);
    onMonth(month, ++done, months.length);
  }
  const migrations = loadMigrations(CLICKHOUSE_MIGRATIONS_DIR);
  for (const version of [LEGACY_CONVERSION_MIGRATION, REGION_READS_MIGRATION, FACT_WRITES_DROPPED_MIGRATION, ORG_FACTS_MIGRATION]) {
    const migration = migrations.find((m) => m.version === version);
    if (migration === undefined) throw new Error(`migration ${version} is missing`);
    for (const statement of migration.statements) await clickhouse.command(statement);
  }
  return { months: months.length };
}

/** The migration that converts the history of the 0001 tables into facts. */
const LEGACY_CONVERSION_MIGRATION = 3;
/**
 * The migration whose tables replaced user_activity_hourly and
 * registration_facts: run again after the conversion, it copies what only
 * those hold (the converted history) on (idempotent: its tables exist, its
 * old views are gone, its copies merge).
 */
const REGION_READS_MIGRATION = 4;
/** The migration that drops what 0004 created and nothing reads any more (fact_writes): run after it. */
const FACT_WRITES_DROPPED_MIGRATION = 5;
/** The migration whose org_facts took over from org_connection_facts: run after the conversion, it copies the converted connections on. */
const ORG_FACTS_MIGRATION = 7;

/**
 * The tables derived from activity_events by materialized views (0002, 0004,
 * 0007, 0010), and the three of 0002 that 0004 and 0007 replaced, which hold only
 * what 0003 converts.
 */
export const DERIVED_TABLES = [
  'user_activity_spans',
  'registrations_by_org',
  'org_facts',
  'first_activity_by_org',
  'org_event_summary',
  'user_activity_hourly',
  'registration_facts',
  'org_connection_facts',
] as const;
