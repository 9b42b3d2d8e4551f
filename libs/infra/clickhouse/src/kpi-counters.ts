import { ISO_WEEK_PATTERN, type OrgCategory, REGION_CODE_PATTERN } from '@sferum/contracts';
import { type ActivityCounters } from '@sferum/domain';
import { type ClickHouse } from './clickhouse-client';
import { registrationsInForceSql } from './activity-store';
import { SqlLiteralError, sqlString, sqlStringArray, sqlStringList } from './sql-literal';

/**
 * Activity counters of every unit of a region for one ISO week, in one
 * query over the pre-aggregated tables (no scan of raw events): who is
 * registered at the week's end (registration_events, argMax) joined with
 * the week's per-user activity (weekly_user_activity), counted with
 * uniqExact per unit so that a teacher of two schools counts once in the
 * region and once in each school.
 *
 * Units follow the registry as it is now (org -> municipality, category,
 * passed in as literal arrays, about 30 bytes an organization; the query's
 * max_query_size is raised to fit, since 18.16 cannot read PostgreSQL);
 * registrations of organizations not in the registry are left out (they
 * are reported as unassigned elsewhere).
 *
 * Unit keys: "region", "municipality:<id>", "category:<cat>",
 * "municipality_category:<id>/<cat>", "org:<id>".
 */

export interface RegistryOrganization {
  readonly orgId: string;
  readonly municipalityId: string;
  readonly category: OrgCategory;
  readonly hasHeadcount: boolean;
}

export interface UnitCounterQuery {
  readonly region: string;
  /** "2023-W19" */
  readonly week: string;
  /** The week's end in the region's zone (exclusive), epoch ms. */
  readonly weekEndMs: number;
  readonly organizations: readonly RegistryOrganization[];
  /** Activity keys that count as group-chat messages ("group:text", ...). */
  readonly countedActivities: readonly string[];
  readonly callActivity: 'call' | 'call_initiated';
  /** Also count each organization ("org:<id>" units): only for answers grouped by organization. */
  readonly perOrganization: boolean;
}

/** The activity counters of one unit: the domain's ActivityCounters. */
export type UnitActivityCounters = ActivityCounters;

const REGION = REGION_CODE_PATTERN;
const WEEK = ISO_WEEK_PATTERN;
const ACTIVITY = /^[a-z_]+(:[a-z_]+)?$/;

export async function unitActivityCounters(clickhouse: ClickHouse, query: UnitCounterQuery): Promise<Map<string, UnitActivityCounters>> {
  if (!REGION.test(query.region)) throw new SqlLiteralError(`not a region code: ${JSON.stringify(query.region)}`);
  if (!WEEK.test(query.week)) throw new SqlLiteralError(`not an ISO week: ${JSON.stringify(query.week)}`);
  if (query.countedActivities.some((a) => !ACTIVITY.test(a))) throw new SqlLiteralError('not an activity key');
  if (query.organizations.length === 0) return new Map();

  const orgs = query.organizations;
  const ids = sqlStringArray(orgs.map((o) => o.orgId));
  const municipalityOf = `transform(org_id, ${ids}, ${sqlStringArray(orgs.map((o) => o.municipalityId))}, '')`;
  const categoryOf = `transform(org_id, ${ids}, ${sqlStringArray(orgs.map((o) => o.category))}, '')`;
  const withoutHeadcount = orgs.filter((o) => !o.hasHeadcount).map((o) => o.orgId);
  // x IN (SELECT arrayJoin([...])): the array literal is one node of the query's
  // AST (an IN list is one per element, limited to 50,000), and the IN set is
  // hashed (has() would scan the array for every row).
  const inSet = (values: readonly string[]) => `(SELECT arrayJoin(${sqlStringArray(values)}))`;
  const withoutHeadcountCondition = withoutHeadcount.length === 0 ? '0' : `org_id IN ${inSet(withoutHeadcount)}`;
  const counted = query.countedActivities.length === 0 ? '0' : `activity IN ${sqlStringList(query.countedActivities)}`;
  const units = `['region', concat('municipality:', municipality), concat('category:', category),
                 concat('municipality_category:', municipality, '/', category)${query.perOrganization ? ", concat('org:', org_id)" : ''}]`;

  const rows = await clickhouse.query<Record<string, string>>(
    `
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
    FROM
    (
        SELECT org_id, municipality, category, user_id, role, no_headcount, messages, calls, any_activity
        FROM
        (
            SELECT org_id, user_id, role,
                   ${municipalityOf} AS municipality,
                   ${categoryOf} AS category,
                   toUInt8(${withoutHeadcountCondition}) AS no_headcount
            FROM (${registrationsInForceSql(query.region, query.weekEndMs)})
            WHERE org_id IN ${inSet(orgs.map((o) => o.orgId))}
        )
        ANY LEFT JOIN
        (
            SELECT user_id,
                   sumIf(n, ${counted}) AS messages,
                   sumIf(n, activity = ${sqlString(query.callActivity)}) AS calls,
                   sumIf(n, activity != 'call_initiated') AS any_activity
            FROM
            (
                SELECT user_id, activity, uniqExactMerge(events) AS n
                FROM weekly_user_activity
                WHERE week = ${sqlString(query.week)}
                  -- only people ever registered in the region: a national week has
                  -- millions of users, a region tens of thousands (merging every
                  -- user's states was most of the query's time)
                  AND user_id IN (SELECT user_id FROM registration_events WHERE region = ${sqlString(query.region)})
                GROUP BY user_id, activity
            )
            GROUP BY user_id
        ) USING user_id
    )
    ARRAY JOIN ${units} AS unit
    GROUP BY unit`,
    // The default 256 KiB holds about 8,000 organizations; a region may have more.
    { max_query_size: 64 * 1024 * 1024 },
  );

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

/**
 * Organizations (of those given) with at least 2 registered users at an
 * instant: the "active" ones of the indicators.
 */
export async function activeOrganizations(
  clickhouse: ClickHouse,
  query: { readonly region: string; readonly atMs: number; readonly orgIds: readonly string[] },
): Promise<Set<string>> {
  if (!REGION.test(query.region)) throw new SqlLiteralError(`not a region code: ${JSON.stringify(query.region)}`);
  if (query.orgIds.length === 0) return new Set();
  const rows = await clickhouse.query<{ org_id: string }>(
    `SELECT org_id FROM (${registrationsInForceSql(query.region, query.atMs)})
     WHERE org_id IN (SELECT arrayJoin(${sqlStringArray(query.orgIds)}))
     GROUP BY org_id HAVING uniqExact(user_id) >= 2`,
    { max_query_size: 64 * 1024 * 1024 },
  );
  return new Set(rows.map((r) => r.org_id));
}
