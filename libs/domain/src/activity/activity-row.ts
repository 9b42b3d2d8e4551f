/**
 * Decoding of the activity topic for the aggregator: a Kafka message value
 * is either a valid record (sferum.activity.v2, or v1 written before
 * read-time placement), turned into a row of the stored facts, or a poison
 * message with the reason it goes to the dead-letter topic.
 */
import { ACTIVITY_SCHEMA, ACTIVITY_SCHEMA_V1, CHAT_AUDIENCES, CHAT_KINDS, EVENT_TYPES, IDENTIFIER_PATTERN, MESSAGE_KINDS, ROLES, type ActivityFactRow } from '@sferum/contracts';
import { parseRfc3339 } from '../events/normalize-event';

export type DecodedRecord = { ok: true; row: ActivityFactRow; ingestedAtMs: number } | { ok: false; reason: string };

const HEX32 = /^[0-9a-f]{32}$/;
const IDENTIFIER = IDENTIFIER_PATTERN;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
/** The instants ClickHouse's DateTime columns hold: 1970-01-01 to the end of 2105, UTC (as the SQL literals allow). */
const FIRST_DATETIME_MS = 0;
const END_DATETIME_MS = Date.UTC(2106, 0, 1);

export function decodeActivityRecord(value: Buffer | string | null): DecodedRecord {
  if (value === null) return poison('empty message value');
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return poison('not a JSON object');
    record = parsed as Record<string, unknown>;
  } catch (error) {
    return poison(`not JSON: ${(error as Error).message}`);
  }
  if (record['schema'] !== ACTIVITY_SCHEMA && record['schema'] !== ACTIVITY_SCHEMA_V1) {
    return poison(`schema: expected "${ACTIVITY_SCHEMA}" (or "${ACTIVITY_SCHEMA_V1}", written before read-time placement)`);
  }

  const problems: string[] = [];
  const text = (name: string, pattern: RegExp | null, nullable: boolean): string => {
    const v = record[name];
    if (v === null && nullable) return '';
    if (typeof v !== 'string' || (pattern !== null && !pattern.test(v))) {
      problems.push(`${name}: invalid`);
      return '';
    }
    return v;
  };
  /**
   * A UTC instant "2023-05-14T16:59:59.123Z" that exists and that DateTime
   * holds: ClickHouse refuses 2023-02-30 or 24:00:00 and would refuse the
   * whole batch with it, so such a record is poison here, not a stop there.
   */
  const instant = (name: string): string => {
    const v = text(name, ISO_UTC, false);
    if (v === '') return v;
    const ms = parseRfc3339(v);
    if (ms === undefined) problems.push(`${name}: not a real instant (${v})`);
    else if (ms < FIRST_DATETIME_MS || ms >= END_DATETIME_MS) problems.push(`${name}: outside what ClickHouse's DateTime holds, 1970 to 2105 (${v})`);
    return v;
  };
  const oneOf = (name: string, values: readonly string[], nullable: boolean): string => {
    const v = record[name];
    if (v === null && nullable) return '';
    if (typeof v !== 'string' || !values.includes(v)) {
      problems.push(`${name}: expected one of ${values.join(', ')}`);
      return '';
    }
    return v;
  };
  /** A whole number of 0 to 1,000,000 (the contract's bound), or null (0). */
  const count = (name: string): number => {
    const v = record[name];
    if (v === null) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
      problems.push(`${name}: expected a whole number of 0 to 1000000`);
      return 0;
    }
    return v;
  };
  const flag = (name: string, nullable: boolean): 0 | 1 => {
    const v = record[name];
    if (v === null && nullable) return 0;
    if (typeof v !== 'boolean') {
      problems.push(`${name}: expected a boolean`);
      return 0;
    }
    return v ? 1 : 0;
  };

  const eventId = text('eventId', HEX32, false);
  const type = oneOf('type', EVENT_TYPES, false);
  const time = instant('time');
  const ingestedAt = instant('ingestedAt');
  // v1 records also carry a placement stamped at ingest (week, timeZone,
  // region, municipality, category, unassigned): read and ignored, placement
  // is derived when the KPIs are read.
  const row: ActivityFactRow = {
    event_id: eventId,
    type,
    time: toDateTime(time),
    time_ms: millisecondsOf(time),
    source: text('source', /^[a-z0-9][a-z0-9._-]{0,63}$/, false),
    ingested_at: toDateTime(ingestedAt),
    user_id: text('userId', HEX32, true),
    org_id: text('orgId', IDENTIFIER, true),
    role: oneOf('role', ROLES, true),
    chat_kind: oneOf('chatKind', CHAT_KINDS, true),
    message_kind: oneOf('messageKind', MESSAGE_KINDS, true),
    call_id: text('callId', HEX32, true),
    initiator: flag('initiator', true),
    // Records written before the field existed have none: absent is null.
    journal_system: record['journalSystem'] === undefined ? '' : text('journalSystem', IDENTIFIER, true),
    chat_audience: record['chatAudience'] === undefined ? '' : oneOf('chatAudience', CHAT_AUDIENCES, true),
    member_count: record['memberCount'] === undefined ? 0 : count('memberCount'),
  };
  if (problems.length === 0) {
    const needs: Record<string, (keyof ActivityFactRow)[]> = {
      'ru.sferum.user.registered': ['user_id', 'org_id', 'role'],
      'ru.sferum.user.left': ['user_id', 'org_id', 'role'],
      'ru.sferum.message.sent': ['user_id', 'chat_kind', 'message_kind'],
      'ru.sferum.call.joined': ['user_id', 'call_id'],
      'ru.sferum.org.connected': ['org_id'],
      'ru.sferum.org.journal_linked': ['org_id', 'journal_system'],
      'ru.sferum.org.gov_label_granted': ['org_id'],
      'ru.sferum.chat.created': ['org_id', 'chat_kind', 'chat_audience'],
    };
    for (const column of needs[type] ?? []) {
      if (row[column] === '') problems.push(`${column}: required for ${type}`);
    }
  }
  if (problems.length > 0) return poison(problems.join('; '));
  return { ok: true, row, ingestedAtMs: Date.parse(ingestedAt) };
}

/** "2023-05-14T16:59:59.123Z" -> 123 (the milliseconds ClickHouse 18.16's DateTime cannot hold). */
function millisecondsOf(iso: string): number {
  const fraction = /\.(\d{1,3})Z$/.exec(iso)?.[1];
  return fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
}

/** "2023-05-14T16:59:59.123Z" -> "2023-05-14 16:59:59" (ClickHouse DateTime, UTC). */
function toDateTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

function poison(reason: string): DecodedRecord {
  return { ok: false, reason };
}
