export * from './env-config';
export * from './common-vars';
