export * from './metrics';
export * from './health';
export * from './http-reply';
export * from './logger';
export * from './cluster-metrics';
