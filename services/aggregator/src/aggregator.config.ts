import { CLICKHOUSE_VARS, env, HTTP_VARS, KAFKA_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const AGGREGATOR_VARS = {
  ...HTTP_VARS,
  ...KAFKA_VARS,
  ...CLICKHOUSE_VARS,
  /** Only read with METRICS_KEY_REQUIRED: where the keys are. */
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3002 }),
  AGGREGATOR_GROUP_ID: env.string({ default: 'sferum-aggregator', pattern: /^[A-Za-z0-9._-]{1,200}$/, expected: 'a consumer group id' }),
  /** Where undecodable or invalid records go, with the reason in a header. */
  ACTIVITY_DLQ_TOPIC: env.string({ default: 'sferum.activity.dlq.v1', pattern: /^[A-Za-z0-9._-]{1,249}$/, expected: 'a Kafka topic name' }),
  /**
   * A write to ClickHouse happens when this many rows wait... (also the most
   * rows gathered behind a write under way: memory is about two writes)
   */
  FLUSH_MAX_ROWS: env.int({ default: 25_000, min: 1, max: 1_000_000 }),
  /** ...or when the oldest has waited this long, ms (500: p99 ingest-to-counters under 1 s at 5,000 events/s; see docs/benchmarks.md)... */
  FLUSH_MAX_DELAY_MS: env.int({ default: 500, min: 10, max: 60_000 }),
  /** ...or when every partition batch in flight waits and at least this many rows are gathered. */
  FLUSH_MIN_ROWS: env.int({ default: 5_000, min: 1, max: 1_000_000 }),
  /**
   * Most rows of one write refused alone before ClickHouse accepts any row of it (0: none,
   * every refusal is retried). Refusing more and accepting none is refusing the data's shape
   * (a migration not applied, a broken view), not a few bad rows: the write is retried instead.
   * Once part of the write is accepted, every refused row goes to the dead-letter topic.
   */
  REFUSED_MAX_ROWS: env.int({ default: 20, min: 0, max: 1_000_000 }),
  /** Bytes fetched per partition at once: bounds memory while draining a backlog. */
  FETCH_MAX_BYTES_PER_PARTITION: env.int({ default: 2 * 1024 * 1024, min: 64 * 1024, max: 64 * 1024 * 1024 }),
  /**
   * A fetch waits for this many bytes or FETCH_MAX_WAIT_MS, whichever comes
   * first: a trickle of events is then read in a few large batches, not a
   * fetch and a commit per handful of records.
   */
  FETCH_MIN_BYTES: env.int({ default: 64 * 1024, min: 1, max: 16 * 1024 * 1024 }),
  FETCH_MAX_WAIT_MS: env.int({ default: 250, min: 10, max: 10_000 }),
  /** Not ready when there is lag and no progress for this long, seconds. */
  STALL_TIMEOUT_SECONDS: env.int({ default: 60, min: 5, max: 86_400 }),
  /** How often consumer lag is measured, ms. */
  LAG_CHECK_INTERVAL_MS: env.int({ default: 5_000, min: 500, max: 600_000 }),
  /**
   * /metrics needs a reader or admin key (Prometheus then sends one:
   * deploy/prometheus). The aggregator then checks keys in PostgreSQL
   * (DATABASE_URL), and is ready only while PostgreSQL answers.
   */
  METRICS_KEY_REQUIRED: env.bool({ default: false }),
  /** Fault injection for tests: SIGKILL itself after the first write, before committing its offsets. */
  FAULT_KILL_AFTER_WRITE: env.bool({ default: false }),
};

export type AggregatorConfig = ConfigOf<typeof AGGREGATOR_VARS>;

export function loadAggregatorConfig(source: Record<string, string | undefined> = process.env): AggregatorConfig {
  return loadConfig('aggregator', AGGREGATOR_VARS, source);
}
