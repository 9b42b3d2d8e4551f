import { DataSource } from 'typeorm';
import { ALERT_ENTITIES } from './entities/alert.entities';
import { REGISTRY_ENTITIES } from './entities/registry.entities';
import { MIGRATIONS } from './migrations';

export interface PostgresOptions {
  /** postgres://user:password@host:5432/database */
  readonly url: string;
  readonly poolSize?: number;
}

/** The registry's DataSource: schema only through migrations, never synchronize. */
export function createDataSource(options: PostgresOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...REGISTRY_ENTITIES, ...ALERT_ENTITIES],
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn'],
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 3_000 },
  });
}
