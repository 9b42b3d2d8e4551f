import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord } from './activity-row';

const record: ActivityRecord = {
  schema: 'sferum.activity.v2',
  eventId: 'a'.repeat(32),
  type: 'ru.sferum.message.sent',
  time: '2023-05-14T16:59:59.123Z',
  orgId: 'nsk-1',
  source: 'edu-bus',
  ingestedAt: '2023-05-14T17:00:00.500Z',
  userId: 'b'.repeat(32),
  role: null,
  chatId: 'c'.repeat(32),
  chatKind: 'group',
  messageKind: 'text',
  callId: null,
  initiator: null,
  journalSystem: null,
  chatAudience: null,
  memberCount: null,
};

const row = {
  event_id: 'a'.repeat(32),
  type: 'ru.sferum.message.sent',
  time: '2023-05-14 16:59:59',
  time_ms: 123,
  source: 'edu-bus',
  ingested_at: '2023-05-14 17:00:00',
  user_id: 'b'.repeat(32),
  org_id: 'nsk-1',
  role: '',
  chat_kind: 'group',
  message_kind: 'text',
  call_id: '',
  initiator: 0,
  journal_system: '',
  chat_audience: '',
  member_count: 0,
};

describe('decodeActivityRecord', () => {
  it('turns a record into a row of the stored facts, the milliseconds kept apart', () => {
    expect(decodeActivityRecord(Buffer.from(JSON.stringify(record)))).toEqual({ ok: true, ingestedAtMs: Date.parse('2023-05-14T17:00:00.500Z'), row });
  });

  it('reads a v1 record (placement stamped at ingest) as the same facts, the stamp ignored', () => {
    const v1 = { ...record, schema: 'sferum.activity.v1', week: '2023-W19', timeZone: 'Asia/Novosibirsk', region: '54', municipality: 'nsk-city', category: 'general', unassigned: false };
    expect(decodeActivityRecord(JSON.stringify(v1))).toEqual({ ok: true, ingestedAtMs: Date.parse('2023-05-14T17:00:00.500Z'), row });
  });

  it("keeps an organization's journal link with its journal system, and reads records written before the field as without one", () => {
    const linked = { ...record, type: 'ru.sferum.org.journal_linked', userId: null, chatId: null, chatKind: null, messageKind: null, journalSystem: 'fgis-moya-shkola' };
    const decoded = decodeActivityRecord(JSON.stringify(linked));
    expect(decoded.ok && decoded.row).toMatchObject({ type: 'ru.sferum.org.journal_linked', org_id: 'nsk-1', journal_system: 'fgis-moya-shkola', user_id: '' });
    expect(decodeActivityRecord(JSON.stringify({ ...linked, journalSystem: null }))).toEqual({ ok: false, reason: 'journal_system: required for ru.sferum.org.journal_linked' });
    expect(decodeActivityRecord(JSON.stringify({ ...linked, journalSystem: 'a b' }))).toEqual({ ok: false, reason: 'journalSystem: invalid' });
    const { journalSystem: _, ...older } = record;
    expect(decodeActivityRecord(JSON.stringify(older))).toEqual({ ok: true, ingestedAtMs: Date.parse('2023-05-14T17:00:00.500Z'), row });
    const label = decodeActivityRecord(JSON.stringify({ ...linked, type: 'ru.sferum.org.gov_label_granted', journalSystem: null }));
    expect(label.ok && label.row).toMatchObject({ type: 'ru.sferum.org.gov_label_granted', org_id: 'nsk-1', journal_system: '' });
    expect(decodeActivityRecord(JSON.stringify({ ...linked, type: 'ru.sferum.org.gov_label_granted', orgId: null, journalSystem: null }))).toEqual({
      ok: false,
      reason: 'org_id: required for ru.sferum.org.gov_label_granted',
    });
  });

  it("keeps a chat's creation with its kind, audience and member count, and reads records written before the fields as without them", () => {
    const created = { ...record, type: 'ru.sferum.chat.created', userId: null, messageKind: null, chatAudience: 'staff', memberCount: 42 };
    const decoded = decodeActivityRecord(JSON.stringify(created));
    expect(decoded.ok && decoded.row).toMatchObject({ type: 'ru.sferum.chat.created', org_id: 'nsk-1', chat_kind: 'group', chat_audience: 'staff', member_count: 42, user_id: '' });
    expect(decodeActivityRecord(JSON.stringify({ ...created, chatAudience: null }))).toEqual({ ok: false, reason: 'chat_audience: required for ru.sferum.chat.created' });
    expect(decodeActivityRecord(JSON.stringify({ ...created, chatAudience: 'parents' }))).toEqual({ ok: false, reason: 'chatAudience: expected one of staff, class, other' });
    expect(decodeActivityRecord(JSON.stringify({ ...created, memberCount: -1 }))).toEqual({ ok: false, reason: 'memberCount: expected a whole number of 0 to 1000000' });
    expect(decodeActivityRecord(JSON.stringify({ ...created, memberCount: 2.5 }))).toEqual({ ok: false, reason: 'memberCount: expected a whole number of 0 to 1000000' });
    expect(decodeActivityRecord(JSON.stringify({ ...created, orgId: null }))).toEqual({ ok: false, reason: 'org_id: required for ru.sferum.chat.created' });
    const { chatAudience: _a, memberCount: _m, ...older } = record;
    expect(decodeActivityRecord(JSON.stringify(older))).toEqual({ ok: true, ingestedAtMs: Date.parse('2023-05-14T17:00:00.500Z'), row });
  });

  it('keeps the first and last instants DateTime holds, and 29 February of a leap year', () => {
    for (const time of ['1970-01-01T00:00:00Z', '2105-12-31T23:59:59.999Z', '2024-02-29T23:59:59Z']) {
      expect(decodeActivityRecord(JSON.stringify({ ...record, time })).ok).toBe(true);
    }
  });

  it('keeps calls, events naming no organization, and times without milliseconds', () => {
    const call = { ...record, type: 'ru.sferum.call.joined', time: '2023-05-14T16:59:59Z', chatId: null, chatKind: null, messageKind: null, callId: 'd'.repeat(32), initiator: true, orgId: null };
    const decoded = decodeActivityRecord(JSON.stringify(call));
    expect(decoded.ok && decoded.row).toMatchObject({ call_id: 'd'.repeat(32), initiator: 1, org_id: '', time_ms: 0 });
    const tenths = decodeActivityRecord(JSON.stringify({ ...record, time: '2023-05-14T16:59:59.5Z' }));
    expect(tenths.ok && tenths.row.time_ms).toBe(500);
  });

  it.each([
    [null, 'empty message value'],
    ['{not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    [JSON.stringify({ ...record, schema: 'sferum.activity.v3' }), 'schema: expected "sferum.activity.v2"'],
    [JSON.stringify({ ...record, eventId: 'xyz' }), 'eventId: invalid'],
    [JSON.stringify({ ...record, time: '2023-05-14T23:59:59+07:00' }), 'time: invalid'],
    [JSON.stringify({ ...record, type: 'ru.sferum.other' }), 'type: expected one of'],
    [JSON.stringify({ ...record, orgId: "54'; DROP TABLE x" }), 'orgId: invalid'],
    [JSON.stringify({ ...record, userId: 'raw-user-id' }), 'userId: invalid'],
    [JSON.stringify({ ...record, chatKind: null }), 'chat_kind: required for ru.sferum.message.sent'],
    // Days and times of day that do not exist, which ClickHouse would refuse with the whole batch.
    [JSON.stringify({ ...record, time: '2023-02-30T10:00:00Z' }), 'time: not a real instant (2023-02-30T10:00:00Z)'],
    [JSON.stringify({ ...record, time: '2023-02-29T10:00:00Z' }), 'time: not a real instant'],
    [JSON.stringify({ ...record, time: '2023-05-14T24:00:00Z' }), 'time: not a real instant'],
    [JSON.stringify({ ...record, time: '2023-05-14T23:59:60Z' }), 'time: not a real instant'],
    [JSON.stringify({ ...record, time: '2023-05-14T23:60:00Z' }), 'time: not a real instant'],
    [JSON.stringify({ ...record, time: '2023-13-01T00:00:00Z' }), 'time: not a real instant'],
    [JSON.stringify({ ...record, ingestedAt: '2023-04-31T00:00:00.500Z' }), 'ingestedAt: not a real instant'],
    // Instants DateTime cannot hold.
    [JSON.stringify({ ...record, time: '1969-12-31T23:59:59Z' }), "time: outside what ClickHouse's DateTime holds"],
    [JSON.stringify({ ...record, time: '2106-01-01T00:00:00Z' }), "time: outside what ClickHouse's DateTime holds"],
  ])('poison %#: %s', (value, reason) => {
    const decoded = decodeActivityRecord(value);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });
});
