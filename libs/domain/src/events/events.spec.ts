import fc from 'fast-check';
import { EventValidator } from './event-validation';
import { eventIdOf, normalizeEvent, parseRfc3339, type NormalizationContext } from './normalize-event';
import { createPseudonymizer } from './pseudonymize';

const KEY = 'test-key-'.padEnd(40, 'x');
const pseudonymize = createPseudonymizer(KEY);
const validator = new EventValidator();
const NOW = Date.parse('2023-05-20T00:00:00Z');

/** The regions of the organizations the registry knows (for the source's scope). */
const ORG_REGIONS: Record<string, string> = { 'nsk-1': '54', 'msk-1': '77' };

const context = (overrides: Partial<NormalizationContext> = {}): NormalizationContext => ({
  source: { name: 'edu-bus', homeRegion: '54', allowedRegions: ['54', '42'] },
  nowMs: NOW,
  maxAgeDays: 400,
  maxAheadDays: 1,
  regionOfOrganization: (orgId) => ORG_REGIONS[orgId],
  pseudonymize,
  ...overrides,
});

const message = (data: Record<string, unknown> = {}, attrs: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'evt-1',
  source: 'urn:sferum:bus',
  type: 'ru.sferum.message.sent',
  time: '2023-05-14T23:59:59+07:00',
  data: { userId: 'teacher-1', chatId: 'chat-9', chatKind: 'group', orgId: 'nsk-1', ...data },
  ...attrs,
});

const accept = (event: unknown, ctx = context()) => {
  const valid = validator.validate(event);
  if (!valid.ok) throw new Error(`rejected: ${valid.rejection.reason}`);
  const normalized = normalizeEvent(valid.event, ctx);
  if (!normalized.ok) throw new Error(`rejected: ${normalized.rejection.reason}`);
  return normalized;
};

const reasonOf = (event: unknown, ctx = context()): string => {
  const valid = validator.validate(event);
  if (!valid.ok) return valid.rejection.reason;
  const normalized = normalizeEvent(valid.event, ctx);
  if (normalized.ok) throw new Error('accepted');
  return normalized.rejection.reason;
};

