import { env, HTTP_VARS, KAFKA_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const INGEST_VARS = {
  ...HTTP_VARS,
  ...KAFKA_VARS,
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3001 }),
  /** HMAC-SHA-256 key that pseudonymizes user, chat and call ids. Never logged. */
  PSEUDONYM_KEY: env.secret({ minLength: 32 }),
  ACTIVITY_TOPIC_PARTITIONS: env.int({ default: 6, min: 1, max: 1000 }),
  ACTIVITY_TOPIC_REPLICATION: env.int({ default: 1, min: 1, max: 10 }),
};

export type IngestConfig = ConfigOf<typeof INGEST_VARS>;

export function loadIngestConfig(source: Record<string, string | undefined> = process.env): IngestConfig {
  return loadConfig('ingest', INGEST_VARS, source);
}
