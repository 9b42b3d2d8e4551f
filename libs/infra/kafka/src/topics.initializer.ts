import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaClient, type TopicSpec } from './kafka-client';

export const TOPIC_SPECS = Symbol('TOPIC_SPECS');

/**
 * Creates a service's topics with their configured partitions and
 * replication when they are missing. If Kafka is down at start, keeps
 * trying in the background; readiness reports Kafka down meanwhile.
 */
@Injectable()
export class TopicsInitializer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicsInitializer.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    @Inject(KafkaClient) private readonly kafka: KafkaClient,
    @Inject(TOPIC_SPECS) private readonly specs: readonly TopicSpec[],
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Resolves once every topic exists. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  onApplicationBootstrap(): void {
    void this.ensure();
  }

  private async ensure(): Promise<void> {
    try {
      const created = await this.kafka.ensureTopics(this.specs);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
      this.markReady();
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

/** The activity topic and its dead letters, as every service declares them. */
export function activityTopicSpecs(topic: string, dlqTopic: string | null, partitions: number, replication: number): TopicSpec[] {
  const config = { 'min.insync.replicas': String(Math.min(2, replication)) };
  const specs: TopicSpec[] = [{ topic, partitions, replicationFactor: replication, config }];
  if (dlqTopic !== null) specs.push({ topic: dlqTopic, partitions: 1, replicationFactor: replication, config });
  return specs;
}
