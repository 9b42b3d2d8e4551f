export * from './dashboards';
export * from './infinity';
export * from './queries';
