export * from './entities/registry.entities';
export * from './data-source';
export * from './postgres.module';
export { MIGRATIONS } from './migrations';
