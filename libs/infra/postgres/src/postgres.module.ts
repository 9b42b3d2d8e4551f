import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Readiness } from '@sferum/infra-observability';
import { DataSource } from 'typeorm';
import { createDataSource, type PostgresOptions } from './data-source';

/**
 * Opens the registry's DataSource at start. If PostgreSQL does not answer,
 * the service still starts, reports not-ready, and keeps trying.
 */
@Injectable()
export class PostgresLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('postgres');
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('postgres', async () => {
      if (!this.dataSource.isInitialized) throw new Error('not connected yet');
      await this.dataSource.query('SELECT 1');
    });
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    try {
      await this.dataSource.initialize();
      this.logger.log('connected');
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`cannot connect yet, retrying in 2 s: ${error instanceof Error ? error.message : String(error)}`);
      this.retryTimer = setTimeout(() => void this.connect(), 2_000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class PostgresModule {
  static forRoot(options: PostgresOptions): DynamicModule {
    return {
      module: PostgresModule,
      global: true,
      providers: [{ provide: DataSource, useFactory: () => createDataSource(options) }, PostgresLifecycle],
      exports: [DataSource],
    };
  }
}
