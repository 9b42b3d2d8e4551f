import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { deliverDueNotifications, pendingNotificationCount, type PendingNotification } from '@sferum/infra-postgres';
import { errorMessage, PeriodicTask } from '@sferum/util';
import { DataSource } from 'typeorm';
import { type KpiConfig } from '../kpi.config';
import { KPI_CONFIG } from '../kpi.tokens';
import { KpiMetrics } from './kpi-metrics';

/**
 * Posts alert notifications from the outbox: JSON {event, alert} to each
 * ALERT_WEBHOOK_URLS, with an Idempotency-Key of alert id and event. A
 * post that fails (no answer in 5 s, or not 2xx) is retried with capped
 * exponential backoff; a delivered one is never posted again.
 */
@Injectable()
export class WebhookNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private readonly task = new PeriodicTask(
    () => this.deliver(),
    (error) => this.logger.warn(`delivery round failed: ${errorMessage(error)}`),
  );

  constructor(
    @Inject(KPI_CONFIG) private readonly config: KpiConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KpiMetrics) private readonly metrics: KpiMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ALERT_WEBHOOK_URLS.length > 0) this.task.start(this.config.WEBHOOK_POLL_MS, { runNow: false });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /**
   * Posts what is due. Due times are the machine's (the outbox rows are
   * written with PostgreSQL's now(), retries back off from there): this is
   * scheduling, not a calendar answer, so it never takes CLOCK_START.
   */
  async deliver(nowMs = Date.now()): Promise<{ delivered: number; failed: number }> {
    const result = await deliverDueNotifications(this.dataSource, (n) => this.post(n), { nowMs, limit: 50, maxBackoffMs: 300_000 });
    if (result.delivered > 0) this.metrics.webhookPosts.inc({ outcome: 'delivered' }, result.delivered);
    if (result.failed > 0) this.metrics.webhookPosts.inc({ outcome: 'failed' }, result.failed);
    this.metrics.webhookPending.set(await pendingNotificationCount(this.dataSource));
    return result;
  }

  private async post(notification: PendingNotification): Promise<void> {
    const response = await fetch(notification.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `alert-${notification.alertId}-${notification.event}`, 'User-Agent': 'sferum-kpi-alerts/1' },
      body: JSON.stringify(notification.payload),
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    if (response.status < 200 || response.status >= 300) throw new Error(`${notification.url} answered ${response.status}`);
  }
}
