import { stackEnv, uniqueName } from '@sferum/testing';
import { DERIVED_TABLES, rebuildDerivedTables } from './activity-store';
import { ClickHouse } from './clickhouse-client';
import { regionFigures } from './kpi-counters';
import { runClickHouseMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { kpiQuery, loadKpiRows } from '../test/kpi-fixture';

/**
 * `npm run rebuild` (tools/cli/src/rebuild.ts): every derived table emptied
 * and filled again from the stored facts gives the same KPIs, however often
 * it runs, and brings back nothing a later migration dropped.
 */
describe('rebuilding the derived tables from the facts', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_rebuild');
  let db: ClickHouse;

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    await loadKpiRows(db);
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  const tables = async () => (await db.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`)).map((r) => r.name);

  it('gives the same figures after a derived table was lost, twice in a row, with progress per month', async () => {
    const before = await regionFigures(db, kpiQuery());
    expect(before.counters.get('region')?.registeredTeachers).toBe(6); // the fixture, not an empty answer
    const tablesBefore = await tables();
    expect(tablesBefore).not.toContain('fact_writes'); // dropped by migration 0005
    await db.command('TRUNCATE TABLE user_activity_spans'); // a derived table lost
    expect((await regionFigures(db, kpiQuery())).counters.get('region')?.teachers10Messages).toBe(0);

    for (let run = 1; run <= 2; run++) {
      const progress: [number, number, number][] = [];
      const { months } = await rebuildDerivedTables(db, (month, done, total) => progress.push([month, done, total]));
      expect(months).toBeGreaterThan(0);
      expect(progress.map(([, done, total]) => `${done}/${total}`)).toEqual(Array.from({ length: months }, (_, i) => `${i + 1}/${months}`));
      expect(await regionFigures(db, kpiQuery())).toEqual(before);
      expect(await tables()).toEqual(tablesBefore);
    }
    for (const table of DERIVED_TABLES) expect(tablesBefore).toContain(table);
  });
});