describe('validation reasons', () => {
  it.each([
    [message({ text: 'hello' }), 'data.text: message text is never accepted'],
    [message({ content: '' }), 'data.content: message text is never accepted'],
    [message({ body: {} }), 'data.body: message text is never accepted'],
    [message({}, { specversion: '0.3' }), 'specversion: expected "1.0"'],
    [message({}, { type: 'ru.sferum.message.deleted' }), 'type: expected one of ru.sferum.user.registered'],
    [message({}, { id: '' }), 'id: must not be empty'],
    [message({}, { id: 'x'.repeat(129) }), 'id: must be at most 128 characters'],
    [message({}, { time: undefined }), 'time: required'],
    [message({}, { extra: 1 }), 'extra: unknown field'],
    [message({ chatKind: 'room' }), 'data.chatKind: expected one of group, direct, channel'],
    [message({ messageKind: 'gif' }), 'data.messageKind: expected one of text, file, poll, voice, sticker, emoji, other'],
    [message({ userId: 'bad id' }), 'data.userId: expected 1 to 128 characters of A-Z a-z 0-9 . _ : -'],
    [message({ userId: 42 }), 'data.userId: expected string'],
    [message({ chatId: undefined }), 'data.chatId: required'],
    [message({ orgID: 'nsk-1' }), 'data.orgID: unknown field'],
    [{ ...message(), type: 'ru.sferum.user.registered', data: { userId: 'u', orgId: 'nsk-1', role: 'director' } }, 'data.role: expected one of teacher, student, parent, admin'],
    [{ ...message(), type: 'ru.sferum.call.joined', data: { userId: 'u', callId: 'c', initiator: 'yes' } }, 'data.initiator: expected boolean'],
    [{ ...message(), data: 'text' }, 'data: expected object'],
    [{ ...message(), type: 'ru.sferum.org.journal_linked', data: { orgId: 'nsk-1' } }, 'data.journalSystem: required'],
    [{ ...message(), type: 'ru.sferum.org.journal_linked', data: { orgId: 'nsk-1', journalSystem: 'fgis moya' } }, 'data.journalSystem: expected 1 to 128 characters'],
    [{ ...message(), type: 'ru.sferum.org.gov_label_granted', data: { orgId: 'nsk-1', userId: 'u1' } }, 'data.userId: unknown field'],
    [{ ...message(), type: 'ru.sferum.chat.created', data: { orgId: 'nsk-1', chatId: 'c', chatKind: 'group', memberCount: 3 } }, 'data.audience: required'],
    [{ ...message(), type: 'ru.sferum.chat.created', data: { orgId: 'nsk-1', chatId: 'c', chatKind: 'group', audience: 'parents', memberCount: 3 } }, 'data.audience: expected one of staff, class, other'],
    [{ ...message(), type: 'ru.sferum.chat.created', data: { orgId: 'nsk-1', chatId: 'c', chatKind: 'group', audience: 'staff', memberCount: -1 } }, 'data.memberCount: '],
    [{ ...message(), type: 'ru.sferum.chat.created', data: { orgId: 'nsk-1', chatId: 'c', chatKind: 'group', audience: 'staff', memberCount: 3, name: 'Учителя 5А' } }, 'data.name: unknown field'],
    [[message()], 'an event must be a JSON object'],
    [null, 'an event must be a JSON object'],
    [message({}, { time: '2023-05-14 23:59:59' }), 'time: expected RFC 3339 with an offset'],
    [message({}, { time: '2023-05-14T23:59:59' }), 'time: expected RFC 3339 with an offset'],
    [message({}, { time: '2023-02-30T10:00:00Z' }), 'time: expected RFC 3339 with an offset'],
    [message({}, { time: '2022-04-14T10:00:00Z' }), 'time: older than 400 days'],
    [message({}, { time: '2023-05-21T00:00:01Z' }), 'time: more than 1 day(s) in the future'],
    [message({ orgId: 'msk-1' }), 'data.orgId: organization msk-1 is in region 77, which source edu-bus may not send for'],
  ])('%#: %s', (event, reason) => {
    expect(reasonOf(event)).toContain(reason);
  });
});

