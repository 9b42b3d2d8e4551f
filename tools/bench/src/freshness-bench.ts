/**
 * Freshness: while the ingest takes a constant 5,000 events/s (the load
 * generator, batches of 100), a probe event is pushed every 250 ms and the
 * time from its 2xx to its user's activity being visible in ClickHouse's
 * user_activity_spans (what the KPI service reads, by organization and
 * span, as here; it caches nothing) is measured.
 */
import { createPseudonymizer } from '@sferum/domain';
import { ClickHouse, spanStartMs, sqlDateTime, sqlString, sqlStringList } from '@sferum/infra-clickhouse';
import { type BenchContext } from './context';
import { loadGenerator } from './ingest-bench';
import { percentile, round } from './stats';

export interface FreshnessResult {
  readonly rate: number;
  readonly seconds: number;
  readonly loadEventsPerSecond: number;
  readonly probes: number;
  readonly visible: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function benchFreshness(ctx: BenchContext): Promise<FreshnessResult> {
  const seconds = ctx.quick ? 30 : 120;
  const rate = 5_000;
  ctx.log(`freshness: ${rate} events/s for ${seconds} s, a probe every 250 ms`);
  const pseudonym = createPseudonymizer(ctx.env['PSEUDONYM_KEY']!);
  const ch = new ClickHouse({ url: ctx.clickhouseUrl, database: process.env['CLICKHOUSE_DATABASE'] ?? 'sferum' });
  const stamp = Date.now().toString(36);
  const pending = new Map<string, number>(); // pseudonym -> 2xx time
  const delays: number[] = [];
  let probes = 0;
  const load = loadGenerator(ctx, 100, 4, seconds, rate);
  const deadline = Date.now() + seconds * 1000;
  const probeOrg = '54-general-0001';
  // The probes' spans: from the span of the hour before the run (a clock a little behind).
  const fromSpan = sqlDateTime(spanStartMs(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000));

  const poller = (async () => {
    while (Date.now() < deadline + 30_000 && (Date.now() < deadline || pending.size > 0)) {
      if (pending.size > 0) {
        const rows = await ch.query<{ user_id: string }>(
          `SELECT DISTINCT user_id FROM user_activity_spans
           WHERE org_id = ${sqlString(probeOrg)} AND span >= ${fromSpan} AND user_id IN ${sqlStringList([...pending.keys()])}`,
        );
        const seen = performance.now();
        for (const { user_id } of rows) {
          const sent = pending.get(user_id);
          if (sent !== undefined) {
            delays.push(seen - sent);
            pending.delete(user_id);
          }
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  while (Date.now() < deadline) {
    const user = `probe-${stamp}-${++probes}`;
    const event = {
      specversion: '1.0',
      id: `probe-${stamp}-${probes}`,
      source: 'urn:bench:probe',
      type: 'ru.sferum.message.sent',
      time: new Date().toISOString(),
      data: { userId: user, chatId: 'probe-chat', chatKind: 'group', messageKind: 'text', orgId: probeOrg },
    };
    const response = await fetch(`${ctx.urls.ingest}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/cloudevents+json', Authorization: `Bearer ${ctx.env['DEMO_SOURCE_KEY']}` },
      body: JSON.stringify(event),
    });
    await response.arrayBuffer();
    if (response.status === 200) pending.set(pseudonym('user', user), performance.now());
    await new Promise((r) => setTimeout(r, 250));
  }
  const loadResult = await load;
  await poller;
  await ch.close();
  const result = {
    rate,
    seconds,
    loadEventsPerSecond: round(loadResult['eventsPerSecond'] as number, 0),
    probes,
    visible: delays.length,
    p50Ms: round(percentile(delays, 50), 0),
    p99Ms: round(percentile(delays, 99), 0),
    maxMs: round(Math.max(...delays), 0),
  };
  ctx.log(`  ${result.visible}/${probes} probes visible: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (load ${result.loadEventsPerSecond} events/s)`);
  return result;
}
