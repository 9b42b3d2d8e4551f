import { stackEnv, uniqueName } from '@sferum/testing';
import { connectedOrganizations, DERIVED_TABLES, lastEventPerRegion, rebuildDerivedTables, registrationsAt, unknownOrganizations } from './activity-store';
import { ClickHouse } from './clickhouse-client';
import { regionFigures } from './kpi-counters';
import { runClickHouseMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { KPI_VERSION, KPI_WEEK_END_MS, kpiQuery, loadKpiRows } from '../test/kpi-fixture';

/**
 * `npm run rebuild` (tools/cli/src/rebuild.ts): every derived table emptied
 * and filled again from the stored facts and from the history only the
 * tables of migration 0001 hold (0003's conversion) gives the same answers
 * each time it runs, and brings back nothing a later migration dropped.
 */
describe('rebuilding the derived tables from the facts', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_rebuild');
  let db: ClickHouse;

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    await loadKpiRows(db);
    // History from before 0002, in the tables of 0001 (written by nobody now): a teacher L1
    // registered in s1, a connection of s2, and L1's 12 group texts of 2023-W19 (no organization, no hour).
    await db.command(
      `INSERT INTO registration_events (region, municipality, org_id, category, user_id, role, time, registered, event_id, unassigned)
       VALUES ('54', 'm1', 's1', 'general', 'L1', 'teacher', toDateTime('2023-04-03 08:00:00', 'UTC'), 1, 'legacy-registration', 0)`,
    );
    await db.command(`INSERT INTO org_connections (region, org_id, time, event_id, unassigned) VALUES ('54', 's2', toDateTime('2023-04-03 08:00:00', 'UTC'), 'legacy-connection', 0)`);
    await db.command(
      `INSERT INTO weekly_user_activity (week, user_id, activity, events, last_time)
       SELECT '2023-W19', 'L1', 'group:text', uniqExactState(concat('legacy-message-', toString(number))), maxState(toDateTime('2023-05-10 09:00:00', 'UTC'))
       FROM numbers(12)`,
    );
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  const tables = async () => (await db.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`)).map((r) => r.name);
  /** Every reader of the derived tables. */
  const answers = async () => ({
    figures: await regionFigures(db, kpiQuery()),
    registrations: await registrationsAt(db, KPI_WEEK_END_MS),
    connected: await connectedOrganizations(db, '54', KPI_VERSION, KPI_WEEK_END_MS),
    unknown: await unknownOrganizations(db, { registryVersion: KPI_VERSION, limit: 100, offset: 0 }),
    lastEvents: await lastEventPerRegion(db, KPI_VERSION),
  });

  it("converts 0001's history, and gives the same answers after a derived table was lost, twice in a row, with progress per month", async () => {
    const before = await answers();
    expect(before.figures.counters.get('region')).toMatchObject({ registeredTeachers: 6, teachers10Messages: 4 }); // the fixture, not an empty answer
    expect(before.connected).not.toContain('s2');
    const tablesBefore = await tables();
    expect(tablesBefore).not.toContain('fact_writes'); // dropped by migration 0005
    for (const table of DERIVED_TABLES) expect(tablesBefore).toContain(table);

    let first: Awaited<ReturnType<typeof answers>> | undefined;
    for (let run = 1; run <= 2; run++) {
      if (run === 2) await db.command('TRUNCATE TABLE user_activity_spans'); // a derived table lost
      const progress: string[] = [];
      const { months } = await rebuildDerivedTables(db, (_, done, total) => progress.push(`${done}/${total}`));
      expect(months).toBeGreaterThan(0);
      expect(progress).toEqual(Array.from({ length: months }, (_, i) => `${i + 1}/${months}`));
      const after = await answers();
      // L1 converted: registered in s1, 12 texts of W19 counted where L1 is registered; s2 connected.
      expect(after.figures.counters.get('region')).toMatchObject({ registeredTeachers: 7, teachers10Messages: 5 });
      expect(after.figures.counters.get('org:s1')).toMatchObject({ registeredTeachers: (before.figures.counters.get('org:s1')?.registeredTeachers ?? 0) + 1 });
      expect(after.registrations).toEqual(expect.arrayContaining([...before.registrations, { org_id: 's1', user_id: 'L1', role: 'teacher' }]));
      expect(after.registrations).toHaveLength(before.registrations.length + 1);
      expect(after.connected).toEqual([...before.connected, 's2'].sort());
      expect(after.unknown).toEqual(before.unknown);
      expect(after.lastEvents).toEqual(before.lastEvents);
      if (first === undefined) first = after;
      else expect(after).toEqual(first);
      expect(await tables()).toEqual(tablesBefore);
    }
  });
});
