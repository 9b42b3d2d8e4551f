import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, MigrationError, splitStatements } from './migration-runner';

describe('splitStatements', () => {
  it('splits on a semicolon at the end of a line and drops comment lines', () => {
    const sql = `-- first\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\nCREATE TABLE b (s String DEFAULT 'a;b') ENGINE = Memory;  \nSELECT 1`;
    expect(splitStatements(sql)).toEqual([
      'CREATE TABLE a (x UInt8) ENGINE = Memory',
      "CREATE TABLE b (s String DEFAULT 'a;b') ENGINE = Memory",
      'SELECT 1',
    ]);
  });
});

describe('loadMigrations', () => {
  const folderWith = (files: Record<string, string>): string => {
    const folder = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };

  it('orders by prefix and checksums the text', () => {
    const migrations = loadMigrations(folderWith({ '0002_b.sql': 'SELECT 2;', '0001_a.sql': 'SELECT 1;' }));
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      [1, '0001_a.sql'],
      [2, '0002_b.sql'],
    ]);
    expect(migrations[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects duplicate prefixes', () => {
    expect(() => loadMigrations(folderWith({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' }))).toThrow(
      /share the prefix 0001/,
    );
  });

  it('rejects badly named and empty files', () => {
    expect(() => loadMigrations(folderWith({ '1_a.sql': 'SELECT 1;' }))).toThrow(MigrationError);
    expect(() => loadMigrations(folderWith({ '0001_a.sql': '-- nothing\n' }))).toThrow(/no statement/);
  });
});
