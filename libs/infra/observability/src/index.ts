export * from './metrics';
export * from './health';
export * from './logger';
