import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fixtures of the ClickHouse lib's own specs (clickhouse.int-spec.ts on
 * 18.16, clickhouse.chdb-spec.ts on both versions).
 */

/** A table of the probes, with a Date column. */
export const PROBE_TABLE = 'CREATE TABLE IF NOT EXISTS probe (id UInt32, label String, day Date) ENGINE = MergeTree ORDER BY id';

/** Labels that must round-trip exactly through an insert and an escaped literal. */
export const NASTY_LABELS: readonly string[] = ["it's", 'back\\slash', "\\'; DROP TABLE probe; --", 'line\nbreak\ttab', 'Новосибирск', 'nul\0byte'];

/** Two numbered migrations written out of order, one with a comment line and an INSERT. */
export function writeTwoMigrations(folder: string): void {
  writeFileSync(join(folder, '0002_second.sql'), 'CREATE TABLE IF NOT EXISTS second (y String) ENGINE = Memory;\n');
  writeFileSync(
    join(folder, '0001_first.sql'),
    '-- a comment line\nCREATE TABLE IF NOT EXISTS first (x UInt8) ENGINE = Memory;\nINSERT INTO first (x) VALUES (1);\n',
  );
}

/** A migration, and the same file edited after it was applied. */
export const EDITED_MIGRATION = {
  name: '0001_first.sql',
  before: 'CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = Memory;\n',
  after: 'CREATE TABLE IF NOT EXISTS t (x UInt16) ENGINE = Memory;\n',
} as const;
