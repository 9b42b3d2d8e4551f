/**
 * Aggregation: a topic pre-filled with 1 million normalized records (10%
 * of them exact duplicates) rolled into the weekly counters by
 *   - ours: an aggregator process (batches, one INSERT per flush, commit after write);
 *   - baseline: ClickHouse's own Kafka table engine with a materialized view
 *     into the same tables (the same idempotent -State views);
 *   - ceiling: a direct bulk insert of the same rows, no Kafka at all.
 * Each into a database of its own; afterwards the three must hold the same
 * counters (checked), or the comparison means nothing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord } from '@sferum/domain';
import { ClickHouse, CLICKHOUSE_MIGRATIONS_DIR, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { errorMessage } from '@sferum/util';
import { type BenchContext } from './context';
import { RssWatcher, sampleProcess } from './proc';
import { round } from './stats';

export interface AggregationResult {
  readonly records: number;
  readonly distinctRecords: number;
  readonly fillSeconds: number;
  readonly ours: {
    readonly seconds: number;
    readonly recordsPerSecond: number;
    /** From the first record read (start-up and joining the group left out). */
    readonly steadyRecordsPerSecond: number;
    readonly peakRssMiB: number;
    readonly cpuSecondsPerMillion: number;
  };
  readonly kafkaEngine: { readonly seconds: number; readonly recordsPerSecond: number } | { readonly error: string };
  readonly directInsert: { readonly seconds: number; readonly rowsPerSecond: number };
  readonly countersEqual: boolean;
  readonly ratioOursToKafkaEngine: number | null;
}

/** The aggregator runs as deployed (deploy/local/services.sh, deploy/docker/entrypoint.sh). */
export const AGGREGATOR_NODE_FLAGS = ['--max-old-space-size=192'];
const hex = (text: string) => createHash('md5').update(text).digest('hex');

/** Record i of the benchmark topic; every tenth record repeats an earlier one exactly. */
export function benchRecord(i: number, now: string): ActivityRecord {
  const n = i % 10 === 9 ? i - 5 : i; // 10% duplicates
  const user = hex(`user-${n % 100_000}`);
  const org = `54-general-${String((n % 1000) + 1).padStart(4, '0')}`;
  const base = {
    schema: 'sferum.activity.v2' as const,
    eventId: hex(`event-${n}`),
    time: new Date(Date.parse('2026-11-16T01:00:00Z') + (n % 500_000) * 1000).toISOString(),
    orgId: org,
    source: 'bench',
    ingestedAt: now,
    userId: user,
  };
  if (n % 9 === 0) return { ...base, type: 'ru.sferum.user.registered', role: 'teacher', chatId: null, chatKind: null, messageKind: null, callId: null, initiator: null };
  if (n % 47 === 0) return { ...base, type: 'ru.sferum.call.joined', role: null, chatId: null, chatKind: null, messageKind: null, callId: hex(`call-${n % 5000}`), initiator: n % 2 === 0 };
  return { ...base, type: 'ru.sferum.message.sent', role: null, chatId: hex(`chat-${n % 3000}`), chatKind: n % 5 === 0 ? 'direct' : 'group', messageKind: 'text', callId: null, initiator: null };
}

