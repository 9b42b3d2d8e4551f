import { REGION_CODE_PATTERN } from '@sferum/contracts';
import { type ActivityCounters } from '@sferum/domain';
import { type ClickHouse } from './clickhouse-client';
import { SqlLiteralError, sqlDateTime, sqlString, sqlStringList, sqlUInt } from './sql-literal';

/**
 * The KPI read model (migrations/0002): every count of a region's units in
 * one period, with placement and weeks derived now, from the mirrored
 * registry version given, never from anything stamped at ingest.
 *
 * The rules (README, "Placement"):
 * - a person counts in a unit when registered there (organization, role) at
 *   the period's end: the latest registration change before it, by the
 *   millisecond (a join wins an exact tie);
 * - an event naming an organization counts for that organization's units
 *   (the organization, its municipality, category and region, as the
 *   registry places them now), in the period as cut in that region's zone;
 * - an event naming none counts for every unit the person is registered in;
 * - events of organizations the registry does not know count nowhere until
 *   it does (then their whole history counts, with no replay).
 *
 * A period is a half-open UTC interval [start, end) of whole hours: the
 * activity is kept per UTC hour, and every zone of Russia is a whole-hour
 * offset, so a local ISO week or calendar month is a whole number of hours.
 *
 * Joins with the mirror are ALL INNER JOINs on org_id (unique in a version):
 * ANY INNER JOIN keeps one row per key of the left side too on current
 * ClickHouse (not on 18.16), which would drop registrations.
 *
 * Unit keys: "region", "municipality:<id>", "category:<cat>",
 * "municipality_category:<id>/<cat>", and with perOrganization "org:<id>".
 */
export interface UnitCounterQuery {
  readonly region: string;
  /** The mirrored registry version to place by (registry_versions). */
  readonly registryVersion: number;
  /** The period's first and end instants (exclusive), epoch ms, whole UTC hours. */
  readonly startMs: number;
  readonly endMs: number;
  /** Activity keys that count as group-chat messages ("group:text", ...). */
  readonly countedActivities: readonly string[];
  readonly callActivity: 'call' | 'call_initiated';
  /** Also count each organization ("org:<id>" units): only for answers grouped by organization. */
  readonly perOrganization: boolean;
}

const ACTIVITY = /^[a-z_]+(:[a-z_]+)?$/;
const HOUR_MS = 3_600_000;

function checkRegion(region: string, registryVersion: number): void {
  if (!REGION_CODE_PATTERN.test(region)) throw new SqlLiteralError(`not a region code: ${JSON.stringify(region)}`);
  if (!Number.isSafeInteger(registryVersion) || registryVersion < 0) throw new SqlLiteralError('not a registry version');
}

/** A period of the hourly activity: whole UTC hours, ending after it starts. */
export function checkPeriod(startMs: number, endMs: number): void {
  for (const ms of [startMs, endMs]) {
    if (!Number.isSafeInteger(ms) || ms % HOUR_MS !== 0) {
      throw new SqlLiteralError(`a period's bounds must be whole UTC hours (every zone of Russia is), got ${String(ms)}`);
    }
  }
  if (endMs <= startMs) throw new SqlLiteralError('a period must end after it starts');
}

function checkQuery(query: Pick<UnitCounterQuery, 'region' | 'registryVersion' | 'startMs' | 'endMs'>): void {
  checkRegion(query.region, query.registryVersion);
  checkPeriod(query.startMs, query.endMs);
}

/**
 * The mirrored organizations of a region: org_id, municipality_id,
 * category, no_headcount; one row each (a mirror write done again after a
 * crash may have left a row twice).
 */
export function regionOrganizationsSql(region: string, registryVersion: number): string {
  return `SELECT org_id, any(municipality_id) AS municipality_id, any(category) AS category, toUInt8(any(has_headcount) = 0) AS no_headcount
          FROM registry_organizations
          WHERE version = ${sqlUInt(registryVersion)} AND region_code = ${sqlString(region)}
          GROUP BY org_id`;
}

/**
 * SQL of the (org_id, user_id, role) registered at an instant (exclusive:
 * changes at exactly `atMs` are not yet in force), in a region's
 * organizations of a mirrored registry version, or (null) in any.
 */
export function registrationsInForceSql(placement: { readonly region: string; readonly registryVersion: number } | null, atMs: number): string {
  const seconds = Math.floor(atMs / 1000);
  const ms = atMs - seconds * 1000;
  const organizations =
    placement === null
      ? ''
      : `org_id IN (SELECT org_id FROM registry_organizations WHERE version = ${sqlUInt(placement.registryVersion)} AND region_code = ${sqlString(placement.region)}) AND`;
  return `SELECT org_id, user_id, role FROM (
       SELECT org_id, user_id, role, argMax(registered, tuple(time, time_ms, registered)) AS registered
       FROM registration_facts
       WHERE ${organizations} (time < ${sqlDateTime(seconds * 1000)} OR (time = ${sqlDateTime(seconds * 1000)} AND time_ms < ${sqlUInt(ms)}))
       GROUP BY org_id, user_id, role)
     WHERE registered = 1`;
}

