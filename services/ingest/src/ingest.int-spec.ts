import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { type ActivityRecord, type IngestResult } from '@sferum/contracts';
import { createPseudonymizer, validateOrganizationCsv } from '@sferum/domain';
import { createServiceApp } from '@sferum/infra-http';
import { createDataSource, createKey, createSource, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { createTestDatabase, expectEventually, stack, stackEnv, uniqueName } from '@sferum/testing';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { loadIngestConfig } from './ingest.config';
import { IngestModule } from './ingest.module';

/**
 * The ingest service in-process against the real Kafka and PostgreSQL: its
 * own topic, database and sources. Kafka is read back by an independent
 * kafkajs consumer, not through the service's code.
 */
const PSEUDONYM_KEY = 'ingest-int-spec-key-'.padEnd(48, 'k');
const pseudonymize = createPseudonymizer(PSEUDONYM_KEY);
const ORGS_CSV = [
  'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount',
  'nsk-school-1,Школа 1,general,nsk-city,Новосибирск,54,30',
  'kem-school-1,Школа 1,general,kem-city,Кемерово,42,25',
  'msk-school-1,Школа 1,general,msk-city,Москва,77,50',
].join('\n');

describe('ingest service against the real Kafka and PostgreSQL', () => {
  const topic = uniqueName('test.activity');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let key: string;
  let rateKey: string;
  const kafka = new Kafka({ brokers: stackEnv().kafkaBrokers, clientId: 'ingest-int-spec-reader', logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = createDataSource({ url: database.url });
    await ds.initialize();
    await ds.runMigrations();
    const { records } = validateOrganizationCsv(ORGS_CSV, { knownRegions: await regionCodes(ds) });
    await importOrganizations(ds, records);
    key = await createSource(ds, { name: 'bus-54', homeRegion: '54', allowedRegions: ['54', '42'] });
    rateKey = await createSource(ds, { name: 'rate-test', homeRegion: '54', allowedRegions: null });

    const config = loadIngestConfig({
      ...process.env,
      DATABASE_URL: database.url,
      ACTIVITY_TOPIC: topic,
      ACTIVITY_TOPIC_PARTITIONS: '3',
      PSEUDONYM_KEY,
      // Every source's budget for this whole file is the burst: at 1 event/s
      // the refill while the tests run is negligible, so the rate test's
      // third batch is refused however slow the machine. The burst is exactly
      // the rate test's two batches of 3,000; 'bus-54' sends under 2,000
      // events over all the tests (most of them in the fuzz test).
      RATE_LIMIT_EVENTS_PER_SECOND: '1',
      RATE_LIMIT_BURST: '6000',
      INGEST_WORKERS: '1', // one process: the test's application
      REGISTRY_REFRESH_MS: '200',
      LOG_LEVEL: 'error',
    });
    app = await createServiceApp(IngestModule.forRoot(config), {
      service: 'ingest',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      bodyLimitBytes: config.MAX_BODY_BYTES,
      jsonContentTypes: ['application/cloudevents+json', 'application/cloudevents-batch+json'],
    });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await expectEventually(async () => expect((await fetch(`${base}/health/ready`)).status).toBe(200), { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await app.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await ds.destroy();
    await database.drop();
  });

  const now = () => new Date().toISOString();
  let seq = 0;
  const message = (overrides: Record<string, unknown> = {}) => ({
    specversion: '1.0',
    id: `m-${++seq}`,
    source: 'urn:test',
    type: 'ru.sferum.message.sent',
    time: now(),
    data: { userId: `teacher-${seq}`, chatId: `chat-${seq % 5}`, chatKind: 'group', orgId: 'nsk-school-1' },
    ...overrides,
  });

  const post = async (body: unknown, options: { key?: string | null; type?: string } = {}) => {
    const headers: Record<string, string> = { 'Content-Type': options.type ?? 'application/cloudevents-batch+json' };
    const k = options.key === undefined ? key : options.key;
    if (k !== null) headers['Authorization'] = `Bearer ${k}`;
    const response = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  /** Records of the test topic, read from the start by a fresh group until `done` holds. */
  const readTopicUntil = async (done: (records: ActivityRecord[]) => boolean): Promise<ActivityRecord[]> => {
    const consumer = kafka.consumer({ groupId: uniqueName('reader') });
    const records: ActivityRecord[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message: m }) => { records.push(JSON.parse(m.value!.toString()) as ActivityRecord); return Promise.resolve(); } });
    try {
      await expectEventually(() => expect(done(records)).toBe(true), { timeoutMs: 60_000 });
      return records;
    } finally {
      await consumer.disconnect();
    }
  };

  it('every event answered 2xx is in Kafka, normalized; a mixed batch stores exactly its valid events', async () => {
    const valid = Array.from({ length: 300 }, () => message());
    const invalid = [
      message({ data: { userId: 'u', chatId: 'c', chatKind: 'group', text: 'Привет' } }),
      message({ type: 'ru.sferum.user.registered', data: { userId: 'u', orgId: 'nsk-school-1', role: 'director' } }),
      message({ time: '2023-05-14T10:00:00' }),
      message({ data: { userId: 'u', chatId: 'c', chatKind: 'group', orgId: 'msk-school-1' } }),
      'not an event',
    ];
    const batch = [...valid.slice(0, 150), ...invalid, ...valid.slice(150)];
    const response = await post(batch);
    expect(response.status).toBe(200);
    const result = response.body as unknown as IngestResult;
    expect(result.accepted).toBe(300);
    expect(result.rejected).toBe(5);
    expect(result.rejections.map((r) => [r.index, r.reason.split(':')[0]])).toEqual([
      [150, 'data.text'],
      [151, 'data.role'],
      [152, 'time'],
      [153, 'data.orgId'],
      [154, 'an event must be a JSON object'],
    ]);

    // The topic is fresh: after this batch it holds exactly the 300 valid events.
    const records = await readTopicUntil((r) => r.length >= 300);
    expect(records).toHaveLength(300);
    const byUser = new Map(records.map((r) => [r.userId, r]));
    for (const event of valid) {
      const record = byUser.get(pseudonymize('user', event.data.userId));
      expect(record).toMatchObject({
        schema: 'sferum.activity.v2',
        type: 'ru.sferum.message.sent',
        orgId: 'nsk-school-1',
        source: 'bus-54',
        chatKind: 'group',
        messageKind: 'text',
      });
      expect(record?.time).toBe(new Date(event.time).toISOString());
    }
  });

  it('no raw user, chat or call id appears anywhere in Kafka', async () => {
    const raw = { userId: 'raw-user-4711', chatId: 'raw-chat-4711', callId: 'raw-call-4711' };
    expect((await post([
      message({ data: { userId: raw.userId, chatId: raw.chatId, chatKind: 'direct', orgId: 'nsk-school-1' } }),
      message({ type: 'ru.sferum.call.joined', data: { userId: raw.userId, callId: raw.callId, initiator: true } }),
      message({ type: 'ru.sferum.user.registered', data: { userId: raw.userId, orgId: 'kem-school-1', role: 'teacher' } }),
    ])).status).toBe(200);
    const consumer = kafka.consumer({ groupId: uniqueName('privacy') });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message: m }) => {
        seen.push(`${m.key?.toString() ?? ''}|${m.value?.toString() ?? ''}|${JSON.stringify(m.headers)}`);
        return Promise.resolve();
      },
    });
    await expectEventually(() => expect(seen.length).toBeGreaterThanOrEqual(303), { timeoutMs: 60_000 });
    await consumer.disconnect();
    const everything = seen.join('\n');
    for (const id of Object.values(raw)) expect(everything).not.toContain(id);
    expect(everything).toContain(pseudonymize('user', raw.userId));
    expect(everything).toContain(pseudonymize('call', raw.callId));
  });

  it('authenticates: 401 without or with an unknown key, 403 for a non-source key', async () => {
    expect((await post([message()], { key: null })).status).toBe(401);
    expect((await post([message()], { key: `sfk_${'Z'.repeat(43)}` })).status).toBe(401);
    const revoked = await createSource(ds, { name: 'revoked', homeRegion: '54', allowedRegions: null });
    await ds.query(`UPDATE api_key SET revoked_at = now() WHERE source_name = 'revoked'`);
    expect((await post([message()], { key: revoked })).status).toBe(401);
    expect((await post([message()], { key: await createKey(ds, 'admin') })).status).toBe(403);
  });

  it('answers unreadable requests with 400/413/415 problems and a per-event 422 when nothing is valid', async () => {
    expect((await post('{"broken', { type: 'application/json' })).status).toBe(400);
    expect((await post('', { type: 'application/cloudevents+json' })).status).toBe(400);
    expect((await post([], {})).status).toBe(400);
    expect((await post(message(), { type: 'application/json' })).status).toBe(400);
    expect((await post([message()], { type: 'application/cloudevents+json' })).status).toBe(400);
    expect((await post([message()], { type: 'text/plain' })).status).toBe(415);
    const tooMany = await post(Array.from({ length: 5_001 }, () => ({})));
    expect(tooMany.status).toBe(413);
    const huge = await post(`[${'"x",'.repeat(1_500_000)}"x"]`);
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    const single = await post(message(), { type: 'application/cloudevents+json' });
    expect(single.status).toBe(200);
    const none = await post([message({ specversion: '2.0' })]);
    expect(none.status).toBe(422);
    expect(none.body).toEqual({ accepted: 0, rejected: 1, rejections: [{ index: 0, id: expect.any(String), reason: 'specversion: expected "1.0"' }] });
  });

  it('limits the rate per source with 429 and Retry-After', async () => {
    // Two batches spend the whole burst; a third would need 3,000 s of refill at 1 event/s.
    const batch = () => Array.from({ length: 3_000 }, () => message());
    expect((await post(batch(), { key: rateKey })).status).toBe(200);
    expect((await post(batch(), { key: rateKey })).status).toBe(200);
    const limited = await post(batch(), { key: rateKey });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another source is not affected.
    expect((await post([message()])).status).toBe(200);
  });

  it('keeps events of an organization the registry does not know yet as sent; once it knows it, the source scope applies', async () => {
    const consumer = kafka.consumer({ groupId: uniqueName('registry-change') });
    const records: ActivityRecord[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message: m }) => { records.push(JSON.parse(m.value!.toString()) as ActivityRecord); return Promise.resolve(); } });
    try {
      const unknown = await post([message({ id: 'before-kem-new', data: { userId: 'early', chatId: 'c', chatKind: 'group', orgId: 'kem-new' } })]);
      expect(unknown.status).toBe(200);
      await expectEventually(() => expect(records.find((r) => r.orgId === 'kem-new')).toMatchObject({ orgId: 'kem-new', schema: 'sferum.activity.v2' }), { timeoutMs: 30_000 });
      // The organization is added in region 77; this source may send for 54 and 42 only.
      await ds.query(`INSERT INTO municipality (id, name, region_code) VALUES ('msk-2', 'Зеленоград', '77')`);
      await ds.query(`INSERT INTO organization (id, name, category, municipality_id) VALUES ('kem-new', 'Новая школа', 'spo', 'msk-2')`);
      let attempt = 0;
      await expectEventually(async () => {
        attempt += 1;
        const answer = await post([message({ id: `after-kem-new-${attempt}`, data: { userId: `late-${attempt}`, chatId: 'c', chatKind: 'group', orgId: 'kem-new' } })]);
        expect(answer.body['rejections']).toEqual([expect.objectContaining({ reason: expect.stringContaining('organization kem-new is in region 77') })]);
      }, { timeoutMs: 30_000, intervalMs: 250 });
    } finally {
      await consumer.disconnect();
    }
  });

  it('throws thousands of malformed bodies at the endpoint: no 5xx, every rejection has a reason', async () => {
    const jsonish = fc.oneof(
      fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
      fc.array(fc.anything(), { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc.array(fc.record({ specversion: fc.constantFrom('1.0', 1, null), id: fc.string(), source: fc.string(), type: fc.string(), time: fc.string(), data: fc.anything() }, { requiredKeys: [] }), { maxLength: 5 }).map((v) => JSON.stringify(v)),
      fc.string(),
    );
    const contentType = fc.constantFrom('application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json', 'text/plain', 'application/xml');
    await fc.assert(
      fc.asyncProperty(jsonish, contentType, async (body, type) => {
        const response = await post(body, { type });
        expect(response.status).toBeLessThan(500);
        if (response.status === 200 || response.status === 422) {
          const result = response.body as unknown as IngestResult;
          for (const r of result.rejections) expect(r.reason).toMatch(/\S/);
        } else {
          expect(typeof response.body['detail']).toBe('string');
          expect(response.body['detail']).toMatch(/\S/);
        }
      }),
      { numRuns: 2_000 },
    );
    // Still healthy afterwards.
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('answers 503 with Retry-After while Kafka is down, never 2xx, and recovers by itself', async () => {
    await stack('down', 'kafka');
    try {
      for (let i = 0; i < 3; i++) {
        const response = await post([message()]);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(String(response.body['detail'])).toContain('Retry the whole request: events are deduplicated by id');
      }
    } finally {
      await stack('up', 'kafka');
    }
    const marker = message({ data: { userId: 'after-outage', chatId: 'c', chatKind: 'group', orgId: 'nsk-school-1' } });
    await expectEventually(async () => expect((await post([marker])).status).toBe(200), { timeoutMs: 90_000, intervalMs: 1_000 });
    const afterOutage = pseudonymize('user', 'after-outage');
    const records = await readTopicUntil((r) => r.some((x) => x.userId === afterOutage));
    expect(records.filter((r) => r.userId === afterOutage).length).toBeGreaterThanOrEqual(1);
  });
});
