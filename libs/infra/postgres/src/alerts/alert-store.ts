/**
 * Alerts in PostgreSQL: per-region settings, the alerts themselves (at most
 * one active per key, by a partial unique index) and the webhook outbox
 * (one row per alert, event and URL). Changes of one evaluation are applied
 * in one transaction, so an alert and its notifications appear together.
 */
import { type AlertCandidate, type AlertSettings, DEFAULT_ALERT_SETTINGS, validateAlertSettings } from '@sferum/domain';
import { type AlertKind } from '@sferum/contracts';
import { type DataSource, type EntityManager } from 'typeorm';

export const ALERT_STATES = ['active', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface AlertView {
  readonly id: string;
  readonly key: string;
  readonly kind: AlertKind;
  readonly region: string;
  readonly municipality: string | null;
  readonly kpi: string | null;
  readonly week: string | null;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly state: AlertState;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt: string | null;
}

interface AlertRow {
  id: string;
  key: string;
  kind: AlertKind;
  region_code: string;
  municipality_id: string | null;
  kpi: string | null;
  week: string | null;
  summary: string;
  details: Record<string, unknown>;
  state: AlertState;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}

const view = (r: AlertRow): AlertView => ({
  id: String(r.id),
  key: r.key,
  kind: r.kind,
  region: r.region_code,
  municipality: r.municipality_id,
  kpi: r.kpi,
  week: r.week,
  summary: r.summary,
  details: r.details,
  state: r.state,
  firstSeenAt: r.first_seen_at.toISOString(),
  lastSeenAt: r.last_seen_at.toISOString(),
  resolvedAt: r.resolved_at === null ? null : r.resolved_at.toISOString(),
});

/** A region's settings: its own row, else the defaults. */
export async function getAlertSettings(dataSource: DataSource, region: string): Promise<AlertSettings> {
  const rows = await dataSource.query<{ settings: Record<string, unknown> }[]>('SELECT settings FROM alert_settings WHERE region_code = $1', [region]);
  return rows[0] === undefined ? DEFAULT_ALERT_SETTINGS : validateAlertSettings(rows[0].settings);
}

/** Validates (the domain's rules) and stores a region's settings; fields left out keep their defaults. */
export async function putAlertSettings(dataSource: DataSource, region: string, input: Record<string, unknown>): Promise<AlertSettings> {
  const settings = validateAlertSettings(input);
  await dataSource.query(
    `INSERT INTO alert_settings (region_code, settings, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (region_code) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [region, JSON.stringify(settings)],
  );
  return settings;
}

export interface AlertFilter {
  readonly state?: AlertState;
  readonly region?: string;
  readonly kind?: AlertKind;
  readonly limit: number;
}

/** Newest first. */
export async function listAlerts(dataSource: DataSource, filter: AlertFilter): Promise<AlertView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.state !== undefined) add('state = ?', filter.state);
  if (filter.region !== undefined) add('region_code = ?', filter.region);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  params.push(filter.limit);
  const rows = await dataSource.query<AlertRow[]>(
    `SELECT * FROM alert ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY first_seen_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(view);
}

export interface AlertChanges {
  readonly fire: readonly AlertCandidate[];
  readonly resolve: readonly AlertView[];
  readonly ongoing: readonly AlertCandidate[];
  readonly nowMs: number;
  /** Webhooks to notify of each fire and resolve. */
  readonly webhookUrls: readonly string[];
}

/** Applies one evaluation: new alerts, resolved ones, and the outbox rows of both. Returns the alerts fired and resolved. */
export async function applyAlertChanges(dataSource: DataSource, changes: AlertChanges): Promise<{ fired: AlertView[]; resolved: AlertView[] }> {
  const now = new Date(changes.nowMs);
  return dataSource.transaction(async (manager) => {
    const fired: AlertView[] = [];
    for (const c of changes.fire) {
      const rows = await manager.query<AlertRow[]>(
        `INSERT INTO alert (key, kind, region_code, municipality_id, kpi, week, summary, details, state, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9)
         ON CONFLICT (key) WHERE state = 'active' DO NOTHING
         RETURNING *`,
        [c.key, c.kind, c.region, c.municipality, c.kpi, c.week, c.summary, JSON.stringify(c.details), now],
      );
      if (rows[0] !== undefined) fired.push(view(rows[0]));
    }
    const resolved: AlertView[] = [];
    for (const a of changes.resolve) {
      const rows = returned<AlertRow>(
        await manager.query(`UPDATE alert SET state = 'resolved', resolved_at = $2 WHERE id = $1 AND state = 'active' RETURNING *`, [a.id, now]),
      );
      if (rows[0] !== undefined) resolved.push(view(rows[0]));
    }
    for (const c of changes.ongoing) {
      await manager.query(
        `UPDATE alert SET last_seen_at = $2, week = $3, summary = $4, details = $5 WHERE key = $1 AND state = 'active'`,
        [c.key, now, c.week, c.summary, JSON.stringify(c.details)],
      );
    }
    await enqueue(manager, fired, 'fire', changes.webhookUrls);
    await enqueue(manager, resolved, 'resolve', changes.webhookUrls);
    return { fired, resolved };
  });
}

/** Rows of a RETURNING clause: TypeORM's postgres driver answers UPDATE and DELETE with [rows, count]. */
function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

async function enqueue(manager: EntityManager, alerts: readonly AlertView[], event: 'fire' | 'resolve', urls: readonly string[]): Promise<void> {
  for (const alert of alerts) {
    for (const url of urls) {
      await manager.query(
        `INSERT INTO alert_notification (alert_id, event, url, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT alert_notification_once DO NOTHING`,
        [alert.id, event, url, JSON.stringify({ event, alert })],
      );
    }
  }
}

export interface PendingNotification {
  readonly id: string;
  readonly alertId: string;
  readonly event: 'fire' | 'resolve';
  readonly url: string;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
}

/**
 * Posts due notifications and records the outcome. Rows are locked while
 * they are posted (FOR UPDATE SKIP LOCKED), so two KPI instances never post
 * the same one; a failed post is retried with capped exponential backoff.
 */
export async function deliverDueNotifications(
  dataSource: DataSource,
  post: (notification: PendingNotification) => Promise<void>,
  options: { readonly nowMs: number; readonly limit: number; readonly maxBackoffMs: number },
): Promise<{ delivered: number; failed: number }> {
  return dataSource.transaction(async (manager) => {
    const rows = await manager.query<{ id: string; alert_id: string; event: 'fire' | 'resolve'; url: string; payload: Record<string, unknown>; attempts: number }[]>(
      `SELECT id, alert_id, event, url, payload, attempts FROM alert_notification
       WHERE delivered_at IS NULL AND next_attempt_at <= $1
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [new Date(options.nowMs), options.limit],
    );
    let delivered = 0;
    let failed = 0;
    for (const r of rows) {
      try {
        await post({ id: String(r.id), alertId: String(r.alert_id), event: r.event, url: r.url, payload: r.payload, attempts: r.attempts });
        await manager.query('UPDATE alert_notification SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [r.id]);
        delivered++;
      } catch (error) {
        const backoff = Math.min(options.maxBackoffMs, 1000 * 2 ** Math.min(r.attempts, 20));
        await manager.query(
          `UPDATE alert_notification SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`,
          [r.id, error instanceof Error ? error.message.slice(0, 500) : String(error), new Date(options.nowMs + backoff)],
        );
        failed++;
      }
    }
    return { delivered, failed };
  });
}

/** Notifications not yet delivered (for metrics). */
export async function pendingNotificationCount(dataSource: DataSource): Promise<number> {
  const rows = await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM alert_notification WHERE delivered_at IS NULL');
  return rows[0]?.n ?? 0;
}

/** Runs `work` only if no other instance holds the named lock; returns whether it ran. */
export async function withTryLock(dataSource: DataSource, name: string, work: () => Promise<void>): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name])) as { locked: boolean }[];
    if (row?.locked !== true) return false;
    try {
      await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
    return true;
  } finally {
    await runner.release();
  }
}

/** Runs `work` holding the named lock, waiting for another instance that holds it. */
export async function withLock<T>(dataSource: DataSource, name: string, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    await runner.release();
  }
}
