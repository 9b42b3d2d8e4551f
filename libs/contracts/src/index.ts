export * from './kpi-ids';
