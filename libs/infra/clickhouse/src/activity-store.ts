import { type ActivityIngestRow } from '@sferum/contracts';
import { type ClickHouse } from './clickhouse-client';
import { sqlDateTime, sqlString, sqlUInt } from './sql-literal';

/**
 * Reads and writes of the activity store (migrations/0001_activity.sql).
 * Every answer is exact under duplicates: counts are uniqExact merges of
 * event ids, registration state is an argMax over event rows.
 */

/** One INSERT for the whole batch; the materialized views fill the tables. */
export async function insertActivity(clickhouse: ClickHouse, rows: readonly ActivityIngestRow[]): Promise<void> {
  await clickhouse.insert('activity_ingest', rows);
}

export interface UserActivityCount {
  readonly user_id: string;
  readonly activity: string;
  readonly events: number;
}

/** Exact counts per user and activity ("group:text", "call", ...) of one ISO week. */
export async function weeklyUserActivity(clickhouse: ClickHouse, week: string): Promise<UserActivityCount[]> {
  const rows = await clickhouse.query<{ user_id: string; activity: string; events: string }>(
    `SELECT user_id, activity, uniqExactMerge(events) AS events
     FROM weekly_user_activity WHERE week = ${sqlString(week)}
     GROUP BY user_id, activity ORDER BY user_id, activity`,
  );
  return rows.map((r) => ({ user_id: r.user_id, activity: r.activity, events: Number(r.events) }));
}

export interface Registration {
  readonly org_id: string;
  readonly user_id: string;
  readonly role: string;
}

/**
 * SQL of the (org_id, user_id, role) registered in a region at an instant
 * (exclusive: events at exactly `atMs` are not yet in force), from the
 * latest registration event of each before it. A registration and a leave
 * at the same second: the registration wins. Duplicates change nothing.
 */
export function registrationsInForceSql(region: string, atMs: number): string {
  return `SELECT org_id, user_id, role FROM (
       SELECT org_id, user_id, role, argMax(registered, tuple(time, registered)) AS registered
       FROM registration_events
       WHERE region = ${sqlString(region)} AND time < ${sqlDateTime(atMs)}
       GROUP BY org_id, user_id, role)
     WHERE registered = 1`;
}

/** Who is registered, with which role, in which organization of a region at an instant. */
export async function registrationsAt(clickhouse: ClickHouse, region: string, atMs: number): Promise<Registration[]> {
  return clickhouse.query<Registration>(`${registrationsInForceSql(region, atMs)} ORDER BY org_id, user_id, role`);
}

/** Events of organizations unknown to the registry, per type, in a region's week. */
export async function unassignedEvents(clickhouse: ClickHouse, region: string, week: string): Promise<Record<string, number>> {
  const rows = await clickhouse.query<{ type: string; events: string }>(
    `SELECT type, uniqExactMerge(events) AS events FROM weekly_unassigned_events
     WHERE region = ${sqlString(region)} AND week = ${sqlString(week)} GROUP BY type ORDER BY type`,
  );
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.events)]));
}

/** Organizations of a region connected (org.connected) before an instant. */
export async function connectedOrganizations(clickhouse: ClickHouse, region: string, atMs: number): Promise<string[]> {
  const rows = await clickhouse.query<{ org_id: string }>(
    `SELECT DISTINCT org_id FROM org_connections
     WHERE region = ${sqlString(region)} AND time < ${sqlDateTime(atMs)} ORDER BY org_id`,
  );
  return rows.map((r) => r.org_id);
}

/** When each region last had an event (epoch seconds), for silence alerts. */
export async function lastEventPerRegion(clickhouse: ClickHouse, limit = 1_000): Promise<{ region: string; lastIngestedAt: number }[]> {
  const rows = await clickhouse.query<{ region: string; last: string }>(
    `SELECT region, toUInt32(maxMerge(last_ingested_at)) AS last FROM region_last_event GROUP BY region ORDER BY region LIMIT ${sqlUInt(limit)}`,
  );
  return rows.map((r) => ({ region: r.region, lastIngestedAt: Number(r.last) }));
}
