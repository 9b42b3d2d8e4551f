import { Module, type DynamicModule } from '@nestjs/common';
import { ClickHouseModule } from '@sferum/infra-clickhouse';
import { KafkaModule } from '@sferum/infra-kafka';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { type AggregatorConfig } from './aggregator.config';

@Module({})
export class AggregatorModule {
  static forRoot(config: AggregatorConfig): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [
        MetricsModule.forRoot('aggregator'),
        HealthModule.forRoot(),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'sferum-aggregator' }),
        ClickHouseModule.forRoot({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE }),
      ],
    };
  }
}
