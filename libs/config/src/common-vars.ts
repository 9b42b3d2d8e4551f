import { env } from './env-config';

/** Variables every service reads, with the same names and defaults. */
export const HTTP_VARS = {
  HOST: env.string({ default: '0.0.0.0', pattern: /^[A-Za-z0-9.:-]+$/, expected: 'a host name or address' }),
  LOG_LEVEL: env.oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
  /**
   * Starts the service's calendar at this instant instead of the machine's
   * date (it then runs forward at real speed): tests and demos that must give
   * the same answers on any day. Empty: the machine's clock.
   */
  CLOCK_START: env.instant({ default: null }),
};

export const KAFKA_VARS = {
  KAFKA_BROKERS: env.hostPorts({ default: ['127.0.0.1:9092'] }),
  /** The normalized activity topic (one name across producer and consumers). */
  ACTIVITY_TOPIC: env.string({ default: 'sferum.activity.v1', pattern: /^[A-Za-z0-9._-]{1,249}$/, expected: 'a Kafka topic name' }),
  /** Partitions and replication the activity topics are created with (when missing). */
  ACTIVITY_TOPIC_PARTITIONS: env.int({ default: 6, min: 1, max: 1000 }),
  ACTIVITY_TOPIC_REPLICATION: env.int({ default: 1, min: 1, max: 10 }),
};

export const CLICKHOUSE_VARS = {
  CLICKHOUSE_URL: env.url({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8123' }),
  CLICKHOUSE_DATABASE: env.string({ default: 'sferum', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, expected: 'a database name' }),
};

export const POSTGRES_VARS = {
  DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'], default: 'postgres://postgres@127.0.0.1:5432/sferum' }),
};
