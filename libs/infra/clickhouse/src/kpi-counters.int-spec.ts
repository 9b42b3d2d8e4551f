import { stackEnv, uniqueName } from '@sferum/testing';
import { ClickHouse } from './clickhouse-client';
import { runClickHouseMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { registrationsAt } from './activity-store';
import { regionFigures, type RegionFiguresQuery } from './kpi-counters';
import { mirrorRegistry } from './registry-mirror';
import {
  KPI_C1_ALONE_MS,
  KPI_MANY_VERSION,
  KPI_NASTY_VERSION,
  KPI_ORGS,
  KPI_T4_LEFT_MS,
  KPI_WEEK_END_MS,
  ALL_LEVELS,
  kpiQuery as query,
  loadKpiRows,
} from '../test/kpi-fixture';

/**
 * The fixture (../test/kpi-fixture.ts, also run on a current ClickHouse by
 * the cross-version tier): facts built by hand, as the aggregator writes
 * them, placed at read time by the mirrored registry; expected numbers
 * counted by hand here.
 */
describe('KPI counters of every unit in one query, placed at read time', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_kpi');
  let db: ClickHouse;
  const countersOf = async (q: RegionFiguresQuery) => (await regionFigures(db, q)).counters;

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    await loadKpiRows(db); // T1's events delivered twice
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  it("gives the region's organizations of which each fact happened before the period's end, by the millisecond", async () => {
    const { orgFacts } = await regionFigures(db, query());
    expect(Object.fromEntries(Object.entries(orgFacts).map(([fact, orgs]) => [fact, [...orgs].sort()]))).toEqual({
      connected: ['s1'], // not ghost (unknown), not k1 (region 42)
      journal_linked: ['s1'], // s2's at the week's end exactly is not yet
      gov_label: ['c1'],
    });
    const after = await regionFigures(db, query({ startMs: KPI_WEEK_END_MS, endMs: KPI_WEEK_END_MS + 7 * 86_400_000 }));
    expect([...after.orgFacts.journal_linked].sort()).toEqual(['s1', 's2']);
  });

  it('counts the region, its municipalities, categories and organizations exactly', async () => {
    const units = await countersOf(query());
    expect(units.get('region')).toEqual({
      // T1 T2 T3 S1 S2 P1 T7 T8 T10 (T4 and T9 left, T5 not in the registry, T6 after the week, K1 in region 42)
      registeredUsers: 9,
      registeredTeachers: 6, // T1 T2 T3 T7 T8 T10
      registeredStudents: 2,
      registeredParents: 2, // T3 (also a teacher) and P1
      registeredTeachersWithoutHeadcount: 2, // T1 and T8 in s2
      teachers3Messages: 5, // T1 10, T2 3+5 stickers, T3 12, T7 10 naming c1, T8 5+5
      teachers10Messages: 4, // T1, T3, T7, T8
      teachers1Call: 2, // T1 joined, T3 started
      activeTeachers: 5,
    });
    // T1 once for s1 and s2; T7's messages name c1 (m2): not m1's; T8's name s1 or none: 10 in m1
    expect(units.get('municipality:m1')).toMatchObject({ registeredTeachers: 5, teachers10Messages: 3 });
    expect(units.get('org:s1')).toMatchObject({ registeredUsers: 6, registeredTeachers: 4, teachers10Messages: 2 }); // T1, T3
    expect(units.get('org:s2')).toMatchObject({ registeredUsers: 2, registeredTeachers: 2, teachers3Messages: 2, teachers10Messages: 1 }); // T8: 5 here
    // T10 left and joined in one second (joined last, by 200 ms); T9 joined and left: not registered
    expect(units.get('org:c1')).toMatchObject({ registeredUsers: 2, registeredTeachers: 1, registeredParents: 1, teachers10Messages: 0 });
    expect(units.get('category:spo')).toMatchObject({ registeredUsers: 2, registeredTeachers: 1 });
    expect(units.get('municipality_category:m1/general')?.registeredTeachers).toBe(5);
    expect(units.has('org:ghost')).toBe(false);
    expect(units.has('org:k1')).toBe(false);
  });

  it('places another region by the same mirror, with nothing of region 54', async () => {
    const units = await countersOf(query({ region: '42' }));
    expect(units.get('region')).toMatchObject({ registeredUsers: 1, registeredTeachers: 1, teachers10Messages: 1 });
    expect([...units.keys()].sort()).toEqual(['category:general', 'municipality:k-m1', 'municipality_category:k-m1/general', 'org:k1', 'region']);
  });

  it('counts the levels asked only, each as with every level, and the active organizations (2+ registered users) whatever the levels', async () => {
    const every = await countersOf(query());
    const prefixes: Record<(typeof ALL_LEVELS)[number], string> = { region: 'region', municipality: 'municipality:', category: 'category:', municipality_category: 'municipality_category:', organization: 'org:' };
    for (const level of ALL_LEVELS) {
      const alone = await regionFigures(db, query({ levels: [level] }));
      expect(alone.counters).toEqual(new Map([...every].filter(([key]) => key.startsWith(prefixes[level]) && (level !== 'municipality' || !key.startsWith('municipality_category:')))));
      expect([...alone.activeOrgs].sort()).toEqual(['c1', 's1', 's2']); // c1: P1 and T10
    }
    // Region 42's only organization has one registered user: not active, at any level.
    for (const level of ALL_LEVELS) expect((await regionFigures(db, query({ region: '42', levels: [level] }))).activeOrgs.size).toBe(0);
    const two = await regionFigures(db, query({ levels: ['municipality', 'region'] }));
    expect([...two.counters.keys()].sort()).toEqual(['municipality:m1', 'municipality:m2', 'region']);
    await expect(regionFigures(db, query({ levels: [] }))).rejects.toThrow(/unit levels/);
    await expect(regionFigures(db, query({ levels: ['toString' as 'region'] }))).rejects.toThrow(/unit levels/);
  });

  it('registrations in force at an instant, by the millisecond: a change at the instant is not in force yet', async () => {
    const c1 = async (atMs: number) => (await registrationsAt(db, atMs)).filter((r) => r.org_id === 'c1').map((r) => r.user_id).sort();
    expect(await c1(KPI_T4_LEFT_MS)).toEqual(['P1', 'T4']); // T4 leaves at that instant
    expect(await c1(KPI_C1_ALONE_MS)).toEqual(['P1']);
    expect(await c1(KPI_WEEK_END_MS)).toEqual(['P1', 'T10']); // T10 left and joined in one second, joined last by 200 ms; T9 joined and left
  });

  it('applies the region settings: counted message kinds and call mode', async () => {
    const onlyText = await countersOf(query({ countedActivities: ['group:text'] }));
    expect(onlyText.get('region')).toMatchObject({ teachers3Messages: 4, teachers10Messages: 3 }); // T3's polls no longer count
    const started = await countersOf(query({ callActivity: 'call_initiated' }));
    expect(started.get('region')?.teachers1Call).toBe(1); // only T3 started a call
  });

  it('answers for a region with 60,000 organizations', async () => {
    const units = await countersOf(query({ registryVersion: KPI_MANY_VERSION }));
    expect(units.get('region')?.registeredTeachers).toBe(6);
  });

  it('a mirror written again after an interrupted write (rows twice) answers the same', async () => {
    const version = 40;
    // The first attempt wrote its rows and died before committing them.
    await db.insert('registry_organizations', KPI_ORGS.map((o) => ({ version, org_id: o.orgId, municipality_id: o.municipalityId, region_code: o.regionCode, category: o.category, headcount: o.headcount ?? 0, has_headcount: o.headcount === null ? 0 : 1 })));
    await mirrorRegistry(db, version, KPI_ORGS);
    expect(await countersOf(query({ registryVersion: version }))).toEqual(await countersOf(query()));
    expect([...(await regionFigures(db, query({ registryVersion: version }))).activeOrgs].sort()).toEqual(['c1', 's1', 's2']);
  });

  it('rejects input that is not what it claims, before any SQL', async () => {
    await expect(countersOf(query({ region: "54' OR 1=1" }))).rejects.toThrow(/not a region code/);
    await expect(countersOf(query({ startMs: KPI_WEEK_END_MS - 1_800_000 }))).rejects.toThrow(/whole UTC hours/);
    await expect(countersOf(query({ countedActivities: ["group:text') OR ('1"] }))).rejects.toThrow(/not an activity key/);
    const nasty = await countersOf(query({ registryVersion: KPI_NASTY_VERSION }));
    expect(nasty.size).toBe(0);
  });
});
