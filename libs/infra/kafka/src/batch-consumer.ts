import { Logger } from '@nestjs/common';
import { type Consumer, type KafkaMessage } from 'kafkajs';
import { type KafkaClient } from './kafka-client';
import { errorMessage } from '@sferum/util';

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
  /**
   * A fetch waits until this many bytes are there, or maxWaitMs passed:
   * under a trickle, fewer and larger batches (and commits) instead of a
   * fetch per handful of records.
   */
  readonly minBytes?: number;
  readonly maxWaitMs?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** How long `stop` waits for the batch in flight before giving up. */
  readonly stopTimeoutMs?: number;
  /**
   * Takes the batch. When this resolves, the partition's next batch may be
   * handed over (so the next batches are decoded while this one is being
   * written); `written` resolves once the batch is durably written. The
   * batch's offsets are committed only after its `written` and those of
   * the partition's earlier batches. If this throws or `written` rejects,
   * nothing from that batch on is committed and the partition is
   * delivered again from it.
   */
  readonly handle: (batch: PartitionBatch) => Promise<BatchTaken>;
}

/** What `handle` gives back: the promise that the batch is written. */
export interface BatchTaken {
  readonly written: Promise<void>;
}

/** A partition's commits, made one after another in offset order. */
interface PartitionCommits {
  /** The last commit chained so far. */
  tail: Promise<void>;
  /** Bumped when the partition is sought back: batches taken before it no longer commit. */
  epoch: number;
  /** After a failed write, the offset the partition is delivered again from; until then nothing commits. */
  redeliverFrom: bigint | undefined;
}

/**
 * A consumer-group member that commits offsets only after the data they
 * cover is written (at-least-once delivery; consumers make their writes
 * idempotent). Handling and writing overlap: a partition's next batch is
 * taken while the previous one is written, and commits follow the writes,
 * in offset order per partition. A commit is made only in the group
 * generation its batch was fetched in (after a rebalance the partition is
 * delivered again from its committed offset, and writing a batch twice is
 * harmless). Tracks the time of its last progress so that health can mean
 * "the loop moves", not "the process is alive".
 */
export class BatchConsumer {
  private readonly logger = new Logger(BatchConsumer.name);
  private consumer: Consumer | undefined;
  private lastProgressMs = Date.now();
  private running = false;
  /** Bumped at each join of the group: batches of an earlier generation do not commit. */
  private generation = 0;
  private readonly commits = new Map<string, PartitionCommits>();

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
      minBytes: this.options.minBytes ?? 1,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 5_000,
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
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.generation += 1;
      this.commits.clear();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.messages.length === 0) return;
        const { written } = await this.options.handle({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages,
          heartbeat: () => payload.heartbeat(),
          isStale: () => !payload.isRunning() || payload.isStale(),
        });
        // A batch fetched past a failed write before its seek took effect does not move the fetch position either.
        if (this.commitWhenWritten(consumer, batch.topic, batch.partition, batch.messages[0]!.offset, batch.lastOffset(), written)) {
          payload.resolveOffset(batch.lastOffset());
        }
      },
    });
    this.running = true;
  }

  /**
   * Chains the batch's commit after its write and the partition's earlier
   * commits. A failed write seeks the partition back to the batch, so it is
   * delivered again; no batch taken before that, nor one fetched past it
   * before the seek took effect, commits. False for such a batch.
   */
  private commitWhenWritten(consumer: Consumer, topic: string, partition: number, firstOffset: string, lastOffset: string, written: Promise<void>): boolean {
    const key = `${topic}:${partition}`;
    let commits = this.commits.get(key);
    if (commits === undefined) {
      commits = { tail: Promise.resolve(), epoch: 0, redeliverFrom: undefined };
      this.commits.set(key, commits);
    }
    const first = BigInt(firstOffset);
    if (commits.redeliverFrom !== undefined && first <= commits.redeliverFrom) commits.redeliverFrom = undefined;
    const chain = commits;
    const generation = this.generation;
    const epoch = chain.redeliverFrom === undefined ? chain.epoch : -1;
    const current = () => this.generation === generation && chain.epoch === epoch && this.consumer === consumer;
    // Settled here at once, so a write that fails before its turn in the chain is never an unhandled rejection.
    const failure = written.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    chain.tail = chain.tail.then(async () => {
      const failed = await failure;
      if (failed !== undefined) {
        const { error } = failed;
        if (!current()) return;
        chain.epoch += 1;
        chain.redeliverFrom = first;
        this.logger.warn(`${key}: a write failed (${errorMessage(error)}); delivering the partition again from offset ${firstOffset}`);
        consumer.seek({ topic, partition, offset: firstOffset });
        return;
      }
      if (!current()) return;
      try {
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(lastOffset) + 1n).toString() }]);
        this.lastProgressMs = Date.now();
      } catch (error) {
        // A rebalance under way: the partition is delivered again from its committed offset.
        this.logger.warn(`${key}: commit of offset ${lastOffset} failed: ${errorMessage(error)}`);
      }
    });
    return epoch !== -1;
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
