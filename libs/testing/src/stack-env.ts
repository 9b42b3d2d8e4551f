/**
 * Where the real servers of the integration and end-to-end tiers are. The
 * same variables as the services, with the local stack's defaults
 * (deploy/local/stack.sh).
 */
export interface StackEnv {
  readonly kafkaBrokers: string[];
  readonly clickhouseUrl: string;
  readonly databaseUrl: string;
}

export function stackEnv(): StackEnv {
  return {
    kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((s) => s.trim()),
    clickhouseUrl: process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123',
    databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sferum',
  };
}

/** A name unique to this test run: topics, groups, databases of one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
