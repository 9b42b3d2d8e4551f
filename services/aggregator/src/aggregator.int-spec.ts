import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord, parseIsoWeek, weekBounds } from '@sferum/domain';
import {
  CLICKHOUSE_MIGRATIONS_DIR,
  ClickHouse,
  registrationsAt,
  runClickHouseMigrations,
  sqlString,
  sqlStringList,
  unknownOrganizations,
  userActivityCounts,
} from '@sferum/infra-clickhouse';
import { DurableProducer, KafkaClient } from '@sferum/infra-kafka';
import {
  expectedActivityCounts as expectedCounts,
  expectEventually,
  fixtureRecord,
  freePort,
  generateActivity as generate,
  lateAndUnknownRecords,
  pseudonymizeFixture as pseudonymize,
  reRegistrationRecords,
  REPO_ROOT,
  stack,
  stackEnv,
  uniqueName,
  utcWeekBounds,
  utcWeekOf,
  weekEdgeRecords,
} from '@sferum/testing';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The aggregator as real processes (dist/) against the real Kafka and
 * ClickHouse; each scenario with its own topic, consumer group and
 * ClickHouse database. The records are the aggregator's fixtures
 * (libs/testing/src/aggregator-fixtures.ts, also written into a current
 * ClickHouse by the cross-version tier); expected counters are computed by
 * plain counting over them.
 */
const PARTITIONS = 3;

interface Scenario {
  readonly topic: string;
  readonly group: string;
  readonly database: string;
  readonly clickhouse: ClickHouse;
  readonly client: KafkaClient;
  readonly producer: DurableProducer;
}

const kafkaBrokers = stackEnv().kafkaBrokers;
const clickhouseUrl = stackEnv().clickhouseUrl;
const scenarios: Scenario[] = [];
const children: ChildProcess[] = [];

async function scenario(): Promise<Scenario> {
  const topic = uniqueName('test.agg');
  const database = uniqueName('test_agg');
  await runClickHouseMigrations({ url: clickhouseUrl, database }, CLICKHOUSE_MIGRATIONS_DIR);
  const client = new KafkaClient({ brokers: kafkaBrokers, clientId: 'aggregator-int-spec' });
  await client.ensureTopics([
    { topic, partitions: PARTITIONS, replicationFactor: 1 },
    { topic: `${topic}.dlq`, partitions: 1, replicationFactor: 1 },
  ]);
  const s = { topic, group: uniqueName('test-agg'), database, clickhouse: new ClickHouse({ url: clickhouseUrl, database }), client, producer: new DurableProducer(client) };
  scenarios.push(s);
  return s;
}

interface Aggregator {
  readonly process: ChildProcess;
  readonly port: number;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
}

async function startAggregator(s: Scenario, extra: Record<string, string> = {}): Promise<Aggregator> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/aggregator/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: kafkaBrokers.join(','),
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_DATABASE: s.database,
      ACTIVITY_TOPIC: s.topic,
      ACTIVITY_DLQ_TOPIC: `${s.topic}.dlq`,
      ACTIVITY_TOPIC_PARTITIONS: String(PARTITIONS),
      AGGREGATOR_GROUP_ID: s.group,
      FLUSH_MAX_ROWS: '2000',
      FLUSH_MAX_DELAY_MS: '200',
      LAG_CHECK_INTERVAL_MS: '500',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, port, exit, output: () => output };
}

async function metric(a: Aggregator, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function stop(a: Aggregator): Promise<void> {
  a.process.kill('SIGTERM');
  expect((await a.exit).code).toBe(0);
}

async function send(s: Scenario, records: readonly ActivityRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 1000) {
    await s.producer.send(s.topic, records.slice(i, i + 1000).map((r) => ({ key: r.userId ?? r.orgId ?? r.eventId, value: JSON.stringify(r) })));
  }
}

