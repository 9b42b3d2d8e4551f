import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness } from '@sferum/infra-observability';
import { ClickHouse, type ClickHouseOptions } from './clickhouse-client';

@Injectable()
export class ClickHouseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('clickhouse', () => this.clickhouse.ping());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}

@Module({})
export class ClickHouseModule {
  static forRoot(options: ClickHouseOptions): DynamicModule {
    return {
      module: ClickHouseModule,
      global: true,
      providers: [{ provide: ClickHouse, useFactory: () => new ClickHouse(options) }, ClickHouseLifecycle],
      exports: [ClickHouse],
    };
  }
}
