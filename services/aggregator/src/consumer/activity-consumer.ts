import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ActivityFactRow } from '@sferum/contracts';
import { decodeActivityRecord } from '@sferum/domain';
import { ClickHouse, insertActivityFacts } from '@sferum/infra-clickhouse';
import { BatchConsumer, DurableProducer, KafkaClient, TopicsInitializer, WriteBatcher, type PartitionBatch } from '@sferum/infra-kafka';
import { errorMessage, RetryUntilDone } from '@sferum/util';
import { type AggregatorConfig } from '../aggregator.config';
import { AGGREGATOR_CONFIG } from '../aggregator.tokens';
import { AggregatorMetrics } from './aggregator.metrics';

/**
 * Consumes the activity topic (sferum.activity.v1) and writes its records to ClickHouse:
 * decode each record (poison ones go to the dead-letter topic with the
 * reason and their origin in headers), gather the rows of all partitions
 * into few large inserts, commit a partition's offsets only after its rows
 * are written. Redelivery after any fault is harmless: the counters are
 * idempotent in event ids.
 */
@Injectable()
export class ActivityConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActivityConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly batcher: WriteBatcher<ActivityFactRow>;
  private readonly dlq: DurableProducer;
  private readonly starting = new RetryUntilDone(() => this.start(), {
    retryMs: 5_000,
    onRetry: (error, ms) => this.logger.warn(`cannot start consuming yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`),
  });
  /** Partition batches being handled right now. */
  private inFlight = 0;

  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(KafkaClient) kafka: KafkaClient,
    @Inject(ClickHouse) clickhouse: ClickHouse,
    @Inject(TopicsInitializer) private readonly topics: TopicsInitializer,
    @Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics,
  ) {
    this.batcher = new WriteBatcher<ActivityFactRow>({
      maxRows: config.FLUSH_MAX_ROWS,
      maxDelayMs: config.FLUSH_MAX_DELAY_MS,
      minRowsWhenAllWaiting: config.FLUSH_MIN_ROWS,
      inFlight: () => this.inFlight,
      write: (rows) => insertActivityFacts(clickhouse, rows),
      onWrite: (rows, seconds) => {
        metrics.written.inc(rows);
        metrics.flushRows.observe(rows);
        metrics.flushSeconds.observe(seconds);
      },
      onRetry: (error, attempt, waitMs) => {
        metrics.writeRetries.inc();
        this.logger.warn(`ClickHouse write failed (attempt ${attempt}), retrying in ${waitMs} ms: ${errorMessage(error)}`);
      },
    });
    this.dlq = new DurableProducer(kafka);
    this.consumer = new BatchConsumer(kafka, {
      groupId: config.AGGREGATOR_GROUP_ID,
      topics: [config.ACTIVITY_TOPIC],
      fromBeginning: true,
      maxBytesPerPartition: config.FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: config.ACTIVITY_TOPIC_PARTITIONS,
      handle: async (batch) => {
        this.inFlight += 1;
        try {
          await this.handle(batch);
        } finally {
          this.inFlight -= 1;
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

  private async handle(batch: PartitionBatch): Promise<void> {
    const rows: ActivityFactRow[] = [];
    const ingestedAt: number[] = [];
    const seen = new Set<string>();
    const poison: { value: Buffer | null; key: Buffer | null; offset: string; reason: string }[] = [];
    for (const m of batch.messages) {
      const decoded = decodeActivityRecord(m.value);
      if (!decoded.ok) {
        poison.push({ value: m.value, key: m.key, offset: m.offset, reason: decoded.reason });
      } else if (seen.has(decoded.row.event_id)) {
        this.metrics.duplicates.inc();
      } else {
        seen.add(decoded.row.event_id);
        rows.push(decoded.row);
        ingestedAt.push(decoded.ingestedAtMs);
      }
    }
    this.metrics.consumed.inc(batch.messages.length);
    if (poison.length > 0) {
      // Durable in the dead-letter topic before the batch's offsets can be committed.
      await this.dlq.send(
        this.config.ACTIVITY_DLQ_TOPIC,
        poison.map((p) => ({
          key: p.key,
          value: p.value,
          headers: {
            reason: p.reason,
            'origin-topic': batch.topic,
            'origin-partition': String(batch.partition),
            'origin-offset': p.offset,
            'dead-lettered-at': new Date().toISOString(),
          },
        })),
      );
      this.metrics.deadLetters.inc(poison.length);
      this.logger.warn(`sent ${poison.length} poison record(s) of ${batch.topic}[${batch.partition}] to ${this.config.ACTIVITY_DLQ_TOPIC}: ${poison[0]?.reason}`);
    }
    await this.batcher.add(rows, () => batch.heartbeat());
    const now = Date.now();
    for (const t of ingestedAt) this.metrics.ingestToStoredSeconds.observe(Math.max(0, now - t) / 1000);
    if (this.config.FAULT_KILL_AFTER_WRITE) {
      this.logger.error('FAULT_KILL_AFTER_WRITE: killing the process after the write, before the commit');
      process.kill(process.pid, 'SIGKILL');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.starting.stop();
    this.batcher.stop();
    await this.consumer.stop();
    await this.dlq.close();
  }
}
