import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { errorMessage, RetryUntilDone } from '@sferum/util';
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
  private readonly ensuring = new RetryUntilDone(() => this.ensure(), {
    retryMs: 5_000,
    onRetry: (error, ms) => this.logger.warn(`cannot check topics yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`),
  });
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
    void this.ensuring.start();
  }

  private async ensure(): Promise<void> {
    const created = await this.kafka.ensureTopics(this.specs);
    if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
    this.markReady();
  }

  onApplicationShutdown(): void {
    this.ensuring.stop();
  }
}

/** The activity topic and its dead letters, as every service declares them. */
export function activityTopicSpecs(topic: string, dlqTopic: string | null, partitions: number, replication: number): TopicSpec[] {
  const config = { 'min.insync.replicas': String(Math.min(2, replication)) };
  const specs: TopicSpec[] = [{ topic, partitions, replicationFactor: replication, config }];
  if (dlqTopic !== null) specs.push({ topic: dlqTopic, partitions: 1, replicationFactor: replication, config });
  return specs;
}
