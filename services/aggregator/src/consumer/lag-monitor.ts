import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaClient } from '@sferum/infra-kafka';
import { Readiness } from '@sferum/infra-observability';
import { errorMessage, PeriodicTask } from '@sferum/util';
import { type AggregatorConfig } from '../aggregator.config';
import { AGGREGATOR_CONFIG } from '../aggregator.tokens';
import { ActivityConsumer } from './activity-consumer';
import { AggregatorMetrics } from './aggregator.metrics';

/**
 * Measures the consumer group's lag per partition and decides readiness:
 * a consumer with lag that made no progress for STALL_TIMEOUT_SECONDS is
 * not ready, however alive its process is.
 */
@Injectable()
export class LagMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LagMonitor.name);
  private readonly task = new PeriodicTask(
    () => this.measure(),
    (error) => this.logger.debug(`lag not measured: ${errorMessage(error)}`),
  );
  private totalLag: number | undefined;
  private caughtUpAt = 0;

  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(KafkaClient) private readonly kafka: KafkaClient,
    @Inject(ActivityConsumer) private readonly consumer: ActivityConsumer,
    @Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('consumer', () => this.check());
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.LAG_CHECK_INTERVAL_MS, { runNow: false, unref: true });
  }

  private async measure(): Promise<void> {
    const admin = await this.kafka.connectedAdmin();
    const topic = this.config.ACTIVITY_TOPIC;
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId: this.config.AGGREGATOR_GROUP_ID, topics: [topic] }),
      admin.fetchTopicOffsets(topic),
    ]);
    const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    let total = 0;
    for (const end of ends) {
      const done = byPartition.get(end.partition) ?? -1;
      const lag = Math.max(0, Number(end.high) - (done >= 0 ? done : Number(end.low)));
      this.metrics.lag.set({ partition: String(end.partition) }, lag);
      total += lag;
    }
    this.totalLag = total;
    if (total === 0) this.caughtUpAt = Date.now();
    this.metrics.lastProgress.set(this.progressAt() / 1000);
  }

  private progressAt(): number {
    return Math.max(this.consumer.lastProgressAt, this.caughtUpAt);
  }

  private check(): Promise<void> {
    const reason = notReadyReason({
      running: this.consumer.isRunning,
      totalLag: this.totalLag,
      lastProgressAt: this.progressAt(),
      nowMs: Date.now(),
      stallTimeoutMs: this.config.STALL_TIMEOUT_SECONDS * 1000,
    });
    return reason === undefined ? Promise.resolve() : Promise.reject(new Error(reason));
  }

  onApplicationShutdown(): void {
    // No more measurements; one in flight is not waited for (it only sets gauges).
    void this.task.stop();
  }
}

/**
 * Why a consumer is not ready, or undefined when it is: not running yet, or
 * behind (lag > 0) with no progress for longer than the stall timeout. A
 * consumer with no lag is ready however long it has been idle; one whose
 * lag is not measured yet is judged by its progress alone once it has lag.
 */
export function notReadyReason(state: {
  readonly running: boolean;
  readonly totalLag: number | undefined;
  readonly lastProgressAt: number;
  readonly nowMs: number;
  readonly stallTimeoutMs: number;
}): string | undefined {
  if (!state.running) return 'the consumer is not running yet';
  const silentMs = state.nowMs - state.lastProgressAt;
  if ((state.totalLag ?? 0) > 0 && silentMs > state.stallTimeoutMs) {
    return `lag ${state.totalLag} and no progress for ${Math.round(silentMs / 1000)} s`;
  }
  return undefined;
}
