import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaClient } from '@sferum/infra-kafka';
import { INGEST_CONFIG } from './ingest.tokens';
import { type IngestConfig } from './ingest.config';

/**
 * Creates the activity topic with the configured partitions and replication
 * when it is missing. If Kafka is down at start, keeps trying in the
 * background; readiness reports Kafka down meanwhile.
 */
@Injectable()
export class TopicsInitializer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicsInitializer.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(KafkaClient) private readonly kafka: KafkaClient,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.ensure();
  }

  private async ensure(): Promise<void> {
    try {
      const created = await this.kafka.ensureTopics([
        {
          topic: this.config.ACTIVITY_TOPIC,
          partitions: this.config.ACTIVITY_TOPIC_PARTITIONS,
          replicationFactor: this.config.ACTIVITY_TOPIC_REPLICATION,
          config: { 'min.insync.replicas': String(Math.min(2, this.config.ACTIVITY_TOPIC_REPLICATION)) },
        },
      ]);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`cannot check topics yet, retrying in 5 s: ${error instanceof Error ? error.message : String(error)}`);
      this.timer = setTimeout(() => void this.ensure(), 5_000);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
