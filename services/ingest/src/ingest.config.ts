import { ConfigError, env, HTTP_VARS, KAFKA_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const INGEST_VARS = {
  ...HTTP_VARS,
  ...KAFKA_VARS,
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3001 }),
  /** HMAC-SHA-256 key that pseudonymizes user, chat and call ids. Never logged. */
  PSEUDONYM_KEY: env.secret({ minLength: 32 }),
  /** Largest request body, bytes. */
  MAX_BODY_BYTES: env.int({ default: 5 * 1024 * 1024, min: 1024, max: 256 * 1024 * 1024 }),
  /** Most events in one request. */
  MAX_BATCH_EVENTS: env.int({ default: 5_000, min: 1, max: 100_000 }),
  /** Oldest accepted event time, days before now. */
  EVENT_MAX_AGE_DAYS: env.int({ default: 400, min: 1, max: 3650 }),
  /** Latest accepted event time, days after now. */
  EVENT_MAX_AHEAD_DAYS: env.int({ default: 1, min: 0, max: 30 }),
  /**
   * Processes serving the port (node:cluster), each with its own registry
   * cache and Kafka producer. One by default: on a machine whose cores the
   * ingest shares with the broker (measured on this one, 2 cores, batches of
   * 1), a second process doubled the CPU per event and cut the rate by a
   * third. Give it the number of cores the ingest has to itself.
   */
  INGEST_WORKERS: env.int({ default: 1, min: 1, max: 64 }),
  /**
   * Events per second a source may push on average. Each of the
   * INGEST_WORKERS processes allows its share (the primary hands them
   * connections in turn).
   */
  RATE_LIMIT_EVENTS_PER_SECOND: env.int({ default: 50_000, min: 1, max: 10_000_000 }),
  /** Events a source may push at once above the rate, shared the same way; each process's share at least MAX_BATCH_EVENTS. */
  RATE_LIMIT_BURST: env.int({ default: 100_000, min: 1, max: 100_000_000 }),
  /** /metrics needs a reader or admin key (Prometheus then sends one: deploy/prometheus). */
  METRICS_KEY_REQUIRED: env.bool({ default: false }),
  /**
   * How long a request's events wait for those of other requests to go to
   * Kafka in one produce request when the producer is idle, ms (0: not at
   * all). Adds at most this to a request's latency; under many small
   * requests it saves most of the broker requests (docs/benchmarks.md).
   */
  PRODUCE_LINGER_MS: env.int({ default: 0, min: 0, max: 100 }),
  /** How often the in-memory registry checks PostgreSQL for changes, ms. */
  REGISTRY_REFRESH_MS: env.int({ default: 2_000, min: 100, max: 600_000 }),
};

export type IngestConfig = ConfigOf<typeof INGEST_VARS>;

export function loadIngestConfig(source: Record<string, string | undefined> = process.env): IngestConfig {
  const config = loadConfig('ingest', INGEST_VARS, source);
  if (config.RATE_LIMIT_BURST / config.INGEST_WORKERS < config.MAX_BATCH_EVENTS) {
    throw new ConfigError('ingest', [
      {
        variable: 'RATE_LIMIT_BURST',
        reason: `must be at least MAX_BATCH_EVENTS (${config.MAX_BATCH_EVENTS}) for each of the INGEST_WORKERS (${config.INGEST_WORKERS}), or a full batch could never pass`,
      },
    ]);
  }
  return config;
}
