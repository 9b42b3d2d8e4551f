import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '@sferum/testing';
import { ClickHouse } from '../src/clickhouse-client';
import { loadMigrations, runClickHouseMigrations } from '../src/migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/migrations-dir';
import { sqlDate, sqlIdentifier, sqlString } from '../src/sql-literal';
import { EDITED_MIGRATION, NASTY_LABELS, PROBE_TABLE, writeTwoMigrations } from './clickhouse-fixture';
import { closeChdb } from './chdb-engine';
import { askEachVersion, CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions, type ClickHouseVersion } from './versions';

/**
 * The ClickHouse lib's own statements (clickhouse.int-spec.ts) on both
 * versions: the project's migrations build the same schema, the runner
 * behaves the same, escaped literals round-trip the same, errors are errors.
 */
describe(`ClickHouse lib: ${CLICKHOUSE_CURRENT.label} answers as ${CLICKHOUSE_18_16.label}`, () => {
  let both: OnBothVersions;

  beforeAll(async () => {
    both = await OnBothVersions.create('test_versions_ch');
  });

  afterAll(async () => {
    await (both as OnBothVersions | undefined)?.close(); // undefined when beforeAll failed
    await closeChdb();
  });

  /** A database of its own on one version, dropped afterwards. */
  async function withDatabase<T>(version: ClickHouseVersion, prefix: string, use: (options: ReturnType<ClickHouseVersion['options']>, db: ClickHouse) => Promise<T>): Promise<T> {
    const options = version.options(uniqueName(prefix));
    const db = new ClickHouse(options);
    try {
      return await use(options, db);
    } finally {
      await db.command(`DROP DATABASE IF EXISTS ${sqlIdentifier(options.database)}`);
      await db.close();
    }
  }

  it('answers a ping', async () => {
    const { legacy, current } = await both.ask((db) => db.ping());
    expect(current).toStrictEqual(legacy);
  });

  it('the project migrations build the same tables and columns, recorded the same; applied once', async () => {
    const { legacy, current } = await both.ask(async (db) => ({
      tables: await db.query<{ name: string; engine: string }>('SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name'),
      columns: await db.query<{ table: string; name: string; type: string }>(
        'SELECT table, name, type FROM system.columns WHERE database = currentDatabase() ORDER BY table, name',
      ),
      recorded: await db.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version'),
      again: await runClickHouseMigrations(db.options, CLICKHOUSE_MIGRATIONS_DIR),
    }));
    expect(current).toStrictEqual(legacy);
    expect(legacy.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['activity_ingest', 'weekly_user_activity', 'registration_events', 'schema_migrations']));
    expect(legacy.again).toEqual({ applied: [], alreadyApplied: loadMigrations(CLICKHOUSE_MIGRATIONS_DIR).map((m) => m.name) });
  });

  it('applies numbered migrations in order, once, and records them', async () => {
    const { legacy, current } = await askEachVersion((version) =>
      withDatabase(version, 'test_versions_order', async (options, db) => {
        const folder = mkdtempSync(join(tmpdir(), 'ch-mig-'));
        writeTwoMigrations(folder);
        return {
          first: await runClickHouseMigrations(options, folder),
          again: await runClickHouseMigrations(options, folder),
          tables: await db.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('first', 'second') ORDER BY name`),
          first_rows: await db.query<{ x: number }>('SELECT x FROM first'),
          recorded: await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version'),
        };
      }),
    );
    expect(current).toStrictEqual(legacy);
    expect(legacy.first.applied).toEqual(['0001_first.sql', '0002_second.sql']);
    expect(legacy.first_rows).toEqual([{ x: 1 }]);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const { legacy, current } = await askEachVersion((version) =>
      withDatabase(version, 'test_versions_edit', async (options) => {
        const folder = mkdtempSync(join(tmpdir(), 'ch-mig-'));
        writeFileSync(join(folder, EDITED_MIGRATION.name), EDITED_MIGRATION.before);
        await runClickHouseMigrations(options, folder);
        writeFileSync(join(folder, EDITED_MIGRATION.name), EDITED_MIGRATION.after);
        return runClickHouseMigrations(options, folder).then(
          () => 'applied',
          (error: Error) => error.message,
        );
      }),
    );
    expect(current).toStrictEqual(legacy);
    expect(legacy).toMatch(/was changed after it was applied/);
  });

  it('inserts and selects; escaped literals round-trip exactly', async () => {
    const { legacy, current } = await both.ask(async (db) => {
      await db.command(PROBE_TABLE);
      await db.insert('probe', NASTY_LABELS.map((label, i) => ({ id: i, label, day: '2023-05-08' })));
      const counts: number[] = [];
      for (const label of NASTY_LABELS) {
        const rows = await db.query<{ n: string | number }>(`SELECT count() AS n FROM probe WHERE label = ${sqlString(label)} AND day = ${sqlDate('2023-05-08')}`);
        counts.push(Number(rows[0]?.n));
      }
      return { counts, labels: (await db.query<{ label: string }>('SELECT label FROM probe ORDER BY id')).map((r) => r.label) };
    });
    expect(current).toStrictEqual(legacy);
    expect(legacy).toEqual({ counts: NASTY_LABELS.map(() => 1), labels: NASTY_LABELS });
  });

  it('reports a server error instead of an empty result', async () => {
    const { legacy, current } = await both.ask((db) =>
      db.query('SELECT * FROM no_such_table').then(
        (rows) => ({ rows }),
        (error: Error) => ({ namesTheTable: error.message.includes('no_such_table') }),
      ),
    );
    expect(current).toStrictEqual(legacy);
    expect(legacy).toEqual({ namesTheTable: true });
  });
});
