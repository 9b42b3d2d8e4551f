import { CLICKHOUSE_VARS, ConfigError, env, HTTP_VARS, loadConfig, POSTGRES_VARS, type ConfigOf } from '@sferum/config';

export const KPI_VARS = {
  ...HTTP_VARS,
  ...CLICKHOUSE_VARS,
  ...POSTGRES_VARS,
  PORT: env.port({ default: 3003 }),
  /**
   * Read endpoints need a reader or admin key; admin endpoints always need
   * an admin key. False opens every read to anyone who can reach the port
   * (logged as a warning at start): per-organization figures are personal
   * data of the few teachers behind them.
   */
  READ_KEYS_REQUIRED: env.bool({ default: true }),
  /** /metrics needs a reader or admin key (Prometheus then sends one: deploy/prometheus). */
  METRICS_KEY_REQUIRED: env.bool({ default: false }),
  /** Requests a minute each key may make on average on the KPI and registry APIs (each client address, where reads are open)... */
  KPI_RATE_PER_KEY: env.int({ default: 1_200, min: 1, max: 6_000_000 }),
  /** ...and at once above that: a Grafana dashboard loading every panel. */
  KPI_RATE_BURST: env.int({ default: 300, min: 1, max: 1_000_000 }),
  /** Largest organization CSV accepted by the import endpoint, bytes. */
  REGISTRY_IMPORT_MAX_BYTES: env.int({ default: 64 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 }),
  /** How often the KPI gauges are refreshed and drops are looked for, seconds; 0 turns the monitor off. */
  MONITOR_INTERVAL_SECONDS: env.int({ default: 300, min: 0, max: 86_400 }),
  /** Webhooks told of every alert fired and resolved (JSON POST), comma-separated. */
  ALERT_WEBHOOK_URLS: env.urlList({ protocols: ['http:', 'https:'], default: [] }),
  /** How often the registry's version is checked (a change reloads the cached copy and mirrors it into ClickHouse), ms. */
  REGISTRY_REFRESH_MS: env.int({ default: 2_000, min: 100, max: 600_000 }),
  /** How often due webhook posts are sent and failed ones retried, ms. */
  WEBHOOK_POLL_MS: env.int({ default: 1_000, min: 50, max: 600_000 }),
};

export type KpiConfig = ConfigOf<typeof KPI_VARS>;

export function loadKpiConfig(source: Record<string, string | undefined> = process.env): KpiConfig {
  const config = loadConfig('kpi', KPI_VARS, source);
  if (config.METRICS_KEY_REQUIRED && !config.READ_KEYS_REQUIRED) {
    throw new ConfigError('kpi', [
      { variable: 'METRICS_KEY_REQUIRED', reason: 'needs READ_KEYS_REQUIRED=true: with the reads open, a key on /metrics would protect nothing the API does not answer anyway' },
    ]);
  }
  return config;
}