export async function unitActivityCounters(clickhouse: ClickHouse, query: UnitCounterQuery): Promise<Map<string, ActivityCounters>> {
  checkQuery(query);
  if (query.countedActivities.some((a) => !ACTIVITY.test(a))) throw new SqlLiteralError('not an activity key');
  const { region, registryVersion: version } = query;
  const organizations = regionOrganizationsSql(region, version);
  const units = `['region', concat('municipality:', municipality_id), concat('category:', category),
                 concat('municipality_category:', municipality_id, '/', category)${query.perOrganization ? ", concat('org:', org_id)" : ''}]`;
  // (user_id, role, no_headcount, unit) of every registration in force at the end.
  const registeredUnits = `
    SELECT user_id, role, no_headcount, unit FROM (
      SELECT org_id, user_id, role, municipality_id, category, no_headcount
      FROM (${registrationsInForceSql({ region, registryVersion: version }, query.endMs)}) AS registrations
      ALL INNER JOIN (${organizations}) AS organizations USING org_id
    ) ARRAY JOIN ${units} AS unit`;
  const inPeriod = `hour >= ${sqlDateTime(query.startMs)} AND hour < ${sqlDateTime(query.endMs)}`;
  const counted = query.countedActivities.length === 0 ? '0' : `activity IN ${sqlStringList(query.countedActivities)}`;

  const rows = await clickhouse.query<Record<string, string>>(`
    SELECT unit,
           uniqExact(user_id) AS registered_users,
           uniqExactIf(user_id, role = 'teacher') AS registered_teachers,
           uniqExactIf(user_id, role = 'student') AS registered_students,
           uniqExactIf(user_id, role = 'parent') AS registered_parents,
           uniqExactIf(user_id, role = 'teacher' AND no_headcount = 1) AS registered_teachers_without_headcount,
           uniqExactIf(user_id, role = 'teacher' AND messages >= 3) AS teachers_3_messages,
           uniqExactIf(user_id, role = 'teacher' AND messages >= 10) AS teachers_10_messages,
           uniqExactIf(user_id, role = 'teacher' AND calls >= 1) AS teachers_1_call,
           uniqExactIf(user_id, role = 'teacher' AND any_activity >= 1) AS active_teachers
    FROM (${registeredUnits}) AS registered
    ANY LEFT JOIN
    (
        SELECT user_id, unit,
               sumIf(n, ${counted}) AS messages,
               sumIf(n, activity = ${sqlString(query.callActivity)}) AS calls,
               sumIf(n, activity != 'call_initiated') AS any_activity
        FROM
        (
            -- distinct events (calls) per person, unit and activity, over the
            -- period's hours: those naming an organization of the unit, and
            -- those naming none for the units the person is registered in
            SELECT user_id, unit, activity, uniqExactMerge(events) AS n
            FROM
            (
                SELECT user_id, activity, events, unit FROM (
                    SELECT user_id, activity, events, org_id, municipality_id, category
                    FROM user_activity_hourly
                    ALL INNER JOIN (${organizations}) AS organizations USING org_id
                    WHERE org_id IN (SELECT org_id FROM registry_organizations WHERE version = ${sqlUInt(version)} AND region_code = ${sqlString(region)})
                      AND ${inPeriod}
                ) ARRAY JOIN ${units} AS unit
                UNION ALL
                SELECT user_id, activity, events, unit FROM (
                    SELECT user_id, activity, events
                    FROM user_activity_hourly
                    WHERE org_id = '' AND ${inPeriod}
                      AND user_id IN (SELECT user_id FROM (${registrationsInForceSql({ region, registryVersion: version }, query.endMs)}))
                ) AS unplaced ALL INNER JOIN (SELECT DISTINCT user_id, unit FROM (${registeredUnits})) AS units_of_user USING user_id
            )
            GROUP BY user_id, unit, activity
        )
        GROUP BY user_id, unit
    ) AS activity USING (user_id, unit)
    GROUP BY unit`);

  return new Map(
    rows.map((r) => [
      r['unit']!,
      {
        registeredUsers: Number(r['registered_users']),
        registeredTeachers: Number(r['registered_teachers']),
        registeredStudents: Number(r['registered_students']),
        registeredParents: Number(r['registered_parents']),
        registeredTeachersWithoutHeadcount: Number(r['registered_teachers_without_headcount']),
        teachers3Messages: Number(r['teachers_3_messages']),
        teachers10Messages: Number(r['teachers_10_messages']),
        teachers1Call: Number(r['teachers_1_call']),
        activeTeachers: Number(r['active_teachers']),
      },
    ]),
  );
}

/** Organizations of a region with at least 2 registered users at an instant: the "active" ones. */
export async function activeOrganizations(
  clickhouse: ClickHouse,
  query: { readonly region: string; readonly registryVersion: number; readonly atMs: number },
): Promise<Set<string>> {
  checkRegion(query.region, query.registryVersion);
  const rows = await clickhouse.query<{ org_id: string }>(
    `SELECT org_id FROM (${registrationsInForceSql(query, query.atMs)})
     GROUP BY org_id HAVING uniqExact(user_id) >= 2`,
  );
  return new Set(rows.map((r) => r.org_id));
}
