export * from './error-message';
export * from './periodic-task';
export * from './retry-until-done';
