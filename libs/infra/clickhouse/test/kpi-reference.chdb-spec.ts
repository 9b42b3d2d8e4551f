import { type ActivityFactRow, type CallMode, type OrgPlacement } from '@sferum/contracts';
import {
  addWeeks,
  callActivity,
  compareWeeks,
  countedMessageActivities,
  createPseudonymizer,
  decodeActivityRecord,
  EventValidator,
  FEDERAL_SUBJECTS,
  formatIsoWeek,
  normalizeEvent,
  parseIsoWeek,
  validateOrganizationCsv,
  weekBounds,
  type IsoWeek,
  type NormalizationContext,
  type OrganizationRecord,
  type UnitLevel,
} from '@sferum/domain';
import { REFERENCE_PSEUDONYM_KEY, REFERENCE_WEEK, referenceRegistryCsv, referenceWeekEvents, TEST_NOW } from '@sferum/testing';
import { insertActivityFacts, lastEventPerRegion, unknownOrganizations } from '../src/activity-store';
import { type ClickHouse } from '../src/clickhouse-client';
import { regionFigures } from '../src/kpi-counters';
import { mirrorRegistry } from '../src/registry-mirror';
import { closeChdb } from './chdb-engine';
import { CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions } from './versions';

/**
 * The reference week of kpi.int-spec.ts on both versions. Its events go
 * the pipeline's way without the servers in between: validated and
 * normalized as ingest does (registry of region 54, source home region 54),
 * as JSON on the topic, decoded and inserted as the aggregator does. Then
 * the ClickHouse queries the KPI service issues for that spec's requests
 * (a week and the one before it, by region, municipality or organization,
 * both call modes, a 4-week history; the monitor's last events), with the
 * parameters built as the service builds them.
 */
const ZONE = FEDERAL_SUBJECTS.find((s) => s.code === '54')!.timeZone;

function registry(): OrganizationRecord[] {
  const { records, problems } = validateOrganizationCsv(referenceRegistryCsv(), { knownRegions: new Set(FEDERAL_SUBJECTS.map((s) => s.code)) });
  if (problems.length > 0) throw new Error(`registry fixture: ${JSON.stringify(problems[0])}`);
  return records;
}

/** The rows the aggregator would write for the reference week's deliveries. */
function aggregatorRows(organizations: readonly OrganizationRecord[]): ActivityFactRow[] {
  const placements = new Map<string, OrgPlacement>(
    organizations.map((o) => [o.orgId, { regionCode: o.regionCode, municipalityId: o.municipalityId, category: o.category, timeZone: ZONE }]),
  );
  const context: NormalizationContext = {
    source: { name: 'reference-bus', homeRegion: '54', allowedRegions: ['54'] },
    nowMs: Date.parse(TEST_NOW),
    maxAgeDays: 3650,
    maxAheadDays: 1,
    regionOfOrganization: (orgId) => placements.get(orgId)?.regionCode,
    pseudonymize: createPseudonymizer(REFERENCE_PSEUDONYM_KEY),
  };
  const validator = new EventValidator();
  const { events, duplicates } = referenceWeekEvents();
  return [...events, ...duplicates].map((event) => {
    const valid = validator.validate(event);
    const normalized = valid.ok ? normalizeEvent(valid.event, context) : valid;
    if (!normalized.ok) throw new Error(`${event.id}: ${normalized.rejection.reason}`);
    const decoded = decodeActivityRecord(JSON.stringify(normalized.record));
    if (!decoded.ok) throw new Error(`${event.id}: ${decoded.reason}`);
    return decoded.row;
  });
}

/** The ClickHouse query of one week's figures, as KpiQueryService.figures issues it. */
function figures(db: ClickHouse, week: IsoWeek, callMode: CallMode, levels: readonly UnitLevel[]) {
  const { startMs, endMs } = weekBounds(week, ZONE);
  return regionFigures(db, {
    region: '54',
    registryVersion: REGISTRY_VERSION,
    startMs,
    endMs,
    countedActivities: countedMessageActivities(null),
    callActivity: callActivity(callMode),
    levels,
  });
}

const REGISTRY_VERSION = 1;

describe(`KPI queries over the reference week: ${CLICKHOUSE_CURRENT.label} answers as ${CLICKHOUSE_18_16.label}`, () => {
  const organizations = registry();
  const week19 = parseIsoWeek('2023-W19');
  let both: OnBothVersions;

  beforeAll(async () => {
    const rows = aggregatorRows(organizations);
    both = await OnBothVersions.create('test_versions_reference', async (db) => {
      for (let i = 0; i < rows.length; i += 2_000) await insertActivityFacts(db, rows.slice(i, i + 2_000));
      await mirrorRegistry(
        db,
        REGISTRY_VERSION,
        organizations.map((o) => ({ orgId: o.orgId, municipalityId: o.municipalityId, regionCode: o.regionCode, category: o.category, headcount: o.teacherHeadcount })),
      );
    });
  });

  afterAll(async () => {
    await (both as OnBothVersions | undefined)?.close(); // undefined when beforeAll failed
    await closeChdb();
  });

  it.each<[string, CallMode, UnitLevel[]]>([
    ['by region and municipality, calls taken part in', 'participated', ['region', 'municipality']],
    ['by region and municipality, calls started', 'initiated', ['region', 'municipality']],
    ['by every level, organizations included', 'participated', ['region', 'municipality', 'category', 'municipality_category', 'organization']],
  ])('the week and the one before it, %s; the organizations the registry does not know', async (_, callMode, levels) => {
    const { legacy, current } = await both.ask(async (db) => ({
      week: await figures(db, week19, callMode, levels),
      previous: await figures(db, addWeeks(week19, -1), callMode, levels),
      unknown: await unknownOrganizations(db, { registryVersion: REGISTRY_VERSION, limit: 100, offset: 0 }),
    }));
    expect(current).toStrictEqual(legacy);
    const region = legacy.week.counters.get('region');
    expect(region?.registeredTeachers).toBe(REFERENCE_WEEK.TEACHERS + 1);
    expect(region?.teachers10Messages).toBe(REFERENCE_WEEK.WRITERS_10);
    expect(legacy.week.activeOrgs.size).toBe(REFERENCE_WEEK.ACTIVE_SCHOOLS);
  });

  it('a 4-week history (2023-W17 .. 2023-W20)', async () => {
    const { legacy, current } = await both.ask(async (db) => {
      const weeks: Record<string, Awaited<ReturnType<typeof figures>>> = {};
      for (let w = parseIsoWeek('2023-W17'); compareWeeks(w, parseIsoWeek('2023-W20')) <= 0; w = addWeeks(w, 1)) {
        weeks[formatIsoWeek(w)] = await figures(db, w, 'participated', ['region']);
      }
      return weeks;
    });
    expect(current).toStrictEqual(legacy);
    expect(Object.entries(legacy).map(([week, f]) => [week, f.counters.get('region')?.teachers10Messages ?? 0])).toEqual([
      ['2023-W17', 0],
      ['2023-W18', 0],
      ['2023-W19', REFERENCE_WEEK.WRITERS_10],
      ['2023-W20', 0],
    ]);
  });

  it("the monitor's last event of each region", async () => {
    const { legacy, current } = await both.ask((db) => lastEventPerRegion(db, REGISTRY_VERSION));
    expect(current).toStrictEqual(legacy);
    expect(legacy).toEqual([{ region: '54', lastIngestedAt: Date.parse(TEST_NOW) / 1000 }]);
  });
});
