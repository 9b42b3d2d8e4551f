import { createClient, type ClickHouseClient as RawClient } from '@clickhouse/client';

/**
 * A backend connection of @clickhouse/client (its `connection` option,
 * made for chDB; the type is deliberately not exported by the package).
 */
export type ClickHouseConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

interface CommonOptions {
  readonly database: string;
  readonly requestTimeoutMs?: number;
}

/** A ClickHouse server over HTTP: what the services use. */
export interface HttpClickHouseOptions extends CommonOptions {
  /** http://host:8123 (credentials may be in the URL). */
  readonly url: string;
}

/**
 * A ClickHouse that is not reached over HTTP: `connect` gives the
 * connection of one client, with `database` selected or (undefined) none.
 * The cross-version test tier runs the same client, queries and answers on
 * a current ClickHouse embedded in the test process (chDB) this way.
 */
export interface EmbeddedClickHouseOptions extends CommonOptions {
  readonly connect: (database: string | undefined) => ClickHouseConnection;
}

export type ClickHouseOptions = HttpClickHouseOptions | EmbeddedClickHouseOptions;

/**
 * Thin wrapper over @clickhouse/client: every call either returns what
 * ClickHouse answered or throws. Nothing here swallows an error into an
 * empty result: in a data pipeline that would be silent data loss.
 */
export class ClickHouse {
  readonly raw: RawClient;

  constructor(readonly options: ClickHouseOptions, selectDatabase = true) {
    if ('connect' in options) {
      this.raw = createClient({
        connection: options.connect(selectDatabase ? options.database : undefined),
        request_timeout: options.requestTimeoutMs ?? 30_000,
      });
      return;
    }
    const url = new URL(options.url);
    const username = decodeURIComponent(url.username) || 'default';
    const password = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    this.raw = createClient({
      url: url.toString().replace(/\/$/, ''),
      username,
      password,
      ...(selectDatabase ? { database: options.database } : {}),
      request_timeout: options.requestTimeoutMs ?? 30_000,
      compression: { request: false, response: false },
      max_open_connections: 10,
    });
  }

  async ping(): Promise<void> {
    const result = await this.raw.ping();
    if (!result.success) throw result.error;
  }

  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT). */
  async command(sql: string): Promise<void> {
    await this.raw.command({ query: sql });
  }

  /** Runs a SELECT and returns its rows; `settings` apply to this query only. */
  async query<T>(sql: string, settings: Record<string, string | number> = {}): Promise<T[]> {
    const result = await this.raw.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settings as never });
    return result.json<T>();
  }

  async insert<T extends object>(table: string, rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    await this.raw.insert({ table, values: rows as T[], format: 'JSONEachRow' });
  }

  async close(): Promise<void> {
    await this.raw.close();
  }
}
