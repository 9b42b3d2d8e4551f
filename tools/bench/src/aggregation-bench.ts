/**
 * Aggregation: a topic pre-filled with 1 million normalized records
 * (sferum.activity.v2, 10% of them exact duplicates) written into the facts
 * and the tables derived from them (activity_events and the five tables its
 * views fill, of migrations 0002, 0004, 0007 and 0010) by
 *   - ours: an aggregator process (batches, one INSERT per flush, commit after write);
 *   - baseline: ClickHouse's own Kafka table engine with materialized views
 *     into the same six tables (the same rows, the same idempotent states);
 *   - ceiling: a direct bulk insert of the same rows into activity_events
 *     (its views fill the rest), no Kafka at all.
 * Each into a database of its own; afterwards the three must hold the same
 * six tables (checked), or the comparison means nothing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord } from '@sferum/domain';
import { ClickHouse, CLICKHOUSE_MIGRATIONS_DIR, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { type Admin } from 'kafkajs';
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
  if (n % 9 === 0) return { ...base, type: 'ru.sferum.user.registered', role: 'teacher', chatId: null, chatKind: null, messageKind: null, callId: null, initiator: null, journalSystem: null, chatAudience: null, memberCount: null };
  if (n % 47 === 0) return { ...base, type: 'ru.sferum.call.joined', role: null, chatId: null, chatKind: null, messageKind: null, callId: hex(`call-${n % 5000}`), initiator: n % 2 === 0, journalSystem: null, chatAudience: null, memberCount: null };
  return { ...base, type: 'ru.sferum.message.sent', role: null, chatId: hex(`chat-${n % 3000}`), chatKind: n % 5 === 0 ? 'direct' : 'group', messageKind: 'text', callId: null, initiator: null, journalSystem: null, chatAudience: null, memberCount: null };
}

/**
 * A fingerprint of everything the aggregator writes (activity_events and
 * the tables its views fill: org_event_summary of 0002, user_activity_spans
 * and registrations_by_org of 0004, org_facts of 0007 and 0010,
 * first_activity_by_org of 0010): for each of the six tables, the number of distinct rows (states merged per
 * key) and a sum of their hashes. Equal fingerprints: the same facts and
 * the same derived tables, whatever parts or duplicates they are stored in.
 */
export async function factFingerprint(ch: ClickHouse): Promise<string> {
  const tables: Record<string, string> = {
    activity_events: `SELECT DISTINCT cityHash64(event_id, type, time, time_ms, source, ingested_at, user_id, org_id, role, chat_kind, message_kind, call_id, initiator, journal_system, chat_audience, member_count) AS h FROM activity_events`,
    org_facts: `SELECT DISTINCT cityHash64(org_id, fact, time, time_ms, detail, event_id) AS h FROM org_facts`,
    org_event_summary: `SELECT cityHash64(org_id, source, type, uniqExactMerge(events), minMerge(first_time), maxMerge(last_time), maxMerge(last_ingested_at)) AS h
                        FROM org_event_summary GROUP BY org_id, source, type`,
    user_activity_spans: `SELECT cityHash64(org_id, span, user_id, activity, uniqExactMerge(events)) AS h FROM user_activity_spans GROUP BY org_id, span, user_id, activity`,
    registrations_by_org: `SELECT DISTINCT cityHash64(org_id, user_id, role, time, time_ms, registered, event_id) AS h FROM registrations_by_org`,
    first_activity_by_org: `SELECT cityHash64(org_id, user_id, minMerge(first_time)) AS h FROM first_activity_by_org GROUP BY org_id, user_id`,
  };
  const parts: string[] = [];
  for (const [table, rows] of Object.entries(tables)) {
    const [row] = await ch.query<{ n: string; h: string }>(`SELECT count() AS n, sum(h) AS h FROM (${rows})`);
    parts.push(`${table} ${row?.n ?? 0}/${row?.h ?? 0}`);
  }
  return parts.join(', ');
}

/** Consumers of the Kafka engine's table (num_consumers): one per core of this machine. */
export const KAFKA_ENGINE_CONSUMERS = 2;

/**
 * The six writes of an insert into activity_events (the facts, and the
 * views of migrations 0002, 0004, 0007 and 0010 on them; 0010's chats go
 * into org_facts through the same view as 0007's facts) as materialized views of a
 * Kafka table whose rows are the records' JSON text (one String column
 * `raw`, TabSeparated, a newline after each message: the records hold no
 * tab, newline or backslash), each fact column computed from the record's
 * field the way decodeActivityRecord does (milliseconds padded like
 * "…:00.1Z" -> 100, null -> '' or 0). The raw text rather than JSONEachRow: a view that writes both
 * `time` and `time_ms` cannot alias `time` and still read the field `time`
 * (18.16 substitutes the alias everywhere in the query). The baseline does
 * not validate records: every record of the topic is valid.
 */
