import { activeOrganizations, unitActivityCounters, type UnitCounterQuery } from '../src/kpi-counters';
import { KPI_C1_ALONE_MS, KPI_MANY_VERSION, KPI_NASTY_VERSION, KPI_T4_LEFT_MS, KPI_VERSION, KPI_WEEK_END_MS, kpiQuery, loadKpiRows } from './kpi-fixture';
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

  it.each<[string, Partial<UnitCounterQuery>, number]>([
    ['every unit, organizations included', {}, 6],
    ['without organizations', { perOrganization: false }, 6],
    ['only group texts counted', { countedActivities: ['group:text'] }, 6],
    ['started calls only', { callActivity: 'call_initiated' }, 6],
    ['another region of the same mirror', { region: '42' }, 1],
    ['60,000 organizations', { registryVersion: KPI_MANY_VERSION }, 6],
    ['identifiers that try to break out of their literals', { registryVersion: KPI_NASTY_VERSION }, 0],
  ])('unitActivityCounters: %s', async (_, overrides, teachers) => {
    const { legacy, current } = await both.ask((db) => unitActivityCounters(db, kpiQuery(overrides)));
    expect(current).toStrictEqual(legacy);
    expect(legacy.get('region')?.registeredTeachers ?? 0).toBe(teachers); // the fixture, not an empty answer
  });

  it.each([
    ['at the week end', KPI_WEEK_END_MS, ['c1', 's1', 's2']],
    ['at the instant T4 leaves', KPI_T4_LEFT_MS, ['c1', 's1', 's2']],
    ['while c1 has one user', KPI_C1_ALONE_MS, ['s1', 's2']],
  ])('activeOrganizations %s', async (_, atMs, active) => {
    const { legacy, current } = await both.ask((db) => activeOrganizations(db, { region: '54', registryVersion: KPI_VERSION, atMs }));
    expect(current).toStrictEqual(legacy);
    expect([...legacy].sort()).toEqual(active);
  });
});
