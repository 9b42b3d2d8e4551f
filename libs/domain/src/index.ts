export * from './week/iso-week';
export * from './kpi/percent';
export * from './kpi/kpi-bands';
export * from './registry/federal-subjects';
export * from './registry/csv';
export * from './registry/organization-csv';
export * from './auth/api-key';