export function kafkaEngineViews(kafkaTable: string): Record<string, string> {
  const field = (name: string) => `visitParamExtractString(raw, '${name}')`;
  const f = {
    event_id: field('eventId'),
    type: field('type'),
    time: `toDateTime(substring(${field('time')}, 1, 19), 'UTC')`,
    time_ms: `toUInt16OrZero(substring(concat(extract(${field('time')}, '[.]([0-9]{1,3})Z$'), '000'), 1, 3))`,
    source: field('source'),
    ingested_at: `toDateTime(substring(${field('ingestedAt')}, 1, 19), 'UTC')`,
    user_id: field('userId'),
    org_id: field('orgId'),
    role: field('role'),
    chat_kind: field('chatKind'),
    message_kind: field('messageKind'),
    call_id: field('callId'),
    initiator: `toUInt8(visitParamExtractBool(raw, 'initiator'))`,
    journal_system: field('journalSystem'),
    chat_audience: field('chatAudience'),
    member_count: `toUInt32(visitParamExtractUInt(raw, 'memberCount'))`,
  };
  return {
    activity_events: `SELECT ${Object.entries(f).map(([column, expression]) => `${expression} AS ${column}`).join(', ')} FROM ${kafkaTable}`,
    org_facts: `SELECT ${f.org_id} AS org_id,
              multiIf(${f.type} = 'ru.sferum.org.connected', 'connected', ${f.type} = 'ru.sferum.org.journal_linked', 'journal_linked',
                      ${f.type} = 'ru.sferum.chat.created', 'chat_created', 'gov_label') AS fact,
              ${f.time} AS time, ${f.time_ms} AS time_ms, if(${f.type} = 'ru.sferum.chat.created', ${f.chat_audience}, ${f.journal_system}) AS detail,
              ${f.event_id} AS event_id
       FROM ${kafkaTable}
       WHERE ${f.type} IN ('ru.sferum.org.connected', 'ru.sferum.org.journal_linked', 'ru.sferum.org.gov_label_granted', 'ru.sferum.chat.created')`,
    first_activity_by_org: `SELECT ${f.org_id} AS org_id, ${f.user_id} AS user_id, minState(${f.time}) AS first_time
       FROM ${kafkaTable}
       WHERE org_id != '' AND user_id != '' AND ${f.type} IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
       GROUP BY org_id, user_id`,
    org_event_summary: `SELECT ${f.org_id} AS org_id, ${f.source} AS source, ${f.type} AS type,
              uniqExactState(${f.event_id}) AS events, minState(${f.time}) AS first_time, maxState(${f.time}) AS last_time,
              maxState(${f.ingested_at}) AS last_ingested_at
       FROM ${kafkaTable}
       WHERE org_id != ''
       GROUP BY org_id, source, type`,
    user_activity_spans: `SELECT ${f.org_id} AS org_id,
              if(toMonday(${f.time}, 'UTC') = toMonday(${f.time} + 43200, 'UTC') AND toStartOfMonth(${f.time}, 'UTC') = toStartOfMonth(${f.time} + 43200, 'UTC'),
                 toDateTime(greatest(toMonday(${f.time}, 'UTC'), toStartOfMonth(${f.time}, 'UTC')), 'UTC'),
                 toStartOfHour(${f.time})) AS span,
              ${f.user_id} AS user_id, activity,
              uniqExactState(if(${f.type} = 'ru.sferum.call.joined', ${f.call_id}, ${f.event_id})) AS events
       FROM ${kafkaTable}
       ARRAY JOIN if(${f.type} = 'ru.sferum.call.joined', if(${f.initiator} = 1, ['call', 'call_initiated'], ['call']),
                     [concat(${f.chat_kind}, ':', ${f.message_kind})]) AS activity
       WHERE user_id != '' AND ${f.type} IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
       GROUP BY org_id, span, user_id, activity`,
    registrations_by_org: `SELECT ${f.org_id} AS org_id, ${f.user_id} AS user_id, ${f.role} AS role, ${f.time} AS time, ${f.time_ms} AS time_ms,
              toUInt8(${f.type} = 'ru.sferum.user.registered') AS registered, ${f.event_id} AS event_id
       FROM ${kafkaTable}
       WHERE ${f.type} IN ('ru.sferum.user.registered', 'ru.sferum.user.left')`,
  };
}

