import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ActivityFactRow } from '@sferum/contracts';
import { decodeActivityRecord } from '@sferum/domain';
import { ClickHouse, classifyClickHouseFailure, insertActivityFacts } from '@sferum/infra-clickhouse';
import { BatchConsumer, DurableProducer, KafkaClient, TopicsInitializer, WriteBatcher, type BatchTaken, type PartitionBatch } from '@sferum/infra-kafka';
import { errorMessage, RetryUntilDone } from '@sferum/util';
import { type AggregatorConfig } from '../aggregator.config';
import { AGGREGATOR_CONFIG } from '../aggregator.tokens';
import { AggregatorMetrics } from './aggregator.metrics';
import { deadLetter, refusedRowDeadLetter, type ClickHouseRefusal, type RecordOrigin } from './dead-letter';
import { insertIsolatingRefusals } from './refused-rows';

/** A row waiting for its write, with the record it came from (for the dead-letter topic). */
interface PendingRow {
  readonly row: ActivityFactRow;
  readonly origin: RecordOrigin;
}

/**
 * Consumes the activity topic (sferum.activity.v1) and writes its records to ClickHouse:
 * decode each record (poison ones go to the dead-letter topic with the
 * reason and their origin in headers), gather the rows of all partitions
 * into few large inserts, set aside the rows ClickHouse refuses (to the
 * dead-letter topic too), commit a partition's offsets only after its rows
 * are written or dead-lettered. Redelivery after any fault is harmless: the
 * counters are idempotent in event ids.
 */
