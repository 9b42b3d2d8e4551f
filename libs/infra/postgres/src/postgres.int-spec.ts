import 'reflect-metadata';
import { FEDERAL_SUBJECTS, FEDERAL_THRESHOLDS_2023, parsePercentPpm } from '@sferum/domain';
import { createTestDatabase } from '@sferum/testing';
import { type DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { MIGRATIONS } from './migrations';

const REGISTRY_TABLES = ['api_key', 'municipality', 'organization', 'region', 'region_settings', 'source', 'threshold'];

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe('TypeORM migrations against the real PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = createDataSource({ url: database.url });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await database.drop();
  });

  it('round-trips: up creates the schema, down removes it, up again restores it', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables(ds)).toEqual(expect.arrayContaining(REGISTRY_TABLES));

    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual([]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await tables(ds)).toEqual(expect.arrayContaining(REGISTRY_TABLES));
    expect(await ds.runMigrations()).toEqual([]);
  });

  it('has a migration for every entity change (no schema drift)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seeds the 89 federal subjects and the federal bands of 2023', async () => {
    const regions: { code: string; name: string; time_zone: string }[] = await ds.query(
      'SELECT code, name, time_zone FROM region ORDER BY code',
    );
    expect(regions.map((r) => ({ code: r.code, name: r.name, timeZone: r.time_zone }))).toEqual(
      [...FEDERAL_SUBJECTS].sort((a, b) => a.code.localeCompare(b.code)),
    );
    const thresholds: { kpi: string; lower_edge: string; upper_edge: string; effective_from: string }[] = await ds.query(
      `SELECT kpi, lower_edge, upper_edge, to_char(effective_from, 'YYYY-MM-DD') AS effective_from FROM threshold ORDER BY kpi`,
    );
    expect(thresholds).toHaveLength(FEDERAL_THRESHOLDS_2023.length);
    for (const seed of FEDERAL_THRESHOLDS_2023) {
      const row = thresholds.find((t) => t.kpi === seed.kpi);
      expect(row?.effective_from).toBe(seed.effectiveFrom);
      // numeric(7,4) comes back as "0.5000": the same exact value as the domain's edges
      expect(parsePercentPpm(row!.lower_edge)).toBe(parsePercentPpm(seed.lower));
      expect(parsePercentPpm(row!.upper_edge)).toBe(parsePercentPpm(seed.upper));
    }
  });

  it('enforces the registry constraints in the database', async () => {
    await expect(ds.query(`INSERT INTO region (code, name, time_zone) VALUES ('5', 'Bad', 'UTC')`)).rejects.toThrow(
      /region_code_format/,
    );
    await expect(
      ds.query(`INSERT INTO threshold (kpi, lower_edge, upper_edge, effective_from) VALUES ('active_orgs', 60, 50, '2024-01-01')`),
    ).rejects.toThrow(/threshold_edges_ordered/);
  });

  it('0005 gives the settings rows that existed the minimum teacher denominator 5, raises the registry version, and bounds it to 1..1000', async () => {
    // Back to just before 0005 (and any migration after it).
    const index = MIGRATIONS.findIndex((m) => m.name === 'MinTeacherDenominator1700000000005');
    expect(index).toBeGreaterThan(0);
    for (let i = index; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    await ds.query(`INSERT INTO region_settings (region_code, teacher_denominator, call_mode) VALUES ('54', 'headcount', 'initiated')`);
    const version = async () => Number((await ds.query<{ version: string }[]>(`SELECT version::text AS version FROM registry_state`))[0]!.version);
    const before = await version();
    await ds.runMigrations({ transaction: 'each' });
    expect(await ds.query(`SELECT region_code, teacher_denominator, min_teacher_denominator FROM region_settings`)).toEqual([
      { region_code: '54', teacher_denominator: 'headcount', min_teacher_denominator: 5 },
    ]);
    expect(await version()).toBeGreaterThan(before); // running KPI services reload the settings with the new field
    for (const bad of [0, 1001]) {
      await expect(ds.query(`UPDATE region_settings SET min_teacher_denominator = $1 WHERE region_code = '54'`, [bad])).rejects.toThrow(/region_settings_min_teacher_denominator_range/);
    }
    await ds.query(`DELETE FROM region_settings`);
  });
});
