import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { type ActivityRecord } from '@sferum/contracts';
import { createPseudonymizer, eventIdOf } from '@sferum/domain';
import { TEST_NOW } from '@sferum/testing';
import { CloudEvent, emitterFor, httpTransport, Kafka, Mode, type KafkaMessage as CloudEventsKafkaMessage, type Message, type TransportFunction } from 'cloudevents';
import fc from 'fast-check';
import { type KafkaMessage } from 'kafkajs';
import { SOURCE_NAME, startIngest, type IngestHarness } from '../test/ingest-harness';

/**
 * What real upstream clients send, against the real Kafka and PostgreSQL:
 * the official CloudEvents SDK for JavaScript in every HTTP content mode,
 * compressed batches, and a CloudEvents-aware consumer of the topic.
 */
const PSEUDONYM_KEY = 'cloudevents-int-spec-key-'.padEnd(48, 'k');
const pseudonymize = createPseudonymizer(PSEUDONYM_KEY);
const AN_HOUR_BEFORE = new Date(Date.parse(TEST_NOW) - 3_600_000).toISOString();

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** The headers of a kafkajs message as strings (what the SDK's Kafka binding reads). */
const stringHeaders = (message: KafkaMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.isBuffer(value) ? value.toString('utf8') : String(value)]));

const recordOf = (message: KafkaMessage): ActivityRecord => JSON.parse(message.value!.toString('utf8')) as ActivityRecord;

