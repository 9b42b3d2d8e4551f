import { type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

export class KafkaUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`Kafka did not acknowledge the records: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KafkaUnavailableError';
  }
}

/**
 * An idempotent producer whose `send` resolves only once every record is
 * acknowledged by all in-sync replicas (acks=all); any other outcome is a
 * KafkaUnavailableError, so a caller never claims durability it lacks.
 */
export class DurableProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: { readonly ackTimeoutMs?: number } = {},
  ) {}

  private async connected(): Promise<Producer> {
    if (this.producer !== undefined) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.client.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 5,
        allowAutoTopicCreation: false,
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    try {
      const producer = await this.connected();
      return await producer.send({ topic, messages, acks: -1, timeout: this.options.ackTimeoutMs ?? 10_000 });
    } catch (error) {
      // A producer that failed may hold a broken connection or a fenced
      // idempotence epoch: start from a fresh one next time.
      await this.reset();
      throw new KafkaUnavailableError(error);
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.disconnect().catch(() => undefined);
  }
}
