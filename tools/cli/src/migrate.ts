/**
 * `npm run migrate`: applies the pending PostgreSQL (TypeORM) and ClickHouse
 * migrations, creating the ClickHouse database when missing. Idempotent.
 */
import 'reflect-metadata';
import { CLICKHOUSE_VARS, loadConfig, POSTGRES_VARS } from '@sferum/config';
import { CLICKHOUSE_MIGRATIONS_DIR, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { createDataSource } from '@sferum/infra-postgres';
import { runCli } from './cli-runner';

runCli(async () => {
  const config = loadConfig('migrate', { ...POSTGRES_VARS, ...CLICKHOUSE_VARS });

  const dataSource = createDataSource({ url: config.DATABASE_URL, poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(
      applied.length > 0
        ? `postgres: applied ${applied.map((m) => m.name).join(', ')}`
        : 'postgres: schema up to date',
    );
  } finally {
    await dataSource.destroy();
  }

  const report = await runClickHouseMigrations(
    { url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE },
    CLICKHOUSE_MIGRATIONS_DIR,
    (line) => console.log(line),
  );
  console.log(
    report.applied.length > 0
      ? `clickhouse: applied ${report.applied.join(', ')}`
      : `clickhouse: schema up to date (${report.alreadyApplied.length} migrations)`,
  );
});
