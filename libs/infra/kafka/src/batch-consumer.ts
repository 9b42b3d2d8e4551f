import { Logger } from '@nestjs/common';
import { type Consumer, type KafkaMessage } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** True once the consumer is stopping or the partition was revoked. */
  isStale(): boolean;
}

export interface BatchConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly maxBytesPerPartition?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** How long `stop` waits for the batch in flight before giving up. */
  readonly stopTimeoutMs?: number;
  /**
   * Writes the batch durably. The offsets of the batch are committed only
   * after this resolves; if it throws, nothing is committed and the batch
   * is delivered again.
   */
  readonly handle: (batch: PartitionBatch) => Promise<void>;
}

/**
 * A consumer-group member that commits offsets only after the data they
 * cover is written (at-least-once delivery; consumers make their writes
 * idempotent). Tracks the time of its last progress so that health can
 * mean "the loop moves", not "the process is alive".
 */
export class BatchConsumer {
  private readonly logger = new Logger(BatchConsumer.name);
  private consumer: Consumer | undefined;
  private lastProgressMs = Date.now();
  private running = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: BatchConsumerOptions,
  ) {}

  get lastProgressAt(): number {
    return this.lastProgressMs;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const consumer = this.client.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
      // Keep rejoining after any failure: a pipeline consumer must come back
      // by itself when the broker does.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    for (const topic of this.options.topics) {
      await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    consumer.on(consumer.events.FETCH, () => {
      this.lastProgressMs = Date.now();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        await this.options.handle({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages,
          heartbeat: () => payload.heartbeat(),
          isStale: () => !payload.isRunning() || payload.isStale(),
        });
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        payload.resolveOffset(batch.lastOffset());
        this.lastProgressMs = Date.now();
      },
    });
    this.running = true;
  }

  /** Leaves the group; gives up waiting for the batch in flight after a bound. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.running = false;
    if (consumer === undefined) return;
    const timeoutMs = this.options.stopTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      consumer.disconnect(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.logger.warn(`consumer ${this.options.groupId} did not stop within ${timeoutMs} ms; leaving it`);
          resolve();
        }, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}
