import { ORG_FACTS, REGION_CODE_PATTERN, type OrgFact } from '@sferum/contracts';
import { type ActivityCounters, type UnitLevel } from '@sferum/domain';
import { type ClickHouse } from './clickhouse-client';
import { SqlLiteralError, sqlDateTime, sqlString, sqlStringList, sqlUInt } from './sql-literal';

/**
 * The KPI read model (migrations/0002, 0004): every count of a region's units in
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
 * A period is a half-open UTC interval [start, end) of whole spans
 * (migrations/0004): the activity is kept per span of UTC hours that every
 * zone from UTC+0 to UTC+12 places in one ISO week and one calendar month,
 * so any local ISO week or calendar month of a region of Russia (UTC+2 to
 * UTC+12, whole hours) or of UTC is a whole number of spans. Other periods
 * are refused (checkPeriod).
 *
 * What a region reads (migrations/0004): the registrations of its
 * organizations (registrations_by_org, small granules keyed by
 * organization), the activity naming them (user_activity_spans, the same),
 * and the activity naming no organization in the period, of the region's
 * teachers only (the one read that scans the country's rows of the period:
 * such events have no organization to look them up by).
 *
 * Joins with the mirror are ALL INNER JOINs on org_id (unique in a version):
 * ANY INNER JOIN keeps one row per key of the left side too on current
 * ClickHouse (not on 18.16), which would drop registrations.
 *
 * Unit keys, by level (UNIT_KEY_SQL): "region", "municipality:<id>",
 * "category:<cat>", "municipality_category:<id>/<cat>", "org:<id>". A query
 * counts the levels it is asked for, and nothing else: a registration is a
 * row per level asked, plus its organization's row for the active
 * organizations (two rows for one level), not a row per unit of every level.
 */
export interface RegionFiguresQuery {
  readonly region: string;
  /** The mirrored registry version to place by (registry_versions). */
  readonly registryVersion: number;
  /** The period's first and end instants (exclusive), epoch ms, whole spans (a local ISO week or month). */
  readonly startMs: number;
  readonly endMs: number;
  /** Activity keys that count as group-chat messages ("group:text", ...). */
  readonly countedActivities: readonly string[];
  readonly callActivity: 'call' | 'call_initiated';
  /** The levels of units to count (the rows of an answer read one: unitLevelOf, domain). */
  readonly levels: readonly UnitLevel[];
}

/** The key of a unit of each level, from the mirrored organization's columns. */
const UNIT_KEY_SQL: Record<UnitLevel, string> = {
  region: "'region'",
  municipality: "concat('municipality:', municipality_id)",
  category: "concat('category:', category)",
  municipality_category: "concat('municipality_category:', municipality_id, '/', category)",
  organization: "concat('org:', org_id)",
};

const ACTIVITY = /^[a-z_]+(:[a-z_]+)?$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The Monday and the first of the month (UTC midnights) of an instant's local date in a zone `offsetHours` east of UTC. */
function localWeekAndMonth(ms: number, offsetHours: number): { readonly monday: number; readonly month: number } {
  const local = new Date(ms + offsetHours * HOUR_MS);
  const date = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return { monday: date - ((local.getUTCDay() + 6) % 7) * DAY_MS, month: Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) };
}

/**
 * The first hour of the span that holds the hour `hourMs` (migrations/0004,
 * the same expression): the hour itself when UTC and UTC+12 place it in
 * different ISO weeks or months, else the first hour they both place in its
 * week and month.
 */
export function spanStartMs(hourMs: number): number {
  const west = localWeekAndMonth(hourMs, 0);
  const east = localWeekAndMonth(hourMs, 12);
  if (west.monday !== east.monday || west.month !== east.month) return hourMs;
  return Math.max(west.monday, west.month);
}

/** Whether a period of whole hours is a whole number of spans: no span begins before `startMs` and ends after it, nor at `endMs`. */
export function isWholeSpans(startMs: number, endMs: number): boolean {
  return spanStartMs(startMs) === startMs && spanStartMs(endMs) === endMs;
}

