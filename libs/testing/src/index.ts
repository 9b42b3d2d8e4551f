export * from './expect-eventually';
export * from './stack-env';
export * from './test-database';
export * from './compose-file';
export * from './stack-control';
export * from './free-port';
export * from './test-clock';
