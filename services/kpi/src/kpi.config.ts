import { CLICKHOUSE_VARS, env, HTTP_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const KPI_VARS = {
  ...HTTP_VARS,
  ...CLICKHOUSE_VARS,
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3003 }),
  /** When true, read endpoints need a reader or admin key; admin endpoints always need an admin key. */
  READ_KEYS_REQUIRED: env.bool({ default: false }),
  /** Largest organization CSV accepted by the import endpoint, bytes. */
  REGISTRY_IMPORT_MAX_BYTES: env.int({ default: 64 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 }),
};

export type KpiConfig = ConfigOf<typeof KPI_VARS>;

export function loadKpiConfig(source: Record<string, string | undefined> = process.env): KpiConfig {
  return loadConfig('kpi', KPI_VARS, source);
}
