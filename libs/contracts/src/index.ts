export * from './kpi-ids';
export * from './registry';
