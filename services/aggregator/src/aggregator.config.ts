import { CLICKHOUSE_VARS, env, HTTP_VARS, KAFKA_VARS, loadConfig, type ConfigOf } from '@sferum/config';

export const AGGREGATOR_VARS = {
  ...HTTP_VARS,
  ...KAFKA_VARS,
  ...CLICKHOUSE_VARS,
  PORT: env.port({ default: 3002 }),
  AGGREGATOR_GROUP_ID: env.string({ default: 'sferum-aggregator', pattern: /^[A-Za-z0-9._-]{1,200}$/, expected: 'a consumer group id' }),
};

export type AggregatorConfig = ConfigOf<typeof AGGREGATOR_VARS>;

export function loadAggregatorConfig(source: Record<string, string | undefined> = process.env): AggregatorConfig {
  return loadConfig('aggregator', AGGREGATOR_VARS, source);
}
