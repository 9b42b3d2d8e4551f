export * from './sql-literal';
export * from './clickhouse-client';
export * from './migration-runner';
export * from './clickhouse.module';
export * from './migrations-dir';
export * from './activity-store';
export * from './kpi-counters';
export * from './registry-mirror';
