import { CLICKHOUSE_VARS, env, HTTP_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const KPI_VARS = {
  ...HTTP_VARS,
  ...CLICKHOUSE_VARS,
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3003 }),
};

export type KpiConfig = ConfigOf<typeof KPI_VARS>;

export function loadKpiConfig(source: Record<string, string | undefined> = process.env): KpiConfig {
  return loadConfig('kpi', KPI_VARS, source);
}
