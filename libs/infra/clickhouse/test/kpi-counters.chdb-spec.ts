import { registrationsAt } from '../src/activity-store';
import { regionFigures, type RegionFiguresQuery } from '../src/kpi-counters';
import { KPI_C1_ALONE_MS, KPI_MANY_VERSION, KPI_NASTY_VERSION, KPI_T4_LEFT_MS, KPI_WEEK_END_MS, kpiQuery, loadKpiRows } from './kpi-fixture';
import { closeChdb } from './chdb-engine';
import { CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions } from './versions';

/**
 * The KPI counters' fixture of kpi-counters.int-spec.ts, loaded into 18.16
 * and into the current ClickHouse; every question of that spec asked of
 * both. The answer of 18.16 is the expected one (the integration spec
 * checks it against numbers counted by hand).
 */
describe(`KPI counters: ${CLICKHOUSE_CURRENT.label} answers as ${CLICKHOUSE_18_16.label}`, () => {
  let both: OnBothVersions;

  beforeAll(async () => {
    both = await OnBothVersions.create('test_versions_kpi', loadKpiRows);
  });

  afterAll(async () => {
    await (both as OnBothVersions | undefined)?.close(); // undefined when beforeAll failed
    await closeChdb();
  });

  it.each<[string, Partial<RegionFiguresQuery>, number]>([
    ['every level, organizations included', {}, 6],
    ['the region and its municipalities', { levels: ['region', 'municipality'] }, 6],
    ['the region alone', { levels: ['region'] }, 6],
    ['only group texts counted', { countedActivities: ['group:text'] }, 6],
    ['started calls only', { callActivity: 'call_initiated' }, 6],
    ['another region of the same mirror', { region: '42' }, 1],
    ['60,000 organizations', { registryVersion: KPI_MANY_VERSION }, 6],
    ['identifiers that try to break out of their literals', { registryVersion: KPI_NASTY_VERSION }, 0],
  ])('regionFigures: %s', async (_, overrides, teachers) => {
    const { legacy, current } = await both.ask((db) => regionFigures(db, kpiQuery(overrides)));
    expect(current).toStrictEqual(legacy);
    expect(legacy.counters.get('region')?.registeredTeachers ?? 0).toBe(teachers); // the fixture, not an empty answer
    if (teachers > 0 && overrides.region === undefined) expect([...legacy.activeOrgs].sort()).toEqual(['c1', 's1', 's2']);
  });

  it.each([
    ['at the week end', KPI_WEEK_END_MS, ['P1', 'T10']],
    ['at the instant T4 leaves', KPI_T4_LEFT_MS, ['P1', 'T4']],
    ['while c1 has one user', KPI_C1_ALONE_MS, ['P1']],
  ])('registrations in force %s', async (_, atMs, c1) => {
    const { legacy, current } = await both.ask((db) => registrationsAt(db, atMs));
    expect(current).toStrictEqual(legacy);
    expect(legacy.filter((r) => r.org_id === 'c1').map((r) => r.user_id).sort()).toEqual(c1);
  });
});
