import { stackEnv, uniqueName } from '@sferum/testing';
import { ClickHouse, type ClickHouseOptions } from '../src/clickhouse-client';
import { runClickHouseMigrations } from '../src/migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/migrations-dir';
import { sqlIdentifier } from '../src/sql-literal';
import { chdbOptions } from './chdb-engine';

/**
 * The two ClickHouse versions every statement of the project must run on:
 * 18.16 (Debian's server, on CLICKHOUSE_URL) and a current release (26.7,
 * embedded in the test process by chDB; docker-compose runs 26.8). Both are
 * reached through the same `ClickHouse` class.
 */
export interface ClickHouseVersion {
  readonly label: string;
  readonly options: (database: string) => ClickHouseOptions;
}

/**
 * As long as the tier lets a test run (jest.chdb.config.js): on a slow or
 * busy machine a heavy fixture query (60,000 organizations) may take longer
 * than the client's default of 30 s, and that is no failure of the SQL.
 */
const REQUEST_TIMEOUT_MS = 120_000;

export const CLICKHOUSE_18_16: ClickHouseVersion = {
  label: 'ClickHouse 18.16 (server)',
  options: (database) => ({ url: stackEnv().clickhouseUrl, database, requestTimeoutMs: REQUEST_TIMEOUT_MS }),
};

export const CLICKHOUSE_CURRENT: ClickHouseVersion = {
  label: 'ClickHouse 26.7 (chDB)',
  options: chdbOptions,
};

export interface Answers<T> {
  /** The answer of 18.16: what `expect(current)` is compared with. */
  readonly legacy: T;
  readonly current: T;
}

/** The same question of each version (on databases of its own): 18.16 first. */
export async function askEachVersion<T>(question: (version: ClickHouseVersion) => Promise<T>): Promise<Answers<T>> {
  return { legacy: await question(CLICKHOUSE_18_16), current: await question(CLICKHOUSE_CURRENT) };
}

/**
 * One fixture on both versions: a database of its own on each, migrated
 * with the project's migrations, filled by the same `load`. `ask` runs the
 * same question on both; the spec compares the answers. `close()` drops
 * both databases (the spec's afterAll also calls closeChdb()).
 */
export class OnBothVersions {
  private constructor(
    readonly legacy: ClickHouse,
    readonly current: ClickHouse,
  ) {}

  static async create(prefix: string, load: (db: ClickHouse) => Promise<void> = () => Promise.resolve()): Promise<OnBothVersions> {
    const database = uniqueName(prefix);
    const [legacy, current] = await Promise.all(
      [CLICKHOUSE_18_16, CLICKHOUSE_CURRENT].map(async (version) => {
        const options = version.options(database);
        await runClickHouseMigrations(options, CLICKHOUSE_MIGRATIONS_DIR);
        const db = new ClickHouse(options);
        await load(db);
        return db;
      }),
    );
    return new OnBothVersions(legacy!, current!);
  }

  async ask<T>(question: (db: ClickHouse) => Promise<T>): Promise<Answers<T>> {
    return { legacy: await question(this.legacy), current: await question(this.current) };
  }

  async close(): Promise<void> {
    for (const db of [this.legacy, this.current]) {
      await db.command(`DROP DATABASE IF EXISTS ${sqlIdentifier(db.options.database)}`);
      await db.close();
    }
  }
}
