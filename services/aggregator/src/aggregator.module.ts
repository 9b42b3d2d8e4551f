import { Module, type DynamicModule } from '@nestjs/common';
import { ClickHouseModule } from '@sferum/infra-clickhouse';
import { AuthModule, keyRequiredWhen } from '@sferum/infra-http';
import { activityTopicSpecs, KafkaModule, TOPIC_SPECS, TopicsInitializer } from '@sferum/infra-kafka';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { PostgresModule } from '@sferum/infra-postgres';
import { type AggregatorConfig } from './aggregator.config';
import { AGGREGATOR_CONFIG } from './aggregator.tokens';
import { ActivityConsumer } from './consumer/activity-consumer';
import { AggregatorMetrics } from './consumer/aggregator.metrics';
import { LagMonitor } from './consumer/lag-monitor';

@Module({})
export class AggregatorModule {
  static forRoot(config: AggregatorConfig): DynamicModule {
    return {
      module: AggregatorModule,
      imports: [
        MetricsModule.forRoot('aggregator', { controllerDecorators: keyRequiredWhen(config.METRICS_KEY_REQUIRED, 'reader') }),
        HealthModule.forRoot(),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'sferum-aggregator' }),
        ClickHouseModule.forRoot({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE }),
        // The aggregator holds no keys of its own: only a key on /metrics makes it look them up in PostgreSQL.
        ...(config.METRICS_KEY_REQUIRED ? [PostgresModule.forRoot({ url: config.DATABASE_URL }), AuthModule.forRoot({ readKeysRequired: true })] : []),
      ],
      providers: [
        { provide: AGGREGATOR_CONFIG, useValue: config },
        {
          provide: TOPIC_SPECS,
          useValue: activityTopicSpecs(config.ACTIVITY_TOPIC, config.ACTIVITY_DLQ_TOPIC, config.ACTIVITY_TOPIC_PARTITIONS, config.ACTIVITY_TOPIC_REPLICATION),
        },
        TopicsInitializer,
        AggregatorMetrics,
        ActivityConsumer,
        LagMonitor,
      ],
    };
  }
}
