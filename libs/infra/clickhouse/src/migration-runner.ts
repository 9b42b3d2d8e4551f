import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouse, type ClickHouseOptions } from './clickhouse-client';
import { sqlIdentifier, sqlString, sqlUInt } from './sql-literal';

/**
 * Numbered ClickHouse migrations.
 *
 * Files are `NNNN_description.sql` in one folder; prefixes are unique and
 * applied in order. Statements are separated by a `;` at the end of a line.
 * ClickHouse has no transactions, so every statement must be safe to run
 * again (`IF NOT EXISTS`): a migration interrupted half-way is simply run
 * again. ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`: give an ALTER
 * a migration of its own, so that it is the one statement to rerun. Applied migrations are recorded with a checksum in
 * `schema_migrations`; editing an applied file is an error.
 */

export interface ClickHouseMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly statements: readonly string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadMigrations(folder: string): ClickHouseMigration[] {
  const files = readdirSync(folder).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (match === null) throw new MigrationError(`migration file name must be NNNN_description.sql: ${file}`);
    const version = Number(match[1]);
    const other = seen.get(version);
    if (other !== undefined) throw new MigrationError(`two migrations share the prefix ${match[1]}: ${other} and ${file}`);
    seen.set(version, file);
    const text = readFileSync(join(folder, file), 'utf8');
    const statements = splitStatements(text);
    if (statements.length === 0) throw new MigrationError(`migration ${file} has no statement`);
    return {
      version,
      name: file,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements,
    };
  });
}

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

export async function runClickHouseMigrations(
  options: ClickHouseOptions,
  folder: string,
  log: (line: string) => void = () => undefined,
): Promise<MigrationReport> {
  const migrations = loadMigrations(folder);
  const server = new ClickHouse(options, false);
  try {
    await server.command(`CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(options.database)}`);
  } finally {
    await server.close();
  }
  const db = new ClickHouse(options);
  try {
    await db.command(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, checksum String, applied_at DateTime)
       ENGINE = MergeTree ORDER BY version`,
    );
    const rows = await db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const recorded = new Map(rows.map((r) => [Number(r.version), r]));
    const applied: string[] = [];
    const alreadyApplied: string[] = [];
    for (const migration of migrations) {
      const previous = recorded.get(migration.version);
      if (previous !== undefined) {
        if (previous.checksum !== migration.checksum) {
          throw new MigrationError(
            `ClickHouse migration ${migration.name} was changed after it was applied (recorded as ${previous.name}); add a new migration instead`,
          );
        }
        alreadyApplied.push(migration.name);
        continue;
      }
      log(`clickhouse: applying ${migration.name} (${migration.statements.length} statements)`);
      for (const statement of migration.statements) await db.command(statement);
      await db.command(
        `INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${sqlUInt(migration.version)}, ${sqlString(migration.name)}, ${sqlString(migration.checksum)}, now())`,
      );
      applied.push(migration.name);
    }
    return { applied, alreadyApplied };
  } finally {
    await db.close();
  }
}