@Injectable()
export class ActivityConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActivityConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly batcher: WriteBatcher<PendingRow>;
  private readonly dlq: DurableProducer;
  private readonly starting = new RetryUntilDone(() => this.start(), {
    retryMs: 5_000,
    onRetry: (error, ms) => this.logger.warn(`cannot start consuming yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`),
  });
  /** Partition batches being handled right now. */
  private inFlight = 0;
  /** Their heartbeats, sent while a write is split to isolate refused rows. */
  private readonly heartbeats = new Set<() => Promise<void>>();

  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(KafkaClient) kafka: KafkaClient,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(TopicsInitializer) private readonly topics: TopicsInitializer,
    @Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics,
  ) {
    this.batcher = new WriteBatcher<PendingRow>({
      maxRows: config.FLUSH_MAX_ROWS,
      maxDelayMs: config.FLUSH_MAX_DELAY_MS,
      minRowsWhenAllWaiting: config.FLUSH_MIN_ROWS,
      inFlight: () => this.inFlight,
      write: (rows) => this.write(rows),
      onWrite: (rows, seconds) => {
        metrics.flushRows.observe(rows);
        metrics.flushSeconds.observe(seconds);
      },
      onRetry: (error, attempt, waitMs) => {
        metrics.writeRetries.inc();
        // The write includes the dead letters of refused rows: the error says which of ClickHouse and Kafka failed.
        this.logger.warn(`write failed (attempt ${attempt}), retrying in ${waitMs} ms: ${errorMessage(error)}`);
      },
    });
    this.dlq = new DurableProducer(kafka);
    this.consumer = new BatchConsumer(kafka, {
      groupId: config.AGGREGATOR_GROUP_ID,
      topics: [config.ACTIVITY_TOPIC],
      fromBeginning: true,
      maxBytesPerPartition: config.FETCH_MAX_BYTES_PER_PARTITION,
      minBytes: config.FETCH_MIN_BYTES,
      maxWaitMs: config.FETCH_MAX_WAIT_MS,
      partitionsConsumedConcurrently: config.ACTIVITY_TOPIC_PARTITIONS,
      handle: async (batch) => {
        const heartbeat = () => batch.heartbeat();
        this.inFlight += 1;
        this.heartbeats.add(heartbeat);
        try {
          return await this.handle(batch);
        } finally {
          this.inFlight -= 1;
          this.heartbeats.delete(heartbeat);
        }
      },
    });
  }

  get lastProgressAt(): number {
    return this.consumer.lastProgressAt;
  }

  get isRunning(): boolean {
    return this.consumer.isRunning;
  }

  onApplicationBootstrap(): void {
    void this.starting.start();
  }

  /** Joins the group once the topics exist; a failed try leaves nothing half-started for the next. */
  private async start(): Promise<void> {
    try {
      await this.topics.whenReady();
      await this.consumer.start();
    } catch (error) {
      await this.consumer.stop().catch(() => undefined);
      throw error;
    }
    this.logger.log(`consuming ${this.config.ACTIVITY_TOPIC} as group ${this.config.AGGREGATOR_GROUP_ID}`);
  }

  /**
   * Decodes the batch and hands its rows to the batcher; returns once the
   * next write has room for more (so the next batches are decoded while
   * this one is written), with the promise of this batch's write.
   */
  private async handle(batch: PartitionBatch): Promise<BatchTaken> {
    const rows: PendingRow[] = [];
    const ingestedAt: number[] = [];
    const seen = new Set<string>();
    const poison: { origin: RecordOrigin; reason: string }[] = [];
    for (const m of batch.messages) {
      const origin: RecordOrigin = { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value };
      const decoded = decodeActivityRecord(m.value);
      if (!decoded.ok) {
        poison.push({ origin, reason: decoded.reason });
      } else if (seen.has(decoded.row.event_id)) {
        this.metrics.duplicates.inc();
      } else {
        seen.add(decoded.row.event_id);
        rows.push({ row: decoded.row, origin });
        ingestedAt.push(decoded.ingestedAtMs);
      }
    }
    this.metrics.consumed.inc(batch.messages.length);
    if (poison.length > 0) {
      // Durable in the dead-letter topic before the batch's offsets can be committed.
      const at = new Date();
      await this.dlq.send(this.config.ACTIVITY_DLQ_TOPIC, poison.map((p) => deadLetter(p.origin, p.reason, at)));
      this.metrics.deadLetters.inc(poison.length);
      this.logger.warn(`sent ${poison.length} poison record(s) of ${batch.topic}[${batch.partition}] to ${this.config.ACTIVITY_DLQ_TOPIC}: ${poison[0]?.reason}`);
    }
    const written = this.batcher.add(rows, () => batch.heartbeat()).then(() => {
      const now = Date.now();
      for (const t of ingestedAt) this.metrics.ingestToStoredSeconds.observe(Math.max(0, now - t) / 1000);
      if (this.config.FAULT_KILL_AFTER_WRITE) {
        this.logger.error('FAULT_KILL_AFTER_WRITE: killing the process after the write, before the commit');
        process.kill(process.pid, 'SIGKILL');
      }
    });
    // Handled where the batch's commit waits for it; this keeps a stop
    // (which rejects it) from being an unhandled rejection meanwhile.
    void written.catch(() => undefined);
    await this.batcher.room();
    return { written };
  }

  /**
   * One write of the gathered rows. A refusal of the data (ClickHouse cannot
   * take some row: a value it cannot parse, a view's throwIf) splits the
   * rows until each refused one is alone; the rest are written, the refused
   * ones go to the dead-letter topic with ClickHouse's reason, and only then
   * does the write resolve, so the offsets covering them are committed after
   * both. Any other failure, at any depth of the split, rejects the whole
   * write, which the batcher retries with backoff as before.
   *
   * Writing a slice again is harmless: activity_events collapses the rows of
   * one event id (ReplacingMergeTree, read by argMax) and every view keeps
   * uniqExact states of event and call ids or rows keyed by event id. That covers the rows a
   * refused insert wrote before it was refused (ClickHouse writes the
   * table's block before its views, and a view may be the one that refuses)
   * and the good rows written again in the halves.
   */
  private async write(rows: readonly PendingRow[]): Promise<void> {
    const { refused } = await insertIsolatingRefusals<PendingRow, ClickHouseRefusal>(rows, {
      insert: (slice) => insertActivityFacts(this.clickhouse, slice.map((p) => p.row)),
      refusal: (error) => {
        const failure = classifyClickHouseFailure(error);
        return failure.kind === 'refused' ? failure : undefined;
      },
      maxRefused: this.config.REFUSED_MAX_ROWS,
      // Splitting takes a few dozen inserts: keep every waiting batch's consumer in its group meanwhile.
      afterInsert: () => this.heartbeatAll(),
    });
    if (refused.length > 0) {
      const at = new Date();
      await this.dlq.send(
        this.config.ACTIVITY_DLQ_TOPIC,
        refused.map((r) => refusedRowDeadLetter(r.row.origin, r.refusal, at)),
      );
      this.metrics.deadLetters.inc(refused.length);
      this.metrics.refusedRows.inc(refused.length);
      // The event id and ClickHouse's code only: its message may quote the row (it is in the dead letter's headers).
      for (const r of refused) {
        this.logger.warn(`ClickHouse refused event ${r.row.row.event_id} (code ${r.refusal.code} ${r.refusal.name}); sent to ${this.config.ACTIVITY_DLQ_TOPIC}`);
      }
    }
    this.metrics.written.inc(rows.length - refused.length);
  }

  private async heartbeatAll(): Promise<void> {
    // A failed heartbeat (a rebalance under way) is the commit's business, not the write's.
    await Promise.all([...this.heartbeats].map((heartbeat) => heartbeat().catch(() => undefined)));
  }

  async onApplicationShutdown(): Promise<void> {
    this.starting.stop();
    this.batcher.stop();
    await this.consumer.stop();
    await this.dlq.close();
  }
}
