export * from './kpi-ids';
export * from './registry';
export * from './events/event-types';
export * from './events/event-schemas';
export * from './events/activity-row';
export * from './patterns';
export * from './json-schema';
export * from './api-schemas';
