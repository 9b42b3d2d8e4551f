import { type Message, type Producer } from 'kafkajs';
import { type KafkaClient } from './kafka-client';
import { errorMessage } from '@sferum/util';

export class KafkaUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`Kafka did not acknowledge the records: ${errorMessage(cause)}`);
    this.name = 'KafkaUnavailableError';
  }
}

export interface DurableProducerOptions {
  /** How long one send may wait for acknowledgements, ms. */
  readonly ackTimeoutMs?: number;
  /** Most records one broker request carries; more wait for the next. */
  readonly maxBatchRecords?: number;
  /** Called after each send with its size and duration (metrics). */
  readonly onSend?: (records: number, seconds: number, ok: boolean) => void;
}

interface Pending {
  readonly topic: string;
  readonly messages: Message[];
  resolve(): void;
  reject(error: KafkaUnavailableError): void;
}

/**
 * An idempotent producer whose `send` resolves only once every record is
 * acknowledged by all in-sync replicas (acks=all); any other outcome is a
 * KafkaUnavailableError, so a caller never claims durability it lacks.
 *
 * Sends are single-flight: callers that arrive while a send is under way
 * queue up, and the next send carries all of them at once. This keeps the
 * idempotent producer's sequence numbers in order (concurrent sends on one
 * kafkajs idempotent producer are known to fail with OUT_OF_ORDER_SEQUENCE_NUMBER)
 * and makes few, large requests under load.
 *
 * After a failed send the producer is replaced: besides broken connections,
 * kafkajs keeps a deleted topic among a producer's metadata targets, after
 * which every send of that producer fails until it is recreated.
 */
export class DurableProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: DurableProducerOptions = {},
  ) {}

  send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        const started = process.hrtime.bigint();
        const records = batch.reduce((n, p) => n + p.messages.length, 0);
        try {
          const producer = await this.connected();
          const byTopic = new Map<string, Message[]>();
          for (const p of batch) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), ...p.messages]);
          await producer.sendBatch({
            acks: -1,
            timeout: this.options.ackTimeoutMs ?? 10_000,
            topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
          });
          this.options.onSend?.(records, seconds(started), true);
          for (const p of batch) p.resolve();
        } catch (error) {
          this.options.onSend?.(records, seconds(started), false);
          // A producer that failed may hold a broken connection or a fenced
          // idempotence epoch: start from a fresh one next time.
          await this.reset();
          const failure = new KafkaUnavailableError(error);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private takeBatch(): Pending[] {
    const max = this.options.maxBatchRecords ?? 50_000;
    const batch: Pending[] = [];
    let records = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && records + next.messages.length > max) break;
      batch.push(this.queue.shift()!);
      records += next.messages.length;
    }
    return batch;
  }

  private async connected(): Promise<Producer> {
    if (this.producer !== undefined) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.client.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Bounded (about 5 s): long enough to ride over a leader election or
        // a partition not yet hosted, short enough that a request learns of
        // an outage within seconds (503). A record retried by the client
        // after a failure is a duplicate with the same event id, which the
        // counters discard.
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
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

  async close(): Promise<void> {
    await this.reset();
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.disconnect().catch(() => undefined);
  }
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
