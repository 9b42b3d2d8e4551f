import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackEnv, uniqueName } from '@sferum/testing';
import { ClickHouse } from './clickhouse-client';
import { runClickHouseMigrations } from './migration-runner';
import { sqlDate, sqlString } from './sql-literal';
import { EDITED_MIGRATION, NASTY_LABELS, PROBE_TABLE, writeTwoMigrations } from '../test/clickhouse-fixture';

const PROJECT_MIGRATIONS = join(__dirname, '..', 'migrations');

describe('ClickHouse lib against the real server', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_ch');
  let db: ClickHouse;

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, PROJECT_MIGRATIONS);
    db = new ClickHouse({ url, database });
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  it('answers a ping', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('applies the project migrations once and records them', async () => {
    const again = await runClickHouseMigrations({ url, database }, PROJECT_MIGRATIONS);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toContain('0001_activity.sql');
    const tables = await db.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${sqlString(database)} ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['activity_ingest', 'weekly_user_activity', 'registration_events', 'schema_migrations']));
  });

  it('applies numbered migrations in order, once, and records them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ch-mig-'));
    const own = uniqueName('test_ch_order');
    const ownDb = new ClickHouse({ url, database: own });
    writeTwoMigrations(folder);
    const first = await runClickHouseMigrations({ url, database: own }, folder);
    expect(first.applied).toEqual(['0001_first.sql', '0002_second.sql']);
    const again = await runClickHouseMigrations({ url, database: own }, folder);
    expect(again).toEqual({ applied: [], alreadyApplied: ['0001_first.sql', '0002_second.sql'] });
    const created = await ownDb.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${sqlString(own)} AND name IN ('first', 'second') ORDER BY name`,
    );
    expect(created.map((t) => t.name)).toEqual(['first', 'second']);
    expect(await ownDb.query<{ x: number }>('SELECT x FROM first')).toEqual([{ x: 1 }]);
    const recorded = await ownDb.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.name)).toEqual(['0001_first.sql', '0002_second.sql']);
    await ownDb.command(`DROP DATABASE IF EXISTS ${own}`);
    await ownDb.close();
  });

  it('creates, inserts and selects; escaped literals round-trip exactly', async () => {
    await db.command(PROBE_TABLE);
    const nasty = NASTY_LABELS;
    await db.insert(
      'probe',
      nasty.map((label, i) => ({ id: i, label, day: '2023-05-08' })),
    );
    for (const label of nasty) {
      const rows = await db.query<{ n: string }>(
        `SELECT count() AS n FROM probe WHERE label = ${sqlString(label)} AND day = ${sqlDate('2023-05-08')}`,
      );
      expect(Number(rows[0]?.n)).toBe(1);
    }
    const all = await db.query<{ label: string }>('SELECT label FROM probe ORDER BY id');
    expect(all.map((r) => r.label)).toEqual(nasty);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ch-mig-'));
    const edited = uniqueName('test_ch_edit');
    writeFileSync(join(folder, EDITED_MIGRATION.name), EDITED_MIGRATION.before);
    await runClickHouseMigrations({ url, database: edited }, folder);
    writeFileSync(join(folder, EDITED_MIGRATION.name), EDITED_MIGRATION.after);
    await expect(runClickHouseMigrations({ url, database: edited }, folder)).rejects.toThrow(/was changed after it was applied/);
    await db.command(`DROP DATABASE IF EXISTS ${edited}`);
  });

  it('reports a server error instead of an empty result', async () => {
    await expect(db.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
  });
});