describe('ingest and the CloudEvents bindings (official SDK, compressed bodies) against the real Kafka and PostgreSQL', () => {
  let ingest: IngestHarness;

  beforeAll(async () => {
    ingest = await startIngest({ PSEUDONYM_KEY, CLOCK_START: TEST_NOW });
  });

  afterAll(async () => {
    await ingest.close();
  });

  const post = async (body: string | Buffer, headers: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${ingest.base}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ingest.key}`, ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  /** The SDK's transport contract over fetch, with the source key: answers status and body. */
  const transport: TransportFunction = async (message: Message) => {
    const headers = Object.fromEntries(
      Object.entries(message.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : String(value)]])),
    );
    return post(typeof message.body === 'string' ? message.body : JSON.stringify(message.body), headers);
  };
  /** The SDK's default emitter: the HTTP binding in binary mode. */
  const emitBinary = emitterFor(transport);
  const emitStructured = emitterFor(transport, { mode: Mode.STRUCTURED });

  let seq = 0;
  const event = (user: string, overrides: Record<string, unknown> = {}) =>
    new CloudEvent<Record<string, unknown>>({
      id: `ce-${++seq}`,
      source: 'urn:test',
      type: 'ru.sferum.message.sent',
      time: AN_HOUR_BEFORE,
      data: { userId: user, chatId: `chat-${seq % 5}`, chatKind: 'group', orgId: 'nsk-school-1' },
      ...overrides,
    });

  /** The events of today's mixed-batch test, expressed with the SDK, for one mode: valid ones, and invalid ones with their reasons. */
  const casesFor = (mode: string) => {
    const valid = Array.from({ length: 6 }, (_, i) => event(`${mode}-teacher-${i}`));
    const invalid = [
      event(`${mode}-bad-0`, { data: { userId: `${mode}-bad-0`, chatId: 'c', chatKind: 'group', text: 'Привет' } }),
      event(`${mode}-bad-1`, { type: 'ru.sferum.user.registered', data: { userId: `${mode}-bad-1`, orgId: 'nsk-school-1', role: 'director' } }),
      event(`${mode}-bad-2`, { time: '2025-01-01T00:00:00Z' }),
      event(`${mode}-bad-3`, { data: { userId: `${mode}-bad-3`, chatId: 'c', chatKind: 'group', orgId: 'msk-school-1' } }),
      // An extension attribute: refused as an unknown field in every mode.
      event(`${mode}-bad-4`, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
    ];
    return { valid, invalid };
  };
  const REASONS = [
    'data.text: message text is never accepted; send only ids, chatKind and messageKind',
    'data.role: expected one of teacher, student, parent, admin',
    'time: older than 400 days',
    `data.orgId: organization msk-school-1 is in region 77, which source ${SOURCE_NAME} may not send for`,
    'traceparent: unknown field',
  ];

  /** Every valid event is on the topic, normalized as today's tests expect; no invalid one is. */
  const expectNormalizedInKafka = async (valid: readonly CloudEvent<Record<string, unknown>>[], invalid: readonly CloudEvent<Record<string, unknown>>[]) => {
    const users = (events: readonly CloudEvent<Record<string, unknown>>[]) => events.map((e) => pseudonymize('user', String(e.data!['userId'])));
    const wanted = new Set(users(valid));
    const messages = await ingest.readTopicUntil((all) => all.filter((m) => wanted.has(recordOf(m).userId ?? '')).length >= wanted.size);
    const byUser = new Map(messages.map((m) => [recordOf(m).userId, m]));
    for (const e of valid) {
      const message = byUser.get(pseudonymize('user', String(e.data!['userId'])))!;
      const record = recordOf(message);
      expect(record).toMatchObject({
        schema: 'sferum.activity.v2',
        eventId: eventIdOf(SOURCE_NAME, e.source, e.id),
        type: 'ru.sferum.message.sent',
        orgId: 'nsk-school-1',
        source: SOURCE_NAME,
        chatKind: 'group',
        messageKind: 'text',
      });
      expect(record.time).toBe(new Date(String(e.time)).toISOString());
    }
    for (const user of users(invalid)) expect(byUser.has(user)).toBe(false);
  };

  describe.each(['binary', 'structured'] as const)('%s mode (the SDK emitter), one event a request', (mode) => {
    it('answers each event as today, and every accepted one is in Kafka, normalized', async () => {
      const emit = mode === 'binary' ? emitBinary : emitStructured;
      const { valid, invalid } = casesFor(mode);
      for (const e of valid) {
        expect(await emit(e)).toMatchObject({ status: 200, body: { accepted: 1, rejected: 0, rejections: [] } });
      }
      const answers = [];
      for (const e of invalid) answers.push((await emit(e)) as Answer);
      expect(answers.map((a) => a.status)).toEqual(invalid.map(() => 422));
      expect(answers.map((a) => a.body)).toEqual(
        invalid.map((e, i) => ({ accepted: 0, rejected: 1, rejections: [{ index: 0, id: e.id, reason: REASONS[i] }] })),
      );
      await expectNormalizedInKafka(valid, invalid);
    });
  });

  describe.each([
    ['batched mode', 'application/cloudevents-batch+json'],
    ['batched mode with a charset', 'application/cloudevents-batch+json; charset=utf-8'],
    ['the plain JSON array', 'application/json'],
  ])('%s (SDK events)', (mode, contentType) => {
    it('answers a mixed batch as today, and stores exactly its valid events', async () => {
      const { valid, invalid } = casesFor(mode.replace(/\W+/g, '-'));
      const batch = [...valid.slice(0, 3), ...invalid, ...valid.slice(3)];
      const answer = await post(JSON.stringify(batch), { 'Content-Type': contentType });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        accepted: valid.length,
        rejected: invalid.length,
        rejections: invalid.map((e, i) => ({ index: 3 + i, id: e.id, reason: REASONS[i] })),
      });
      await expectNormalizedInKafka(valid, invalid);
    });
  });

  it('a new user: the SDK default emitter over the SDK own httpTransport', async () => {
    const viaSdkTransport = emitterFor(httpTransport(`${ingest.base}/v1/events`));
    const one = event('sdk-transport-user');
    const response = (await viaSdkTransport(one, { headers: { Authorization: `Bearer ${ingest.key}` } })) as { body: string };
    expect(JSON.parse(response.body)).toEqual({ accepted: 1, rejected: 0, rejections: [] });
    await expectNormalizedInKafka([one], []);
  });

  it('binary mode decodes percent-encoded header values (binding 3.1.3.2) before the event id is derived', async () => {
    const answer = await post(JSON.stringify({ userId: 'percent-user', chatId: 'c', chatKind: 'group', orgId: 'nsk-school-1' }), {
      'Content-Type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'pct%2F1%20%D1%8E',
      'ce-source': 'urn:test:%D1%88%D0%BA%D0%BE%D0%BB%D0%B0%201',
      'ce-type': 'ru.sferum.message.sent',
      'ce-time': AN_HOUR_BEFORE,
    });
    expect(answer).toMatchObject({ status: 200, body: { accepted: 1 } });
    const user = pseudonymize('user', 'percent-user');
    const messages = await ingest.readTopicUntil((all) => all.some((m) => recordOf(m).userId === user));
    expect(recordOf(messages.find((m) => recordOf(m).userId === user)!).eventId).toBe(eventIdOf(SOURCE_NAME, 'urn:test:школа 1', 'pct/1 ю'));
  });

  it('accepts a gzip batch of 1,000 events (every one in Kafka), and deflate, br and a gzip binary event', async () => {
    const thousand = Array.from({ length: 1_000 }, (_, i) => event(`gzip-${i}`));
    const gzipped = gzipSync(JSON.stringify(thousand));
    const answer = await post(gzipped, { 'Content-Type': 'application/cloudevents-batch+json', 'Content-Encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 200, body: { accepted: 1_000, rejected: 0, rejections: [] } });

    const deflated = Array.from({ length: 20 }, (_, i) => event(`deflate-${i}`));
    expect(await post(deflateSync(JSON.stringify(deflated)), { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' })).toMatchObject({
      status: 200,
      body: { accepted: 20 },
    });
    const brotli = Array.from({ length: 20 }, (_, i) => event(`br-${i}`));
    expect(await post(brotliCompressSync(JSON.stringify(brotli)), { 'Content-Type': 'application/cloudevents-batch+json', 'Content-Encoding': 'br' })).toMatchObject({
      status: 200,
      body: { accepted: 20 },
    });
    const binary = event('gzip-binary');
    const compressingTransport: TransportFunction = (message: Message) =>
      post(gzipSync(String(message.body)), { ...(message.headers as Record<string, string>), 'Content-Encoding': 'gzip' });
    expect(await emitterFor(compressingTransport)(binary)).toMatchObject({ status: 200, body: { accepted: 1 } });

    await expectNormalizedInKafka([...thousand, ...deflated, ...brotli, binary], []);
  });

  it('a gzip bomb is a 413 problem: nothing stored, the memory stays flat', async () => {
    // Three valid events, then 256 MiB of JSON whitespace: a valid batch of
    // about 270 KB on the wire (256 gzip members, RFC 1952 2.2) that would
    // inflate far past MAX_BODY_BYTES (5 MiB) if the limit held only for
    // the bytes received.
    const bombed = Array.from({ length: 3 }, () => event('bomb-user'));
    const spaces = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = Buffer.concat([
      gzipSync(`[${bombed.map((e) => JSON.stringify(e)).join(',')}`),
      ...Array.from({ length: 256 }, () => spaces),
      gzipSync(']'),
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const answer = await post(bomb, { 'Content-Type': 'application/cloudevents-batch+json', 'Content-Encoding': 'gzip' });
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(String(answer.body['detail'])).toContain('decompressed body is larger than the limit');
    // The process's high-water mark of resident memory: decoding the whole
    // bomb would raise it by at least 256 MiB (the text alone); the bound
    // leaves room for garbage and buffers, whatever the machine's speed.
    expect(peakGrowth).toBeLessThan(128 * 1024 * 1024);

    // Nothing of the bomb is stored. The marker has the same key (user), so
    // the same partition: once it is read, any record of the bomb before it
    // would have been read too.
    const marker = event('bomb-user', { data: { userId: 'bomb-user', chatId: 'marker', chatKind: 'direct', orgId: 'nsk-school-1' } });
    expect(await emitBinary(marker)).toMatchObject({ status: 200 });
    const markerId = eventIdOf(SOURCE_NAME, marker.source, marker.id);
    const messages = await ingest.readTopicUntil((all) => all.some((m) => recordOf(m).eventId === markerId));
    const bombIds = new Set(bombed.map((e) => eventIdOf(SOURCE_NAME, e.source, e.id)));
    expect(messages.filter((m) => bombIds.has(recordOf(m).eventId))).toEqual([]);
  });

  it('an unsupported encoding is a 415 naming the supported ones; a corrupt gzip body is a 400', async () => {
    const body = JSON.stringify([event('zstd-user')]);
    const zstd = await post(body, { 'Content-Type': 'application/cloudevents-batch+json', 'Content-Encoding': 'zstd' });
    expect(zstd.status).toBe(415);
    expect(zstd.headers.get('content-type')).toContain('application/problem+json');
    expect(zstd.headers.get('accept-encoding')).toBe('gzip, deflate, br');
    expect(String(zstd.body['detail'])).toContain('Content-Encoding zstd is not supported');

    const corrupt = await post(Buffer.concat([gzipSync(body).subarray(0, 20), Buffer.from('garbage')]), {
      'Content-Type': 'application/cloudevents-batch+json',
      'Content-Encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(String(corrupt.body['detail'])).toContain('not valid gzip');
    expect(await post(body, { 'Content-Type': 'application/cloudevents-batch+json', 'Content-Encoding': 'identity' })).toMatchObject({ status: 200 });
  });

  it('throws malformed binary-mode and compressed requests at the endpoint: no 5xx, every answer has a reason', async () => {
    const printable = fc.stringMatching(/^[\x21-\x7e]{0,24}$/);
    const ceHeaders = fc.dictionary(
      fc.constantFrom('ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-time', 'ce-subject', 'ce-foo', 'ce-data', 'ce-datacontenttype', 'ce-'),
      fc.oneof(printable, fc.constantFrom('1.0', 'ru.sferum.message.sent', AN_HOUR_BEFORE, '%', '%E0%A4%A', '%D1%88')),
      { maxKeys: 7 },
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/octet-stream',
    );
    const body = fc.oneof(
      fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
      fc.record({ userId: printable, chatId: printable, chatKind: fc.constantFrom('group', 'x'), orgId: fc.constantFrom('nsk-school-1', 'msk-school-1') }).map((v) => JSON.stringify(v)),
      fc.string(),
    );
    const encodings = ['none', 'gzip', 'deflate', 'br', 'gzip, gzip', 'gzip (not gzip)', 'zstd'] as const;
    const encode = (text: string, encoding: (typeof encodings)[number]): { bytes: Buffer; header: string | undefined } => {
      switch (encoding) {
        case 'none':
          return { bytes: Buffer.from(text), header: undefined };
        case 'gzip':
          return { bytes: gzipSync(text), header: 'gzip' };
        case 'deflate':
          return { bytes: deflateSync(text), header: 'deflate' };
        case 'br':
          return { bytes: brotliCompressSync(text), header: 'br' };
        case 'gzip, gzip':
          return { bytes: gzipSync(gzipSync(text)), header: 'gzip, gzip' };
        case 'gzip (not gzip)':
          return { bytes: Buffer.from(text), header: 'gzip' };
        case 'zstd':
          return { bytes: Buffer.from(text), header: 'zstd' };
      }
    };
    await fc.assert(
      fc.asyncProperty(ceHeaders, contentType, body, fc.constantFrom(...encodings), async (ce, type, text, encoding) => {
        const { bytes, header } = encode(text, encoding);
        const answer = await post(bytes, { ...ce, 'Content-Type': type, ...(header === undefined ? {} : { 'Content-Encoding': header }) });
        expect(answer.status).toBeLessThan(500);
        if (answer.status === 200 || answer.status === 422) {
          for (const r of (answer.body as unknown as { rejections: { reason: string }[] }).rejections) expect(r.reason).toMatch(/\S/);
        } else {
          expect(String(answer.body['detail'])).toMatch(/\S/);
        }
      }),
      { numRuns: 400 },
    );
    expect((await fetch(`${ingest.base}/health/live`)).status).toBe(200);
  });

  it('a consumer using the SDK Kafka binding decodes a record of the topic into a CloudEvent', async () => {
    const sent = event('kafka-binding-user');
    expect(await emitStructured(sent)).toMatchObject({ status: 200 });
    const eventId = eventIdOf(SOURCE_NAME, sent.source, sent.id);
    const messages = await ingest.readTopicUntil((all) => all.some((m) => recordOf(m).eventId === eventId));
    const message = messages.find((m) => recordOf(m).eventId === eventId)!;

    const kafkaMessage: CloudEventsKafkaMessage<Buffer> = { headers: stringHeaders(message), key: message.key!, value: message.value!, body: message.value };
    expect(Kafka.isEvent(kafkaMessage)).toBe(true);
    const decoded = Kafka.toEvent(kafkaMessage) as CloudEvent<ActivityRecord>;
    expect(decoded).toBeInstanceOf(CloudEvent);
    expect(decoded.validate()).toBe(true);
    expect(decoded).toMatchObject({
      specversion: '1.0',
      id: eventId,
      source: 'urn:sferum:ingest',
      type: 'ru.sferum.message.sent',
      time: new Date(String(sent.time)).toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'urn:sferum:schema:sferum.activity.v2',
    });
    expect(decoded.data).toEqual(recordOf(message));
    // No raw identifier in the headers: only the event id, ingest's URN, type, time and schema.
    expect(JSON.stringify(stringHeaders(message))).not.toContain('kafka-binding-user');
    expect(JSON.stringify(stringHeaders(message))).not.toContain(sent.id);
  });
});
