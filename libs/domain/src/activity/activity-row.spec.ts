import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord } from './activity-row';

const record: ActivityRecord = {
  schema: 'sferum.activity.v1',
  eventId: 'a'.repeat(32),
  type: 'ru.sferum.message.sent',
  time: '2023-05-14T16:59:59.123Z',
  week: '2023-W19',
  timeZone: 'Asia/Novosibirsk',
  region: '54',
  municipality: 'nsk-city',
  orgId: 'nsk-1',
  category: 'general',
  unassigned: false,
  source: 'edu-bus',
  ingestedAt: '2023-05-14T17:00:00.500Z',
  userId: 'b'.repeat(32),
  role: null,
  chatId: 'c'.repeat(32),
  chatKind: 'group',
  messageKind: 'text',
  callId: null,
  initiator: null,
};

describe('decodeActivityRecord', () => {
  it('turns a record into a ClickHouse row', () => {
    expect(decodeActivityRecord(Buffer.from(JSON.stringify(record)))).toEqual({
      ok: true,
      ingestedAtMs: Date.parse('2023-05-14T17:00:00.500Z'),
      row: {
        event_id: 'a'.repeat(32),
        type: 'ru.sferum.message.sent',
        time: '2023-05-14 16:59:59',
        week: '2023-W19',
        time_zone: 'Asia/Novosibirsk',
        region: '54',
        municipality: 'nsk-city',
        org_id: 'nsk-1',
        category: 'general',
        unassigned: 0,
        source: 'edu-bus',
        ingested_at: '2023-05-14 17:00:00',
        user_id: 'b'.repeat(32),
        role: '',
        chat_id: 'c'.repeat(32),
        chat_kind: 'group',
        message_kind: 'text',
        call_id: '',
        initiator: 0,
      },
    });
  });

  it('keeps unassigned events and calls', () => {
    const call = { ...record, type: 'ru.sferum.call.joined', chatId: null, chatKind: null, messageKind: null, callId: 'd'.repeat(32), initiator: true, orgId: null, municipality: null, category: null, unassigned: true };
    const decoded = decodeActivityRecord(JSON.stringify(call));
    expect(decoded.ok && decoded.row).toMatchObject({ call_id: 'd'.repeat(32), initiator: 1, unassigned: 1, org_id: '', municipality: '' });
  });

  it.each([
    [null, 'empty message value'],
    ['{not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    [JSON.stringify({ ...record, schema: 'sferum.activity.v2' }), 'schema: expected "sferum.activity.v1"'],
    [JSON.stringify({ ...record, eventId: 'xyz' }), 'eventId: invalid'],
    [JSON.stringify({ ...record, week: '2023-19' }), 'week: invalid'],
    [JSON.stringify({ ...record, time: '2023-05-14T23:59:59+07:00' }), 'time: invalid'],
    [JSON.stringify({ ...record, type: 'ru.sferum.other' }), 'type: expected one of'],
    [JSON.stringify({ ...record, unassigned: 'no' }), 'unassigned: expected a boolean'],
    [JSON.stringify({ ...record, region: "54'; DROP TABLE x" }), 'region: invalid'],
    [JSON.stringify({ ...record, userId: 'raw-user-id' }), 'userId: invalid'],
    [JSON.stringify({ ...record, chatKind: null }), 'chat_kind: required for ru.sferum.message.sent'],
  ])('poison %#: %s', (value, reason) => {
    const decoded = decodeActivityRecord(value);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });
});
