export * from './error-message';
export * from './periodic-task';
export * from './retry-until-done';
export * from './versioned-cache';
export * from './mask-credentials';
