import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaModule } from '@sferum/infra-kafka';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { PostgresModule } from '@sferum/infra-postgres';
import { type IngestConfig } from './ingest.config';
import { INGEST_CONFIG } from './ingest.tokens';
import { TopicsInitializer } from './topics.initializer';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        MetricsModule.forRoot('ingest'),
        HealthModule.forRoot(),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'sferum-ingest' }),
        PostgresModule.forRoot({ url: config.DATABASE_URL }),
      ],
      providers: [{ provide: INGEST_CONFIG, useValue: config }, TopicsInitializer],
    };
  }
}
