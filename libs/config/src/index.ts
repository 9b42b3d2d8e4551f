export * from './env-config';
export * from './common-vars';
export * from './env-file';
