import { type ActivityRecord, type OrgPlacement } from '@sferum/contracts';
import { createPseudonymizer, EventValidator, formatIsoWeek, isoWeekOf, normalizeEvent, parseIsoWeek, weekBounds, type NormalizationContext } from '@sferum/domain';

/**
 * The aggregator's fixtures: normalized records (sferum.activity.v2), as
 * ingest puts them on the activity topic. aggregator.int-spec.ts sends them
 * through Kafka to the running aggregator on ClickHouse 18.16; the
 * cross-version tier writes the same records the aggregator's way into
 * 18.16 and a current ClickHouse and compares what each answers. Expected
 * counters are computed by plain counting over the records.
 */

export const pseudonymizeFixture = createPseudonymizer('aggregator-int-spec-key'.padEnd(48, 'k'));

const validator = new EventValidator();
const ORGS: Record<string, OrgPlacement> = {
  'nsk-1': { regionCode: '54', municipalityId: 'nsk-city', category: 'general', timeZone: 'Asia/Novosibirsk' },
  'nsk-2': { regionCode: '54', municipalityId: 'nsk-berdsk', category: 'general', timeZone: 'Asia/Novosibirsk' },
  'msk-1': { regionCode: '77', municipalityId: 'msk', category: 'general', timeZone: 'Europe/Moscow' },
};

const context: NormalizationContext = {
  source: { name: 'test-bus', homeRegion: '54', allowedRegions: null },
  nowMs: Date.parse('2023-06-01T00:00:00Z'),
  maxAgeDays: 4000,
  maxAheadDays: 1,
  regionOfOrganization: (id) => ORGS[id]?.regionCode,
  pseudonymize: pseudonymizeFixture,
};

let seq = 0;
/** One event, validated and normalized as ingest does (ids e-1, e-2, ... in this module's order). */
export function fixtureRecord(type: string, time: string, data: Record<string, unknown>): ActivityRecord {
  const valid = validator.validate({ specversion: '1.0', id: `e-${++seq}`, source: 'urn:test', type, time, data });
  if (!valid.ok) throw new Error(valid.rejection.reason);
  const normalized = normalizeEvent(valid.event, context);
  if (!normalized.ok) throw new Error(normalized.rejection.reason);
  return normalized.record;
}

/** A realistic mix: teachers writing in group, direct and channel chats, stickers, calls, over two weeks. */
export function generateActivity(teachers: number, perTeacher: number): ActivityRecord[] {
  const out: ActivityRecord[] = [];
  for (let t = 0; t < teachers; t++) {
    const org = t % 3 === 0 ? 'nsk-2' : 'nsk-1';
    for (let i = 0; i < perTeacher; i++) {
      const day = 8 + ((t + i) % 14); // 2023-05-08 .. 2023-05-21: weeks 19 and 20
      const time = `2023-05-${String(day).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00+07:00`;
      const chatKind = i % 7 === 0 ? 'direct' : i % 11 === 0 ? 'channel' : 'group';
      const messageKind = i % 5 === 0 ? 'sticker' : i % 13 === 0 ? 'poll' : 'text';
      out.push(fixtureRecord('ru.sferum.message.sent', time, { userId: `t${t}`, chatId: `c${t % 9}`, chatKind, messageKind, orgId: org }));
      if (i % 4 === 0) out.push(fixtureRecord('ru.sferum.call.joined', time, { userId: `t${t}`, callId: `call-${t % 5}-${i % 3}`, initiator: i % 8 === 0, orgId: org }));
    }
  }
  return out;
}

/**
 * The ISO week of a record's instant cut in UTC: the stored facts keep no
 * week (a week is cut in a region's zone when a KPI is read), so checks of
 * the store's exactness group by UTC weeks, read with utcWeekBounds.
 */
export function utcWeekOf(record: Pick<ActivityRecord, 'time'>): string {
  return formatIsoWeek(isoWeekOf(Date.parse(record.time), 'UTC'));
}

export function utcWeekBounds(week: string): { startMs: number; endMs: number } {
  return weekBounds(parseIsoWeek(week), 'UTC');
}