describe('normalization', () => {
  it('normalizes a group message of a Novosibirsk school', () => {
    const { record, key } = accept(message({ messageKind: 'poll' }));
    expect(record).toEqual({
      schema: 'sferum.activity.v2',
      eventId: eventIdOf('edu-bus', 'urn:sferum:bus', 'evt-1'),
      type: 'ru.sferum.message.sent',
      time: '2023-05-14T16:59:59.000Z',
      orgId: 'nsk-1',
      source: 'edu-bus',
      ingestedAt: '2023-05-20T00:00:00.000Z',
      userId: pseudonymize('user', 'teacher-1'),
      role: null,
      chatId: pseudonymize('chat', 'chat-9'),
      chatKind: 'group',
      messageKind: 'poll',
      callId: null,
      initiator: null,
      journalSystem: null,
      chatAudience: null,
      memberCount: null,
    });
    expect(key).toBe(record.userId);
    expect(JSON.stringify(record)).not.toContain('teacher-1');
    expect(JSON.stringify(record)).not.toContain('chat-9');
  });

  it('keeps the instant to the millisecond, in UTC, whatever offset it was sent with (no week is stamped)', () => {
    expect(accept(message({}, { time: '2023-05-14T23:59:59.999+07:00' })).record.time).toBe('2023-05-14T16:59:59.999Z');
    expect(accept(message({}, { time: '2023-05-14T16:59:59.999Z' })).record.time).toBe('2023-05-14T16:59:59.999Z');
    expect(accept(message({}, { time: '2023-05-15T00:00:00.000+07:00' })).record.time).toBe('2023-05-14T17:00:00.000Z');
    expect(Object.keys(accept(message()).record)).not.toEqual(expect.arrayContaining(['week']));
  });

  it('an organization the registry does not know is kept as sent, with nothing guessed about it', () => {
    const { record } = accept(message({ orgId: 'not-in-registry' }));
    expect(record.orgId).toBe('not-in-registry');
    expect(Object.keys(record).sort()).toEqual(
      ['callId', 'chatAudience', 'chatId', 'chatKind', 'eventId', 'ingestedAt', 'initiator', 'journalSystem', 'memberCount', 'messageKind', 'orgId', 'role', 'schema', 'source', 'time', 'type', 'userId'].sort(),
    );
  });

  it('a message without orgId keeps no organization (it counts where its author is registered)', () => {
    const { record } = accept(message({ orgId: undefined }));
    expect(record).toMatchObject({ orgId: null, messageKind: 'text' });
  });

  it('registrations, calls and connections keep their own fields', () => {
    const reg = accept({ ...message(), type: 'ru.sferum.user.registered', data: { userId: 'u1', orgId: 'nsk-1', role: 'teacher' } });
    expect(reg.record).toMatchObject({ role: 'teacher', chatId: null, callId: null, userId: pseudonymize('user', 'u1') });
    const call = accept({ ...message(), type: 'ru.sferum.call.joined', data: { userId: 'u1', callId: 'c1', initiator: true, orgId: 'nsk-1' } });
    expect(call.record).toMatchObject({ callId: pseudonymize('call', 'c1'), initiator: true, role: null, messageKind: null });
    const connected = accept({ ...message(), type: 'ru.sferum.org.connected', data: { orgId: 'nsk-1' } });
    expect(connected.record).toMatchObject({ userId: null, orgId: 'nsk-1' });
    expect(connected.key).toBe('nsk-1');
    const journal = accept({ ...message(), type: 'ru.sferum.org.journal_linked', data: { orgId: 'nsk-1', journalSystem: 'fgis-moya-shkola' } });
    expect(journal.record).toMatchObject({ userId: null, orgId: 'nsk-1', journalSystem: 'fgis-moya-shkola', chatKind: null });
    expect(journal.key).toBe('nsk-1');
    const label = accept({ ...message(), type: 'ru.sferum.org.gov_label_granted', data: { orgId: 'nsk-1' } });
    expect([label.record.orgId, label.record.journalSystem, label.key]).toEqual(['nsk-1', null, 'nsk-1']);
    const chat = accept({ ...message(), type: 'ru.sferum.chat.created', data: { orgId: 'nsk-1', chatId: 'staff-chat', chatKind: 'group', audience: 'staff', memberCount: 41 } });
    expect(chat.record).toMatchObject({ userId: null, orgId: 'nsk-1', chatId: pseudonymize('chat', 'staff-chat'), chatKind: 'group', chatAudience: 'staff', memberCount: 41, messageKind: null });
    expect(chat.key).toBe('nsk-1');
    expect(JSON.stringify(chat.record)).not.toContain('staff-chat');
  });

  it('a source allowed every region may send for any', () => {
    const national = context({ source: { name: 'nat', homeRegion: '77', allowedRegions: null } });
    expect(accept(message({ orgId: 'msk-1' }), national).record.orgId).toBe('msk-1');
    expect(accept(message({ orgId: 'nsk-1' }), national).record.orgId).toBe('nsk-1');
  });

  it('the event id depends on source, CloudEvent source and id only', () => {
    const a = accept(message()).record.eventId;
    expect(accept(message({ messageKind: 'file' })).record.eventId).toBe(a);
    expect(accept(message({}, { id: 'evt-2' })).record.eventId).not.toBe(a);
    expect(accept(message({}, { source: 'urn:other' })).record.eventId).not.toBe(a);
    expect(eventIdOf('a', 'b', 'c')).not.toBe(eventIdOf('a', 'b\u0000', 'c'));
  });
});

