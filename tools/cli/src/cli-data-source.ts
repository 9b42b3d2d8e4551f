import 'reflect-metadata';
import { loadConfig, POSTGRES_VARS } from '@sferum/config';
import { createDataSource } from '@sferum/infra-postgres';
import { type DataSource } from 'typeorm';

/** Runs `work` with the registry's DataSource (DATABASE_URL), closing it afterwards. */
export async function withRegistry<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const config = loadConfig('cli', POSTGRES_VARS);
  const dataSource = createDataSource({ url: config.DATABASE_URL, poolSize: 2 });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
