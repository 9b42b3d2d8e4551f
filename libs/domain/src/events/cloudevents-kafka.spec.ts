import { type ActivityRecord } from '@sferum/contracts';
import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import { ACTIVITY_DATA_SCHEMA, activityRecordHeaders, INGEST_EVENT_SOURCE, REPEATED_ACTIVITY_HEADERS } from './cloudevents-kafka';

const record: ActivityRecord = {
  schema: 'sferum.activity.v2',
  eventId: '0123456789abcdef0123456789abcdef',
  type: 'ru.sferum.message.sent',
  time: '2023-05-14T16:59:59.000Z',
  orgId: 'nsk-1',
  source: 'edu-bus',
  ingestedAt: '2023-05-20T00:00:00.000Z',
  userId: 'f'.repeat(32),
  role: null,
  chatId: 'e'.repeat(32),
  chatKind: 'group',
  messageKind: 'text',
  callId: null,
  initiator: null,
  journalSystem: null,
  chatAudience: null,
  memberCount: null,
};

describe('CloudEvents Kafka binding of the activity records (binary mode)', () => {
  it('the official SDK decodes a record into a valid CloudEvent whose data is the record', () => {
    const value = Buffer.from(JSON.stringify(record));
    const message: KafkaMessage<Buffer> = { headers: activityRecordHeaders(record), key: record.userId!, value, body: value };
    const event = Kafka.toEvent(message) as CloudEvent<ActivityRecord>;
    expect(event).toBeInstanceOf(CloudEvent);
    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: record.eventId,
      source: INGEST_EVENT_SOURCE,
      type: record.type,
      time: record.time,
      datacontenttype: 'application/json',
      dataschema: ACTIVITY_DATA_SCHEMA,
    });
    expect(event.data).toEqual(record);
  });

  it('keeps the earlier schema and type headers and carries no person identifier', () => {
    const headers = activityRecordHeaders(record);
    expect(headers).toMatchObject({ schema: 'sferum.activity.v2', type: 'ru.sferum.message.sent' });
    expect(Object.values(headers).join('\n')).not.toContain(record.userId);
    expect(Object.values(headers).join('\n')).not.toContain(record.chatId);
  });

  it('names as repeated exactly the headers that do not vary with the event (its id and time do; its type takes few values)', () => {
    const other: ActivityRecord = { ...record, eventId: 'f'.repeat(32), time: '2024-01-01T00:00:00.001Z', userId: 'a'.repeat(32), orgId: null };
    const a = activityRecordHeaders(record);
    const b = activityRecordHeaders(other);
    const same = Object.keys(a).filter((name) => a[name] === b[name]);
    expect([...REPEATED_ACTIVITY_HEADERS].sort()).toEqual(same.sort());
    const call = activityRecordHeaders({ ...record, type: 'ru.sferum.call.joined' });
    expect(Object.keys(a).filter((name) => a[name] !== call[name]).sort()).toEqual(['ce_type', 'type']);
  });
});