describe('pseudonyms', () => {
  it('are stable under one key, differ by kind and by key, and cannot be confused with the id', () => {
    expect(pseudonymize('user', 'x')).toBe(pseudonymize('user', 'x'));
    expect(pseudonymize('user', 'x')).not.toBe(pseudonymize('chat', 'x'));
    expect(createPseudonymizer('another-key'.padEnd(40, 'y'))('user', 'x')).not.toBe(pseudonymize('user', 'x'));
    expect(pseudonymize('user', 'x')).toMatch(/^[0-9a-f]{32}$/);
    expect(() => createPseudonymizer('short')).toThrow(RangeError);
  });

  it('the cache never changes a pseudonym, also when it overflows', () => {
    const tiny = createPseudonymizer(KEY, 3);
    const ids = Array.from({ length: 20 }, (_, i) => `id-${i % 7}`);
    for (const id of [...ids, ...ids]) expect(tiny('user', id)).toBe(pseudonymize('user', id));
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2023-05-14T16:59:59Z', '2023-05-14T16:59:59.000Z'],
    ['2023-05-14T23:59:59.123456789+07:00', '2023-05-14T16:59:59.123Z'],
    ['2024-02-29t00:00:00z', '2024-02-29T00:00:00.000Z'],
    ['2023-05-14T00:00:00-03:30', '2023-05-14T03:30:00.000Z'],
  ])('%s', (input, iso) => {
    expect(new Date(parseRfc3339(input)!).toISOString()).toBe(iso);
  });

  it('gives the instant Date.parse gives for any valid time of 1970 to 2105, with any offset and fraction', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('2105-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
        fc.constantFrom('Z', 'z'),
        (date, offsetMinutes, fraction, zulu) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000);
          const fields = `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
          const sign = offsetMinutes < 0 ? '-' : '+';
          const zone = offsetMinutes === 0 ? zulu : `${sign}${two(Math.floor(Math.abs(offsetMinutes) / 60))}:${two(Math.abs(offsetMinutes) % 60)}`;
          const text = `${fields}${fraction === undefined ? '' : `.${fraction}`}${zone}`;
          const oracle = Date.parse(`${fields}${fraction === undefined ? '' : `.${fraction.slice(0, 3)}`}${zone === 'z' ? 'Z' : zone}`);
          expect(parseRfc3339(text)).toBe(oracle);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('keeps years before 100 as written (Date.UTC would read them as 19xx)', () => {
    expect(new Date(parseRfc3339('0050-03-01T00:00:00Z')!).toISOString()).toBe('0050-03-01T00:00:00.000Z');
  });

  it.each([
    '2023-05-14T10:00:00+24:00',
    '2023-05-14T10:00:00+05:60',
    '2023-02-29T00:00:00Z',
    '2023-02-30T10:00:00Z',
    '2023-04-31T10:00:00+07:00',
    '2023-13-01T00:00:00Z',
    '2023-00-10T00:00:00Z',
    '2023-05-00T00:00:00Z',
    '2023-05-14T24:00:00Z',
    '2023-05-14T23:59:60Z',
    '2023-05-14T23:60:00Z',
    '2023-05-14T10:00Z',
    '2023-05-14T10:00:00',
    '1684000000',
    '',
  ])('rejects %j', (input) => {
    expect(parseRfc3339(input)).toBeUndefined();
  });
});

describe('robustness', () => {
  it('never throws on arbitrary input and always gives a reason', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = validator.validate(value);
        if (!result.ok) expect(result.rejection.reason.length).toBeGreaterThan(0);
        else {
          const normalized = normalizeEvent(result.event, context());
          if (!normalized.ok) expect(normalized.rejection.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on mutated valid events', () => {
    const field = fc.constantFrom('specversion', 'id', 'source', 'type', 'time', 'data');
    fc.assert(
      fc.property(field, fc.anything(), fc.constantFrom('userId', 'chatId', 'chatKind', 'orgId', 'messageKind'), fc.anything(), (attr, value, dataField, dataValue) => {
        const event = message({ [dataField]: dataValue }, { [attr]: value });
        const result = validator.validate(event);
        const reason = result.ok ? normalizeEvent(result.event, context()) : result;
        if (!reason.ok) expect(reason.rejection.reason).toMatch(/\S/);
      }),
      { numRuns: 3_000 },
    );
  });
});