/** Independent expectation: distinct event ids (call ids for calls) per (UTC week, user, activity). */
export function expectedActivityCounts(records: readonly ActivityRecord[]): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  const add = (key: string, id: string) => {
    const set = sets.get(key) ?? new Set<string>();
    set.add(id);
    sets.set(key, set);
  };
  for (const r of records) {
    const week = utcWeekOf(r);
    if (r.type === 'ru.sferum.message.sent') add(`${week}|${r.userId}|${r.chatKind}:${r.messageKind}`, r.eventId);
    if (r.type === 'ru.sferum.call.joined') {
      add(`${week}|${r.userId}|call`, r.callId!);
      if (r.initiator === true) add(`${week}|${r.userId}|call_initiated`, r.callId!);
    }
  }
  return new Map([...sets].map(([k, s]) => [k, s.size]));
}

/**
 * Sunday 23:59:59 and Monday 00:00:00 local, in Novosibirsk and in Moscow
 * (users edge-nsk and edge-msk): weeks 19 and 20.
 */
export function weekEdgeRecords(): ActivityRecord[] {
  return [
    fixtureRecord('ru.sferum.message.sent', '2023-05-14T23:59:59+07:00', { userId: 'edge-nsk', chatId: 'c', chatKind: 'group', orgId: 'nsk-1' }),
    fixtureRecord('ru.sferum.message.sent', '2023-05-15T00:00:00+07:00', { userId: 'edge-nsk', chatId: 'c', chatKind: 'group', orgId: 'nsk-1' }),
    fixtureRecord('ru.sferum.message.sent', '2023-05-14T23:59:59+03:00', { userId: 'edge-msk', chatId: 'c', chatKind: 'group', orgId: 'msk-1' }),
    fixtureRecord('ru.sferum.message.sent', '2023-05-15T00:00:00+03:00', { userId: 'edge-msk', chatId: 'c', chatKind: 'group', orgId: 'msk-1' }),
    // The same instant as Novosibirsk's Monday 00:00 is still Sunday in Moscow.
    fixtureRecord('ru.sferum.message.sent', '2023-05-14T20:00:00+03:00', { userId: 'edge-msk', chatId: 'c', chatKind: 'group', orgId: 'msk-1' }),
  ];
}

/**
 * In nsk-1: "returning" registers (W18), leaves (W19) and registers again
 * (W20); "parent-and-teacher" registers in both roles (W18) and leaves as a
 * parent (W20).
 */
export function reRegistrationRecords(): ActivityRecord[] {
  const reg = (time: string, type: 'ru.sferum.user.registered' | 'ru.sferum.user.left', user = 'returning', role = 'teacher') =>
    fixtureRecord(type, time, { userId: user, orgId: 'nsk-1', role });
  return [
    reg('2023-05-02T09:00:00+07:00', 'ru.sferum.user.registered'), // W18
    reg('2023-05-10T09:00:00+07:00', 'ru.sferum.user.left'), // W19
    reg('2023-05-18T09:00:00+07:00', 'ru.sferum.user.registered'), // W20
    reg('2023-05-03T09:00:00+07:00', 'ru.sferum.user.registered', 'parent-and-teacher', 'parent'),
    reg('2023-05-03T09:00:00+07:00', 'ru.sferum.user.registered', 'parent-and-teacher', 'teacher'),
    reg('2023-05-16T09:00:00+07:00', 'ru.sferum.user.left', 'parent-and-teacher', 'parent'),
  ];
}

/** A late event (2023-W09, by late-writer) and two of an organization the registry does not know (u-x, 2023-W19). */
export function lateAndUnknownRecords(): { late: ActivityRecord; unknown: ActivityRecord[] } {
  return {
    late: fixtureRecord('ru.sferum.message.sent', '2023-03-01T12:00:00+07:00', { userId: 'late-writer', chatId: 'c', chatKind: 'group', orgId: 'nsk-1' }),
    unknown: [
      fixtureRecord('ru.sferum.message.sent', '2023-05-10T12:00:00+07:00', { userId: 'u-x', chatId: 'c', chatKind: 'group', orgId: 'not-in-registry' }),
      fixtureRecord('ru.sferum.user.registered', '2023-05-10T12:00:00+07:00', { userId: 'u-x', orgId: 'not-in-registry', role: 'teacher' }),
    ],
  };
}
