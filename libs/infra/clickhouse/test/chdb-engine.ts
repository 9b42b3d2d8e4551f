import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import { type ClickHouseConnection, type EmbeddedClickHouseOptions } from '../src/clickhouse-client';
import { sqlIdentifier } from '../src/sql-literal';

/**
 * A current ClickHouse (26.7) embedded in this process by the npm package
 * `chdb`, behind the same @clickhouse/client and `ClickHouse` class as the
 * HTTP server: the production SQL and the production parsing of answers run
 * on it unchanged.
 *
 * libchdb binds one data directory per process and shuts its engine down
 * when the last connection closes (about 100 ms to start again), so an
 * anchor connection holds it open until `closeChdb()` (a spec's afterAll).
 * Every statement runs on a connection of its own, as every HTTP request is
 * a session of its own on a server: chDB's adapter turns a query's settings
 * into `SET` statements, which would otherwise stay in force for the next
 * statement (a query passing only because an earlier one raised
 * max_query_size).
 */

type Params<M extends keyof ClickHouseConnection> = Parameters<ClickHouseConnection[M]>[0];

const DATA_DIR = join(tmpdir(), 'sferum-chdb', String(process.pid));
let anchor: ChdbConnection | undefined;

/**
 * A new connection to the engine. chdb implements the Connection contract of
 * @clickhouse/client-common 1.23.0; @clickhouse/client 1.23.1 carries its own
 * copy of those types, identical but for its longer list of known settings.
 */
function open(): ClickHouseConnection {
  if (anchor === undefined) {
    mkdirSync(DATA_DIR, { recursive: true });
    anchor = createChdbConnection({ path: DATA_DIR });
  }
  return createChdbConnection({ path: DATA_DIR }) as unknown as ClickHouseConnection;
}

class StatementConnection implements ClickHouseConnection {
  constructor(private readonly database: string | undefined) {}

  private async run<R>(statement: (connection: ClickHouseConnection) => Promise<R>): Promise<R> {
    const connection = open();
    try {
      if (this.database !== undefined) await connection.command({ query: `USE ${sqlIdentifier(this.database)}` });
      return await statement(connection);
    } finally {
      await connection.close();
    }
  }

  ping(params: Params<'ping'>): ReturnType<ClickHouseConnection['ping']> {
    const connection = open();
    return connection.ping(params).finally(() => connection.close());
  }

  query(params: Params<'query'>): ReturnType<ClickHouseConnection['query']> {
    return this.run((c) => c.query(params));
  }

  insert(params: Params<'insert'>): ReturnType<ClickHouseConnection['insert']> {
    return this.run((c) => c.insert(params));
  }

  command(params: Params<'command'>): ReturnType<ClickHouseConnection['command']> {
    return this.run((c) => c.command(params));
  }

  exec(params: Params<'exec'>): ReturnType<ClickHouseConnection['exec']> {
    return this.run((c) => c.exec(params));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Options of `ClickHouse` and the migration runner for a database of the embedded ClickHouse. */
export function chdbOptions(database: string): EmbeddedClickHouseOptions {
  return { database, connect: (selected) => new StatementConnection(selected) };
}

/** Releases the engine and deletes its data (every database of this process). */
export async function closeChdb(): Promise<void> {
  if (anchor === undefined) return;
  await anchor.close();
  anchor = undefined;
  rmSync(DATA_DIR, { recursive: true, force: true });
}
