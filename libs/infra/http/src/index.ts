export * from './bootstrap-service';
export * from './problem.filter';
export * from './api-key.guard';
export * from './clock.module';
export * from './openapi';
export * from './request-key';
export * from './request-rate';
export * from './cluster';
