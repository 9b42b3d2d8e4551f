export * from './week/iso-week';
export * from './kpi/percent';
export * from './kpi/kpi-bands';
export * from './registry/federal-subjects';