async function totals(ch: ClickHouse): Promise<string> {
  const [row] = await ch.query<{ activity: string; registrations: string }>(
    `SELECT (SELECT sum(n) FROM (SELECT uniqExactMerge(events) AS n FROM weekly_user_activity GROUP BY week, user_id, activity)) AS activity,
            (SELECT uniqExact(event_id) FROM registration_events) AS registrations`,
  );
  return `${row?.activity ?? 0}/${row?.registrations ?? 0}`;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function benchAggregation(ctx: BenchContext, freePort: () => Promise<number>): Promise<AggregationResult> {
  const records = ctx.quick ? 200_000 : 1_000_000;
  const stamp = Date.now().toString(36);
  const topic = `bench.activity.${stamp}`;
  const now = new Date().toISOString();
  const kafka = new KafkaClient({ brokers: ctx.kafkaBrokers, clientId: 'bench' });
  const admin = await kafka.connectedAdmin();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }, { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });

  ctx.log(`aggregation: filling ${topic} with ${records.toLocaleString('en')} records (10% duplicates)`);
  const fillStarted = Date.now();
  const producer = kafka.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const batch = 10_000;
  for (let i = 0; i < records; i += batch) {
    const messages = [];
    for (let j = i; j < Math.min(records, i + batch); j++) {
      const r = benchRecord(j, now);
      messages.push({ key: r.userId, value: JSON.stringify(r) });
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
  const fillSeconds = (Date.now() - fillStarted) / 1000;
  const distinct = new Set<number>();
  for (let i = 0; i < records; i++) distinct.add(i % 10 === 9 ? i - 5 : i);
  ctx.log(`  filled in ${fillSeconds.toFixed(1)} s`);

  const databases = { ours: `bench_ours_${stamp}`, engine: `bench_kafka_engine_${stamp}`, direct: `bench_direct_${stamp}` };
  for (const database of Object.values(databases)) await runClickHouseMigrations({ url: ctx.clickhouseUrl, database }, CLICKHOUSE_MIGRATIONS_DIR);
  const ch = (database: string) => new ClickHouse({ url: ctx.clickhouseUrl, database });

  // Ours: an aggregator process reading the topic from the start.
  ctx.log('  ours: an aggregator process drains the topic');
  const port = await freePort();
  const started = Date.now();
  const aggregator = spawn(process.execPath, [...ctx.nodeProfileArgs, ...AGGREGATOR_NODE_FLAGS, join(ctx.root, 'dist/services/aggregator/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
      CLICKHOUSE_URL: ctx.clickhouseUrl,
      CLICKHOUSE_DATABASE: databases.ours,
      DATABASE_URL: ctx.databaseUrl,
      ACTIVITY_TOPIC: topic,
      ACTIVITY_DLQ_TOPIC: `${topic}.dlq`,
      AGGREGATOR_GROUP_ID: `bench-ours-${stamp}`,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const rss = new RssWatcher(aggregator.pid!);
  const metric = async (name: string) => {
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    } catch {
      return -1;
    }
  };
  const oursDb = ch(databases.ours);
  let firstRecordAt = 0;
  await until(
    'our aggregator',
    async () => {
      const consumed = await metric('aggregator_records_consumed_total');
      if (consumed > 0 && firstRecordAt === 0) firstRecordAt = Date.now();
      // Done when every record is written, or dropped as a duplicate within a batch (the lag turns 0
      // once records are fetched, before their last INSERT).
      const settled = (await metric('aggregator_rows_written_total')) + (await metric('aggregator_duplicates_total')) + (await metric('aggregator_dead_letters_total'));
      return consumed >= records && settled >= records;
    },
    600_000,
  );
  const doneAt = Date.now();
  const expected = await totals(oursDb);
  const oursSeconds = (doneAt - started) / 1000;
  const peakRssMiB = rss.stop();
  const cpu = sampleProcess(aggregator.pid!)?.cpuSeconds ?? NaN;
  aggregator.kill('SIGTERM');
  ctx.log(`  ours: ${oursSeconds.toFixed(1)} s (${Math.round(records / oursSeconds)} records/s), peak RSS ${peakRssMiB.toFixed(0)} MiB, counters ${expected}`);

  // Baseline: ClickHouse's Kafka engine. 18.16 streams a Kafka table into its
  // first materialized view only (and not on into that view's target's own
  // views: checked), so each counter table the KPIs read gets a Kafka table of
  // its own, each a consumer group reading the whole topic from the start.
  let kafkaEngine: AggregationResult['kafkaEngine'];
  const engineDb = ch(databases.engine);
  const columns = `schema String, eventId String, type String, time String, week String, timeZone String, region String,
         municipality Nullable(String), orgId Nullable(String), category Nullable(String), unassigned UInt8, source String, ingestedAt String,
         userId Nullable(String), role Nullable(String), chatId Nullable(String), chatKind Nullable(String), messageKind Nullable(String),
         callId Nullable(String), initiator Nullable(UInt8)`;
  const views: Record<string, string> = {
    // the same rows as migration 0001's weekly_user_activity_mv and registration_events_mv, from the record's field names
    weekly_user_activity: `SELECT week, ifNull(userId, '') AS user_id, activity,
              uniqExactState(if(type = 'ru.sferum.call.joined', ifNull(callId, ''), eventId)) AS events,
              maxState(parseDateTimeBestEffort(substring(time, 1, 19), 'UTC')) AS last_time
       FROM kafka_weekly_user_activity
       ARRAY JOIN if(type = 'ru.sferum.call.joined', if(ifNull(initiator, 0) = 1, ['call', 'call_initiated'], ['call']),
                     [concat(ifNull(chatKind, ''), ':', ifNull(messageKind, ''))]) AS activity
       WHERE ifNull(userId, '') != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
       GROUP BY week, user_id, activity`,
    registration_events: `SELECT region, ifNull(municipality, '') AS municipality, ifNull(orgId, '') AS org_id, ifNull(category, '') AS category,
              ifNull(userId, '') AS user_id, ifNull(role, '') AS role, parseDateTimeBestEffort(substring(time, 1, 19), 'UTC') AS time,
              toUInt8(type = 'ru.sferum.user.registered') AS registered, eventId AS event_id, unassigned
       FROM kafka_registration_events
       WHERE type IN ('ru.sferum.user.registered', 'ru.sferum.user.left')`,
  };
  try {
    ctx.log('  baseline: ClickHouse Kafka engine, a Kafka table and a materialized view per counter table');
    const engineStarted = Date.now();
    for (const [target, select] of Object.entries(views)) {
      const group = `bench-kafka-engine-${target}-${stamp}`;
      await admin.setOffsets({ groupId: group, topic, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '0' })) });
      await engineDb.command(`CREATE TABLE kafka_${target} (${columns}) ENGINE = Kafka('${ctx.kafkaBrokers.join(',')}', '${topic}', '${group}', 'JSONEachRow')`);
      await engineDb.command(`CREATE MATERIALIZED VIEW kafka_${target}_mv TO ${target} AS ${select}`);
    }
    let last = '';
    let lastChange = Date.now();
    await until(
      'the Kafka engine',
      async () => {
        const t = await totals(engineDb);
        if (t !== last) {
          last = t;
          lastChange = Date.now();
        }
        if (Date.now() - lastChange > 60_000) throw new Error(`stalled at ${t} (expected ${expected})`);
        return t === expected;
      },
      900_000,
    );
    const seconds = (Date.now() - engineStarted) / 1000;
    kafkaEngine = { seconds: round(seconds, 1), recordsPerSecond: round(records / seconds, 0) };
    ctx.log(`  Kafka engine: ${seconds.toFixed(1)} s (${Math.round(records / seconds)} records/s)`);
  } catch (error) {
    kafkaEngine = { error: errorMessage(error) };
    ctx.log(`  Kafka engine: ${kafkaEngine.error}`);
  } finally {
    for (const target of Object.keys(views)) {
      await engineDb.command(`DROP TABLE IF EXISTS kafka_${target}_mv`).catch(() => undefined);
      await engineDb.command(`DROP TABLE IF EXISTS kafka_${target}`).catch(() => undefined);
    }
  }

  // Ceiling: the same rows inserted directly, 100,000 an INSERT (JSONEachRow over
  // HTTP, as the aggregator writes), prepared before the clock starts.
  ctx.log('  ceiling: direct bulk insert of the same rows');
  const chunks: string[] = [];
  for (let i = 0; i < records; i += 100_000) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(records, i + 100_000); j++) {
      const decoded = decodeActivityRecord(JSON.stringify(benchRecord(j, now)));
      if (decoded.ok) lines.push(JSON.stringify(decoded.row));
    }
    chunks.push(`${lines.join('\n')}\n`);
  }
  const directDb = ch(databases.direct);
  const insertUrl = new URL(ctx.clickhouseUrl);
  insertUrl.searchParams.set('database', databases.direct);
  insertUrl.searchParams.set('query', 'INSERT INTO activity_ingest FORMAT JSONEachRow');
  const directStarted = Date.now();
  for (const body of chunks) {
    const response = await fetch(insertUrl, { method: 'POST', body });
    if (response.status !== 200) throw new Error(`direct insert: ${response.status} ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer();
  }
  const directSeconds = (Date.now() - directStarted) / 1000;
  const directTotals = await totals(directDb);
  const engineTotals = await totals(engineDb);
  ctx.log(`  direct: ${directSeconds.toFixed(1)} s; counters ours ${expected}, engine ${engineTotals}, direct ${directTotals}`);

  for (const database of Object.values(databases)) await oursDb.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await Promise.all([oursDb.close(), engineDb.close(), directDb.close()]);
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await kafka.close();

  return {
    records,
    distinctRecords: distinct.size,
    fillSeconds: round(fillSeconds, 1),
    ours: {
      seconds: round(oursSeconds, 1),
      recordsPerSecond: round(records / oursSeconds, 0),
      steadyRecordsPerSecond: round(records / ((doneAt - firstRecordAt) / 1000), 0),
      peakRssMiB: round(peakRssMiB, 0),
      cpuSecondsPerMillion: round((cpu / records) * 1e6, 1),
    },
    kafkaEngine,
    directInsert: { seconds: round(directSeconds, 1), rowsPerSecond: round(records / directSeconds, 0) },
    countersEqual: expected === directTotals && ('error' in kafkaEngine || expected === engineTotals),
    ratioOursToKafkaEngine: 'error' in kafkaEngine ? null : round(records / oursSeconds / kafkaEngine.recordsPerSecond, 2),
  };
}
