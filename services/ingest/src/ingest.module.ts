import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, ClockModule, keyRequiredWhen } from '@sferum/infra-http';
import { activityTopicSpecs, KafkaModule, TOPIC_SPECS, TopicsInitializer } from '@sferum/infra-kafka';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { PostgresModule } from '@sferum/infra-postgres';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { IngestMetrics } from './events/ingest.metrics';
import { RegistryLookupProvider } from './events/registry-lookup.provider';
import { type IngestConfig } from './ingest.config';
import { INGEST_CONFIG } from './ingest.tokens';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        ClockModule.forRoot(config.CLOCK_START),
        MetricsModule.forRoot('ingest', { controllerDecorators: keyRequiredWhen(config.METRICS_KEY_REQUIRED, 'reader') }),
        HealthModule.forRoot(),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'sferum-ingest' }),
        PostgresModule.forRoot({ url: config.DATABASE_URL }),
        AuthModule.forRoot({ readKeysRequired: true }),
      ],
      controllers: [EventsController],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        {
          provide: TOPIC_SPECS,
          useValue: activityTopicSpecs(config.ACTIVITY_TOPIC, null, config.ACTIVITY_TOPIC_PARTITIONS, config.ACTIVITY_TOPIC_REPLICATION),
        },
        TopicsInitializer, IngestMetrics, RegistryLookupProvider, EventsService],
    };
  }
}