interface DeadLetterRead {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** The dead-letter topic's records, once `count` of them are there. */
async function readDeadLetters(s: Scenario, count: number): Promise<DeadLetterRead[]> {
  const kafka = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
  const dead: DeadLetterRead[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${s.topic}.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message: m }) => {
        const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
        dead.push({ key: m.key?.toString() ?? '', value: m.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    await expectEventually(() => expect(dead).toHaveLength(count), { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
  return dead;
}

async function actualCounts(s: Scenario, weeks: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const week of weeks) for (const r of await userActivityCounts(s.clickhouse, utcWeekBounds(week))) counts.set(`${week}|${r.user_id}|${r.activity}`, r.events);
  return counts;
}

async function expectExact(s: Scenario, records: readonly ActivityRecord[], timeoutMs = 90_000, ...running: Aggregator[]): Promise<void> {
  const expected = expectedCounts(records);
  const weeks = [...new Set(records.map(utcWeekOf))];
  try {
    await expectEventually(async () => expect(await actualCounts(s, weeks)).toEqual(expected), { timeoutMs, intervalMs: 500 });
  } catch (error) {
    // Show what the aggregators said: a count that never converges needs their story.
    for (const a of running) console.error(`aggregator on port ${a.port} said:\n${a.output().slice(-5000)}`);
    throw error;
  }
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const s of scenarios) {
    await s.producer.close();
    const admin = await s.client.connectedAdmin();
    await admin.deleteTopics({ topics: [s.topic, `${s.topic}.dlq`] }).catch(() => undefined);
    await s.client.close();
    await s.clickhouse.command(`DROP DATABASE IF EXISTS ${s.database}`);
    await s.clickhouse.close();
  }
});

describe('aggregator: exact weekly counters', () => {
  it('1. every event sent twice is counted once', async () => {
    const s = await scenario();
    const records = generate(40, 30);
    const aggregator = await startAggregator(s);
    await send(s, records);
    await send(s, [...records].reverse()); // the same events again, in other batches
    await expectExact(s, records);
    expect(await metric(aggregator, 'aggregator_records_consumed_total')).toBe(records.length * 2);
    await stop(aggregator);
  });

  it('2. killed with SIGKILL between a write and its commit, then restarted: exact', async () => {
    const s = await scenario();
    const records = generate(30, 40);
    await send(s, records);
    // Small writes, so the first one holds only part of the stream.
    const doomed = await startAggregator(s, { FAULT_KILL_AFTER_WRITE: 'true', FLUSH_MAX_ROWS: '300' });
    expect(await doomed.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(doomed.output()).toContain('FAULT_KILL_AFTER_WRITE');
    // The write happened; its offsets were not committed.
    const partial = await actualCounts(s, ['2023-W19', '2023-W20']);
    expect(partial.size).toBeGreaterThan(0);
    expect(partial).not.toEqual(expectedCounts(records));
    const committed = await (await s.client.connectedAdmin()).fetchOffsets({ groupId: s.group, topics: [s.topic] });
    expect(committed[0]?.partitions.every((p) => p.offset === '-1')).toBe(true);

    // The restarted one reads everything again, the written part included.
    const restarted = await startAggregator(s);
    await expectEventually(async () => expect(await metric(restarted, 'aggregator_records_consumed_total')).toBe(records.length), { timeoutMs: 60_000 });
    await expectExact(s, records);
    await stop(restarted);
  });

  it('3. the group reset to the earliest offset and everything replayed: exact', async () => {
    const s = await scenario();
    const records = generate(30, 30);
    await send(s, records);
    const first = await startAggregator(s);
    await expectExact(s, records);
    await stop(first);

    const replay = spawn(process.execPath, [join(REPO_ROOT, 'dist/tools/cli/src/replay.js'), '--from-beginning', '--group', s.group, '--topic', s.topic], {
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers.join(',') },
    });
    let out = '';
    replay.stdout.on('data', (c: Buffer) => (out += c.toString()));
    replay.stderr.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => replay.once('exit', resolve))).toBe(0);
    expect(out).toContain('from the start');

    const second = await startAggregator(s);
    await expectEventually(async () => expect(await metric(second, 'aggregator_records_consumed_total')).toBe(records.length), { timeoutMs: 60_000 });
    await expectExact(s, records);
    await stop(second);
  });

  it('the replay command refuses while an aggregator of the group is running', async () => {
    const s = await scenario();
    const running = await startAggregator(s);
    await expectEventually(async () => expect((await fetch(`http://127.0.0.1:${running.port}/health/ready`)).status).toBe(200), { timeoutMs: 30_000 });
    const replay = spawn(process.execPath, [join(REPO_ROOT, 'dist/tools/cli/src/replay.js'), '--from-beginning', '--group', s.group, '--topic', s.topic], {
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers.join(',') },
    });
    let err = '';
    replay.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => replay.once('exit', resolve))).toBe(1);
    expect(err).toContain('stop the aggregators first');
    await stop(running);
  });

  it('4. ClickHouse stopped for 30 seconds in the middle of a stream: exact after recovery, nothing lost', async () => {
    const s = await scenario();
    const records = generate(40, 30);
    const half = Math.floor(records.length / 2);
    const aggregator = await startAggregator(s);
    await send(s, records.slice(0, half));
    await expectExact(s, records.slice(0, half), 90_000, aggregator);
    await stack('down', 'clickhouse');
    try {
      await send(s, records.slice(half));
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      // Not ready while it cannot write; the process stays up.
      expect((await fetch(`http://127.0.0.1:${aggregator.port}/health/ready`)).status).toBe(503);
      expect(aggregator.process.exitCode).toBeNull();
      expect(await metric(aggregator, 'aggregator_write_retries_total')).toBeGreaterThan(0);
    } finally {
      await stack('up', 'clickhouse');
    }
    await expectExact(s, records, 120_000, aggregator);
    await stop(aggregator);
  });

  it('5. a poison record among valid ones goes to the dead-letter topic with its reason; the rest is counted', async () => {
    const s = await scenario();
    const records = generate(10, 10);
    const aggregator = await startAggregator(s);
    await s.producer.send(s.topic, [
      { key: 'p1', value: '{"schema":"sferum.activity.v1","eventId":"not-hex"}' },
      { key: 'p2', value: 'garbage' },
      ...records.map((r) => ({ key: r.userId, value: JSON.stringify(r) })),
    ]);
    await expectExact(s, records);
    const dead = await readDeadLetters(s, 2);
    const byKey = Object.fromEntries(dead.map((d) => [d.key, d.headers]));
    expect(byKey['p1']).toMatchObject({ 'origin-topic': s.topic, reason: expect.stringContaining('eventId: invalid') });
    expect(byKey['p2']).toMatchObject({ reason: expect.stringContaining('not JSON') });
    expect(byKey['p2']?.['origin-offset']).toMatch(/^\d+$/);
    expect(await metric(aggregator, 'aggregator_dead_letters_total')).toBe(2);
    await stop(aggregator);
  });

  it('5b. a batch of 10,000 records of which ClickHouse refuses 3: the 9,997 written, the 3 dead-lettered with the reason, the partition goes on', async () => {
    const s = await scenario();
    // 9,997 records of the usual mix and 3 of people of their own, spread over the batch.
    const good = generate(100, 80).slice(0, 9_997);
    const refusedRecords = [1, 2, 3].map((n) =>
      fixtureRecord('ru.sferum.message.sent', `2023-05-1${n}T10:00:00+07:00`, { userId: `refused-${n}`, chatId: 'c1', chatKind: 'group', messageKind: 'text', orgId: 'nsk-1' }),
    );
    const records = [...good];
    records.splice(9_000, 0, refusedRecords[2]!);
    records.splice(4_000, 0, refusedRecords[1]!);
    records.splice(10, 0, refusedRecords[0]!);
    expect(records).toHaveLength(10_000);
    const eventId = (r: ActivityRecord) => {
      const decoded = decodeActivityRecord(JSON.stringify(r));
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.row.event_id;
    };
    const refusedIds = refusedRecords.map(eventId);
    // A real refusal of rows that pass the aggregator's validation: a view of
    // this database that throws for those three events (code 395). On 18.16
    // the table's block is written before its views run, so a refused insert
    // may leave rows behind; the checks below hold whether it does or not.
    await s.clickhouse.command(
      `CREATE MATERIALIZED VIEW refuse_three ENGINE = Null AS SELECT throwIf(event_id IN ${sqlStringList(refusedIds)}) AS refused FROM activity_events`,
    );
    await send(s, records);
    // Everything is in the topic before the aggregator starts, and a write waits for 10,000 rows: one write of the whole batch.
    const aggregator = await startAggregator(s, {
      FLUSH_MAX_ROWS: '10000',
      FLUSH_MIN_ROWS: '10000',
      FLUSH_MAX_DELAY_MS: '5000',
      FETCH_MAX_BYTES_PER_PARTITION: String(16 * 1024 * 1024),
    });

    const dead = await readDeadLetters(s, 3);
    expect(dead.map((d) => d.value).sort()).toEqual(refusedRecords.map((r) => JSON.stringify(r)).sort());
    for (const d of dead) {
      expect(d.headers).toMatchObject({
        reason: expect.stringMatching(/^ClickHouse refused the row: .*throwIf/),
        'clickhouse-code': '395',
        'clickhouse-error': 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO',
        'origin-topic': s.topic,
        'origin-partition': expect.stringMatching(/^\d+$/),
        'origin-offset': expect.stringMatching(/^\d+$/),
      });
    }

    // The 9,997: each event in activity_events, and every counter of their people exact.
    const goodIds = new Set(good.map(eventId));
    const storedGood = async () => (await s.clickhouse.query<{ event_id: string }>('SELECT DISTINCT event_id FROM activity_events')).filter((r) => goodIds.has(r.event_id)).length;
    await expectEventually(async () => expect(await storedGood()).toBe(9_997), { timeoutMs: 60_000 });
    const refusedPeople = new Set(refusedRecords.map((r) => r.userId));
    const goodCounts = async () => {
      const counts = await actualCounts(s, [...new Set(good.map(utcWeekOf))]);
      return new Map([...counts].filter(([key]) => !refusedPeople.has(key.split('|')[1] ?? '')));
    };
    expect(await goodCounts()).toEqual(expectedCounts(good));
    await expectEventually(async () => {
      expect(await metric(aggregator, 'aggregator_rows_written_total')).toBe(9_997);
      expect(await metric(aggregator, 'aggregator_refused_rows_total')).toBe(3);
      expect(await metric(aggregator, 'aggregator_dead_letters_total')).toBe(3);
      expect(await metric(aggregator, 'aggregator_flush_rows_count')).toBe(1);
      expect(await metric(aggregator, 'aggregator_flush_rows_sum')).toBe(10_000);
    }, { timeoutMs: 10_000 });
    // One line per refused row, naming the event and ClickHouse's code.
    for (const id of refusedIds) expect(aggregator.output()).toContain(`ClickHouse refused event ${id} (code 395 FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)`);

    // The partition goes on: a record after them, with the same key as a refused one (so in its partition), is written
    // and every offset is committed.
    const after = fixtureRecord('ru.sferum.message.sent', '2023-05-12T11:00:00+07:00', { userId: 'after-refused', chatId: 'c1', chatKind: 'group', messageKind: 'text', orgId: 'nsk-1' });
    await s.producer.send(s.topic, [{ key: refusedRecords[0]!.userId, value: JSON.stringify(after) }]);
    await expectEventually(async () => {
      const rows = await s.clickhouse.query<{ n: string | number }>(`SELECT count() AS n FROM activity_events WHERE event_id = ${sqlString(eventId(after))}`);
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    }, { timeoutMs: 60_000 });
    await expectEventually(async () => {
      const committed = await (await s.client.connectedAdmin()).fetchOffsets({ groupId: s.group, topics: [s.topic] });
      expect(committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0)).toBe(10_001);
    }, { timeoutMs: 30_000 });
    expect(await metric(aggregator, 'aggregator_refused_rows_total')).toBe(3);
    await stop(aggregator);
  });

  it('6. two aggregator instances in one group share the partitions and count exactly', async () => {
    const s = await scenario();
    const records = generate(60, 40);
    const a = await startAggregator(s);
    const b = await startAggregator(s);
    await expectEventually(async () => {
      expect((await fetch(`http://127.0.0.1:${a.port}/health/ready`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${b.port}/health/ready`)).status).toBe(200);
    }, { timeoutMs: 30_000 });
    await send(s, records);
    await expectExact(s, records);
    const [ca, cb] = [await metric(a, 'aggregator_records_consumed_total'), await metric(b, 'aggregator_records_consumed_total')];
    expect(ca).toBeGreaterThan(0);
    expect(cb).toBeGreaterThan(0);
    expect(ca + cb).toBeGreaterThanOrEqual(records.length);
    await Promise.all([stop(a), stop(b)]);
  });

  it('7. Sunday 23:59:59 and Monday 00:00:00 local land in different weeks, in Novosibirsk and in Moscow, each cut in its zone', async () => {
    const s = await scenario();
    const records = weekEdgeRecords();
    const aggregator = await startAggregator(s);
    await send(s, records);
    const nsk = pseudonymize('user', 'edge-nsk');
    const msk = pseudonymize('user', 'edge-msk');
    await expectEventually(async () => {
      // The stored facts keep the instant; the week is cut when read, in the zone of the organization's region.
      const local = (week: string, zone: string, orgId: string) => userActivityCounts(s.clickhouse, { ...weekBounds(parseIsoWeek(week), zone), orgIds: [orgId] });
      expect(await local('2023-W19', 'Asia/Novosibirsk', 'nsk-1')).toEqual([{ user_id: nsk, activity: 'group:text', events: 1 }]);
      expect(await local('2023-W20', 'Asia/Novosibirsk', 'nsk-1')).toEqual([{ user_id: nsk, activity: 'group:text', events: 1 }]);
      expect(await local('2023-W19', 'Europe/Moscow', 'msk-1')).toEqual([{ user_id: msk, activity: 'group:text', events: 2 }]);
      expect(await local('2023-W20', 'Europe/Moscow', 'msk-1')).toEqual([{ user_id: msk, activity: 'group:text', events: 1 }]);
    }, { timeoutMs: 60_000 });
    await stop(aggregator);
  });

  it('8. a user who registers, leaves and registers again is counted as the registry of each week end says', async () => {
    const s = await scenario();
    const records = reRegistrationRecords();
    const aggregator = await startAggregator(s);
    await send(s, [...records, ...records]);
    const returning = pseudonymize('user', 'returning');
    const both = pseudonymize('user', 'parent-and-teacher');
    const endOf = (week: string) => weekBounds(parseIsoWeek(week), 'Asia/Novosibirsk').endMs;
    const at = async (week: string) => (await registrationsAt(s.clickhouse, endOf(week))).map((r) => `${r.user_id === returning ? 'returning' : 'both'}:${r.role}`).sort();
    await expectEventually(async () => expect(await at('2023-W20')).toEqual(['both:teacher', 'returning:teacher']), { timeoutMs: 60_000 });
    expect(await at('2023-W18')).toEqual(['both:parent', 'both:teacher', 'returning:teacher']);
    expect(await at('2023-W19')).toEqual(['both:parent', 'both:teacher']);
    expect(await at('2023-W17')).toEqual([]);
    expect((await registrationsAt(s.clickhouse, endOf('2023-W20'))).find((r) => r.user_id === both && r.role === 'teacher')?.org_id).toBe('nsk-1');
    await stop(aggregator);
  });

  it('keeps the events of organizations the registry does not know, and counts late events in their own week', async () => {
    const s = await scenario();
    const aggregator = await startAggregator(s);
    const onTime = generate(5, 5);
    await send(s, onTime);
    await expectExact(s, onTime);
    const { late, unknown } = lateAndUnknownRecords();
    await send(s, [late, ...unknown, ...unknown]);
    await expectEventually(async () => {
      expect(await userActivityCounts(s.clickhouse, utcWeekBounds('2023-W09'))).toEqual([{ user_id: pseudonymize('user', 'late-writer'), activity: 'group:text', events: 1 }]);
      // No registry is mirrored here (version 0): every organization id is unknown; not-in-registry sent one of each.
      const unknownOrgs = await unknownOrganizations(s.clickhouse, { registryVersion: 0, limit: 10, offset: 0 });
      expect(unknownOrgs.items.find((o) => o.orgId === 'not-in-registry')?.events).toEqual({ 'ru.sferum.message.sent': 1, 'ru.sferum.user.registered': 1 });
    }, { timeoutMs: 60_000 });
    await expectExact(s, [...onTime, late, ...unknown]);
    await stop(aggregator);
  });
});