/** The condition on user_activity_spans of a checked period. */
export function inPeriodSql(startMs: number, endMs: number): string {
  return `span >= ${sqlDateTime(startMs)} AND span < ${sqlDateTime(endMs)}`;
}

/** A region code and a mirrored registry version fit to stand in SQL: else SqlLiteralError. */
export function checkRegion(region: string, registryVersion: number): void {
  if (!REGION_CODE_PATTERN.test(region)) throw new SqlLiteralError(`not a region code: ${JSON.stringify(region)}`);
  if (!Number.isSafeInteger(registryVersion) || registryVersion < 0) throw new SqlLiteralError('not a registry version');
}

/** A period of the activity: whole spans of UTC hours (a local ISO week or month of UTC+0 to UTC+12), ending after it starts. */
export function checkPeriod(startMs: number, endMs: number): void {
  for (const ms of [startMs, endMs]) {
    if (!Number.isSafeInteger(ms) || ms % HOUR_MS !== 0) {
      throw new SqlLiteralError(`a period's bounds must be whole UTC hours (every zone of Russia is), got ${String(ms)}`);
    }
  }
  if (endMs <= startMs) throw new SqlLiteralError('a period must end after it starts');
  if (!isWholeSpans(startMs, endMs)) {
    throw new SqlLiteralError(
      `a period must be whole spans of the stored activity (a local ISO week or calendar month of a zone from UTC+0 to UTC+12), got ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}`,
    );
  }
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

/** SQL of the org_ids of a region's organizations in a mirrored registry version (checked with checkRegion). */
export function regionOrgIdsSql(region: string, registryVersion: number): string {
  return `SELECT org_id FROM registry_organizations WHERE version = ${sqlUInt(registryVersion)} AND region_code = ${sqlString(region)}`;
}

/**
 * SQL of the (org_id, user_id, role) registered at an instant (exclusive:
 * changes at exactly `atMs` are not yet in force), in a region's
 * organizations of a mirrored registry version, or (null) in any.
 */
export function registrationsInForceSql(placement: { readonly region: string; readonly registryVersion: number } | null, atMs: number): string {
  const organizations =
    placement === null
      ? ''
      : `org_id IN (${regionOrgIdsSql(placement.region, placement.registryVersion)}) AND`;
  return `SELECT org_id, user_id, role FROM (
       SELECT org_id, user_id, role, argMax(registered, tuple(time, time_ms, registered)) AS registered
       FROM registrations_by_org
       WHERE ${organizations} ${changedBeforeSql(atMs)}
       GROUP BY org_id, user_id, role)
     WHERE registered = 1`;
}

/** The condition of a registration change made before an instant (exclusive: a change at exactly `atMs` is not yet in force), to the millisecond. */
export function changedBeforeSql(atMs: number): string {
  const seconds = Math.floor(atMs / 1000);
  const ms = atMs - seconds * 1000;
  return `(time < ${sqlDateTime(seconds * 1000)} OR (time = ${sqlDateTime(seconds * 1000)} AND time_ms < ${sqlUInt(ms)}))`;
}

/** What the KPIs of a region's period are computed from. */
export interface PeriodFigures {
  /** The activity counters of every unit of the levels asked (unit keys above). */
  readonly counters: Map<string, ActivityCounters>;
  /** Organizations with at least 2 registered users at the period's end: the "active" ones. */
  readonly activeOrgs: Set<string>;
  /** The region's organizations of which each fact was stated by an event before the period's end (org_facts, migrations/0007). */
  readonly orgFacts: Record<OrgFact, Set<string>>;
}

/** No figures: a period before any fact. */
export function noFigures(): PeriodFigures {
  return { counters: new Map(), activeOrgs: new Set(), orgFacts: noOrgFacts() };
}

function noOrgFacts(): Record<OrgFact, Set<string>> {
  return Object.fromEntries(ORG_FACTS.map((f) => [f, new Set<string>()])) as Record<OrgFact, Set<string>>;
}

/**
 * The region's organizations (of a mirrored registry version) of which
 * each fact (connected, journal linked, government label) happened before
 * an instant (exclusive, by the millisecond), as events stated them.
 */
export async function organizationFactsAt(
  clickhouse: ClickHouse,
  region: string,
  registryVersion: number,
  atMs: number,
): Promise<Record<OrgFact, string[]>> {
  checkRegion(region, registryVersion);
  const rows = await clickhouse.query<{ org_id: string; fact: string }>(
    `SELECT DISTINCT org_id, fact FROM org_facts
     PREWHERE org_id IN (${regionOrgIdsSql(region, registryVersion)})
     WHERE ${changedBeforeSql(atMs)}
     ORDER BY org_id, fact`,
  );
  const out = Object.fromEntries(ORG_FACTS.map((f) => [f, [] as string[]])) as Record<OrgFact, string[]>;
  for (const r of rows) if ((ORG_FACTS as readonly string[]).includes(r.fact)) out[r.fact as OrgFact].push(r.org_id);
  return out;
}

/**
 * The figures of a region's period in one query, and the organizations'
 * facts beside it: the counters of every unit
 * of the levels asked, and the active organizations, counted from the
 * registrations' "org:" rows (2+ registered users), so they cost no read of
 * their own; an organization's activity is counted only when the
 * organization level is asked.
 */
export async function regionFigures(clickhouse: ClickHouse, query: RegionFiguresQuery): Promise<PeriodFigures> {
  checkRegion(query.region, query.registryVersion);
  checkPeriod(query.startMs, query.endMs);
  if (query.countedActivities.some((a) => !ACTIVITY.test(a))) throw new SqlLiteralError('not an activity key');
  const levels = [...new Set(query.levels)].sort();
  if (levels.length === 0 || levels.some((l) => !Object.hasOwn(UNIT_KEY_SQL, l))) throw new SqlLiteralError('not a list of unit levels');
  const { region, registryVersion: version } = query;
  const organizations = regionOrganizationsSql(region, version);
  const regionOrgIds = regionOrgIdsSql(region, version);
  const registrations = registrationsInForceSql({ region, registryVersion: version }, query.endMs);
  const countsOrganizations = levels.includes('organization');
  const unitKeys = levels.map((l) => UNIT_KEY_SQL[l]);
  const activityUnits = `[${unitKeys.join(', ')}]`;
  const registeredUnitKeys = `[${(countsOrganizations ? unitKeys : [...unitKeys, UNIT_KEY_SQL.organization]).join(', ')}]`;
  // (user_id, role, no_headcount, unit) of every registration in force at
  // the end: a row per level asked, and one per organization (the active
  // ones) when that level is not asked.
  const registeredUnits = `
    SELECT user_id, role, no_headcount, unit FROM (
      SELECT org_id, user_id, role, municipality_id, category, no_headcount
      FROM (${registrations}) AS registrations
      ALL INNER JOIN (${organizations}) AS organizations USING org_id
    ) ARRAY JOIN ${registeredUnitKeys} AS unit`;
  // Rows whose activity is counted: all, or all but the organizations' rows kept for the active ones.
  const counts = (condition: string) => (countsOrganizations ? condition : `${condition} AND substring(unit, 1, 4) != 'org:'`);
  const inPeriod = inPeriodSql(query.startMs, query.endMs);
  const counted = query.countedActivities.length === 0 ? '0' : `activity IN ${sqlStringList(query.countedActivities)}`;
  const sums = (prefix: string) =>
    `sumIf(n, ${counted}) AS ${prefix}messages, sumIf(n, activity = ${sqlString(query.callActivity)}) AS ${prefix}calls,
     sumIf(n, activity != 'call_initiated') AS ${prefix}any_activity`;

  // PREWHERE: the states (events) are read only for the granules that hold
  // rows of the region (18.16 does not move these conditions itself: an
  // unplaced read with WHERE took 10 times as long).
  //
  // Counts are summed, not merged, across organizations and across events
  // naming one or none: an event names one organization or none, so message
  // counts add up exactly. Only a call can be in two of them (joined again
  // naming another organization, or none), and calls and any activity are
  // only compared with >= 1, where 1 + 1 and 1 give the same answer.
  const [rows, orgFacts] = await Promise.all([
    clickhouse.query<Record<string, string>>(`
    SELECT unit,
           uniqExact(user_id) AS registered_users,
           uniqExactIf(user_id, ${counts("role = 'teacher'")}) AS registered_teachers,
           uniqExactIf(user_id, ${counts("role = 'student'")}) AS registered_students,
           uniqExactIf(user_id, ${counts("role = 'parent'")}) AS registered_parents,
           uniqExactIf(user_id, ${counts("role = 'teacher' AND no_headcount = 1")}) AS registered_teachers_without_headcount,
           uniqExactIf(user_id, ${counts("role = 'teacher' AND messages + unplaced_messages >= 3")}) AS teachers_3_messages,
           uniqExactIf(user_id, ${counts("role = 'teacher' AND messages + unplaced_messages >= 10")}) AS teachers_10_messages,
           uniqExactIf(user_id, ${counts("role = 'teacher' AND calls + unplaced_calls >= 1")}) AS teachers_1_call,
           uniqExactIf(user_id, ${counts("role = 'teacher' AND any_activity + unplaced_any_activity >= 1")}) AS active_teachers
    FROM
    (
        SELECT user_id, role, no_headcount, unit, messages, calls, any_activity
        FROM (${registeredUnits}) AS registered
        ANY LEFT JOIN
        (
            -- events naming an organization of the region: distinct events
            -- (calls) per person, organization and activity over the period,
            -- summed per unit of the organization
            SELECT user_id, unit, ${sums('')}
            FROM
            (
                SELECT user_id, activity, n, org_id, municipality_id, category
                FROM
                (
                    SELECT user_id, org_id, activity, uniqExactMerge(events) AS n
                    FROM user_activity_spans
                    PREWHERE org_id IN (${regionOrgIds}) AND ${inPeriod}
                    GROUP BY user_id, org_id, activity
                ) AS placed_events
                ALL INNER JOIN (${organizations}) AS organizations USING org_id
            ) ARRAY JOIN ${activityUnits} AS unit
            GROUP BY user_id, unit
        ) AS placed USING (user_id, unit)
    ) AS registered_placed
    ANY LEFT JOIN
    (
        -- events naming no organization, of the region's teachers (only
        -- teachers' activity is counted; any who ever registered as one,
        -- the join keeps those registered at the end): per person, for every
        -- unit the person is registered in
        SELECT user_id, ${sums('unplaced_')}
        FROM
        (
            SELECT user_id, activity, uniqExactMerge(events) AS n
            FROM user_activity_spans
            PREWHERE org_id = '' AND ${inPeriod}
              AND user_id IN (SELECT user_id FROM registrations_by_org PREWHERE org_id IN (${regionOrgIds}) WHERE role = 'teacher')
            GROUP BY user_id, activity
        )
        GROUP BY user_id
    ) AS unplaced USING user_id
    GROUP BY unit`),
    organizationFactsAt(clickhouse, region, version, query.endMs),
  ]);

  const figures: PeriodFigures = { counters: new Map(), activeOrgs: new Set(), orgFacts: noOrgFacts() };
  for (const [fact, orgs] of Object.entries(orgFacts) as [OrgFact, string[]][]) figures.orgFacts[fact] = new Set(orgs);
  for (const r of rows) {
    const unit = r['unit']!;
    const registeredUsers = Number(r['registered_users']);
    if (unit.startsWith('org:')) {
      if (registeredUsers >= 2) figures.activeOrgs.add(unit.slice('org:'.length));
      if (!countsOrganizations) continue; // kept for the active organizations only
    }
    figures.counters.set(unit, {
      registeredUsers,
      registeredTeachers: Number(r['registered_teachers']),
      registeredStudents: Number(r['registered_students']),
      registeredParents: Number(r['registered_parents']),
      registeredTeachersWithoutHeadcount: Number(r['registered_teachers_without_headcount']),
      teachers3Messages: Number(r['teachers_3_messages']),
      teachers10Messages: Number(r['teachers_10_messages']),
      teachers1Call: Number(r['teachers_1_call']),
      activeTeachers: Number(r['active_teachers']),
    });
  }
  return figures;
}
