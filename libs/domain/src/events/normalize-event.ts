import { createHash } from 'node:crypto';
import { ACTIVITY_SCHEMA, type ActivityRecord, type AnyCloudEventV1, isCalendarDay } from '@sferum/contracts';
import { type Rejection } from './event-validation';
import { type Pseudonymizer } from './pseudonymize';

export interface SourceIdentity {
  readonly name: string;
  readonly homeRegion: string;
  /** null: every region. */
  readonly allowedRegions: readonly string[] | null;
}

export interface NormalizationContext {
  readonly source: SourceIdentity;
  readonly nowMs: number;
  /** Oldest accepted `time`, in days before now. */
  readonly maxAgeDays: number;
  /** Latest accepted `time`, in days after now. */
  readonly maxAheadDays: number;
  /** The region of an organization the registry knows; undefined for one it does not (yet). */
  readonly regionOfOrganization: (orgId: string) => string | undefined;
  readonly pseudonymize: Pseudonymizer;
}

export type Normalized = { ok: true; record: ActivityRecord; key: string } | { ok: false; rejection: Rejection };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Epoch ms of an RFC 3339 time with an offset; undefined if malformed or not
 * a real date. Computed from the fields (the milliseconds kept, finer digits
 * dropped), without building a string for Date.parse: it runs for every
 * event.
 */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7];
  const ms = fraction === undefined ? 0 : Number(fraction.slice(1, 4).padEnd(3, '0'));
  const zone = m[8]!;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const offsetHour = Number(zone.slice(1, 3));
    const offsetMinute = Number(zone.slice(4, 6));
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  let utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100) {
    // Date.UTC reads years 0-99 as 1900-1999.
    const date = new Date(utc);
    date.setUTCFullYear(year);
    utc = date.getTime();
  }
  return utc - offsetMinutes * 60_000;
}

/** The event's identity for deduplication: the same (source, CloudEvent source, id) always gives the same id. */
export function eventIdOf(sourceName: string, ceSource: string, ceId: string): string {
  return createHash('sha256').update(JSON.stringify([sourceName, ceSource, ceId]), 'utf8').digest('hex').slice(0, 32);
}

/**
 * Turns a valid CloudEvent into the normalized record: the instant in UTC
 * with its milliseconds, the organization as sent, user, chat and call ids
 * pseudonymized. Nothing is derived from the registry: placement and weeks
 * are derived when a KPI is read. Rejects an event whose time is out of
 * the window, or that names an organization the registry places in a
 * region the source may not send for (an organization the registry does not
 * know yet is accepted: its events count once it is added).
 */
export function normalizeEvent(event: AnyCloudEventV1, context: NormalizationContext): Normalized {
  const timeMs = parseRfc3339(event.time);
  if (timeMs === undefined) {
    return reject('time', 'time: expected RFC 3339 with an offset, for example 2023-05-14T16:59:59+07:00');
  }
  if (timeMs < context.nowMs - context.maxAgeDays * DAY_MS) {
    return reject('time', `time: older than ${context.maxAgeDays} days`);
  }
  if (timeMs > context.nowMs + context.maxAheadDays * DAY_MS) {
    return reject('time', `time: more than ${context.maxAheadDays} day(s) in the future`);
  }

  const data = event.data as unknown as Record<string, unknown>;
  const orgId = typeof data['orgId'] === 'string' ? data['orgId'] : null;
  const region = orgId === null ? undefined : context.regionOfOrganization(orgId);
  const { source } = context;
  if (region !== undefined && source.allowedRegions !== null && !source.allowedRegions.includes(region)) {
    return reject('region_not_allowed', `data.orgId: organization ${orgId} is in region ${region}, which source ${source.name} may not send for`);
  }
  const userId = typeof data['userId'] === 'string' ? context.pseudonymize('user', data['userId']) : null;

  const record: ActivityRecord = {
    schema: ACTIVITY_SCHEMA,
    eventId: eventIdOf(source.name, event.source, event.id),
    type: event.type,
    time: new Date(timeMs).toISOString(),
    orgId,
    source: source.name,
    ingestedAt: new Date(context.nowMs).toISOString(),
    userId,
    role: event.type === 'ru.sferum.user.registered' || event.type === 'ru.sferum.user.left' ? event.data.role : null,
    chatId: event.type === 'ru.sferum.message.sent' || event.type === 'ru.sferum.chat.created' ? context.pseudonymize('chat', event.data.chatId) : null,
    chatKind: event.type === 'ru.sferum.message.sent' || event.type === 'ru.sferum.chat.created' ? event.data.chatKind : null,
    messageKind: event.type === 'ru.sferum.message.sent' ? (event.data.messageKind ?? 'text') : null,
    callId: event.type === 'ru.sferum.call.joined' ? context.pseudonymize('call', event.data.callId) : null,
    initiator: event.type === 'ru.sferum.call.joined' ? event.data.initiator : null,
    journalSystem: event.type === 'ru.sferum.org.journal_linked' ? event.data.journalSystem : null,
    chatAudience: event.type === 'ru.sferum.chat.created' ? event.data.audience : null,
    memberCount: event.type === 'ru.sferum.chat.created' ? event.data.memberCount : null,
  };
  return { ok: true, record, key: userId ?? orgId ?? record.eventId };
}

function reject(code: Rejection['code'], reason: string): Normalized {
  return { ok: false, rejection: { code, reason } };
}