/** The offsets a consumer group has committed on a topic, and the topic's end offsets ("p:offset,..."). */
async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<{ committed: string; end: string }> {
  const [ends, groups] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committed = new Map((groups[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
  const sorted = [...ends].sort((a, b) => a.partition - b.partition);
  return {
    committed: sorted.map((p) => `${p.partition}:${committed.get(p.partition) ?? '-1'}`).join(','),
    end: sorted.map((p) => `${p.partition}:${p.high}`).join(','),
  };
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
  const expected = await factFingerprint(oursDb);
  const oursSeconds = (doneAt - started) / 1000;
  const peakRssMiB = rss.stop();
  const cpu = sampleProcess(aggregator.pid!)?.cpuSeconds ?? NaN;
  aggregator.kill('SIGTERM');
  ctx.log(`  ours: ${oursSeconds.toFixed(1)} s (${Math.round(records / oursSeconds)} records/s), peak RSS ${peakRssMiB.toFixed(0)} MiB; ${expected}`);

  // Baseline: ClickHouse's Kafka engine writing what ours writes: the facts
  // (activity_events) and the five tables their views fill. On 18.16 a Kafka
  // table's rows reach the materialized views of the Kafka table itself, not
  // the views of those views' targets (checked: a view into activity_events
  // leaves the tables of activity_events' views empty), so one Kafka table feeds six views,
  // each a migration's view with the record's fields in place of the fact
  // columns.
  let kafkaEngine: AggregationResult['kafkaEngine'];
  const engineDb = ch(databases.engine);
  const views = kafkaEngineViews('kafka_activity');
  const group = `bench-kafka-engine-${stamp}`;
  try {
    ctx.log(`  baseline: ClickHouse Kafka engine, one Kafka table (${KAFKA_ENGINE_CONSUMERS} consumers) and a materialized view per table`);
    await admin.setOffsets({ groupId: group, topic, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '0' })) });
    await engineDb.command(
      `CREATE TABLE kafka_activity (raw String) ENGINE = Kafka SETTINGS
         kafka_broker_list = '${ctx.kafkaBrokers.join(',')}', kafka_topic_list = '${topic}', kafka_group_name = '${group}',
         kafka_format = 'TabSeparated', kafka_row_delimiter = '\\n', kafka_num_consumers = ${KAFKA_ENGINE_CONSUMERS}`,
    );
    // A Kafka table streams once every view of it has its target table: a
    // view into a table that does not exist holds the stream until all six
    // views are there (else the first would take records the others miss).
    await engineDb.command('CREATE MATERIALIZED VIEW kafka_hold_mv TO kafka_hold_nonexistent AS SELECT raw FROM kafka_activity');
    for (const [target, select] of Object.entries(views)) await engineDb.command(`CREATE MATERIALIZED VIEW kafka_${target}_mv TO ${target} AS ${select}`);
    const engineStarted = Date.now();
    await engineDb.command('DROP TABLE kafka_hold_mv');
    // Done when the group has committed every offset and the six tables hold
    // what ours wrote (18.16 may commit a poll's offsets just before writing
    // its last block).
    let lastProgress = '';
    let lastChange = Date.now();
    await until(
      'the Kafka engine',
      async () => {
        const progress = await committedOffsets(admin, group, topic);
        if (progress.committed !== lastProgress) {
          lastProgress = progress.committed;
          lastChange = Date.now();
        }
        const caughtUp = progress.committed === progress.end;
        const tables = caughtUp ? await factFingerprint(engineDb) : '';
        if (Date.now() - lastChange > 60_000) {
          throw new Error(caughtUp ? `every offset committed, but the tables differ from ours: ${tables}` : `stalled at offsets ${progress.committed} of ${progress.end}`);
        }
        return caughtUp && tables === expected;
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
    for (const view of ['kafka_hold_mv', ...Object.keys(views).map((t) => `kafka_${t}_mv`)]) await engineDb.command(`DROP TABLE IF EXISTS ${view}`).catch(() => undefined);
    await engineDb.command('DROP TABLE IF EXISTS kafka_activity').catch(() => undefined);
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
  insertUrl.searchParams.set('query', 'INSERT INTO activity_events FORMAT JSONEachRow');
  const directStarted = Date.now();
  for (const body of chunks) {
    const response = await fetch(insertUrl, { method: 'POST', body });
    if (response.status !== 200) throw new Error(`direct insert: ${response.status} ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer();
  }
  const directSeconds = (Date.now() - directStarted) / 1000;
  const directTotals = await factFingerprint(directDb);
  const engineTotals = await factFingerprint(engineDb);
  ctx.log(`  direct: ${directSeconds.toFixed(1)} s; tables equal to ours: engine ${engineTotals === expected ? 'yes' : `no (${engineTotals})`}, direct ${directTotals === expected ? 'yes' : `no (${directTotals})`}`);

  // Dropped through a connection bound to no database (one bound to a dropped database fails).
  const server = new ClickHouse({ url: ctx.clickhouseUrl, database: 'default' }, false);
  for (const database of Object.values(databases)) await server.command(`DROP DATABASE IF EXISTS ${database}`);
  await Promise.all([oursDb.close(), engineDb.close(), directDb.close(), server.close()]);
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
