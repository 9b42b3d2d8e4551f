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
import { errorMessage, RetryUntilDone } from '@sferum/util';
import { DataSource } from 'typeorm';
import { createDataSource, type PostgresOptions } from './data-source';

/**
 * Opens the registry's DataSource at start. If PostgreSQL does not answer,
 * the service still starts, reports not-ready, and keeps trying.
 */
@Injectable()
export class PostgresLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('postgres');
  private readonly connecting = new RetryUntilDone(() => this.connect(), {
    retryMs: 2_000,
    onRetry: (error, ms) => this.logger.warn(`cannot connect yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`),
  });

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('postgres', async () => {
      if (!this.dataSource.isInitialized) throw new Error('not connected yet');
      await this.dataSource.query('SELECT 1');
    });
  }

  /** Resolves after the first try: connected, or retrying in the background. */
  async onModuleInit(): Promise<void> {
    await this.connecting.start();
  }

  private async connect(): Promise<void> {
    await this.dataSource.initialize();
    this.logger.log('connected');
  }

  async onApplicationShutdown(): Promise<void> {
    this.connecting.stop();
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
