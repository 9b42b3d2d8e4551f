export * from './entities/registry.entities';
export * from './data-source';
export * from './postgres.module';
export { MIGRATIONS } from './migrations';
export * from './registry/organization-registry';
export * from './keys/api-keys';
export * from './registry/registry-lookup';
export * from './registry/kpi-settings';
