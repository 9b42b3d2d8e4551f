/**
 * ISO-8601 weeks (Monday to Sunday) computed in a region's own time zone.
 *
 * An instant belongs to the ISO week of its local calendar date in the given
 * IANA zone; a week's bounds are local Monday 00:00 to the next local Monday
 * 00:00, converted to UTC. Uses only `Intl` (full ICU ships with Node).
 */
import { ISO_WEEK_PATTERN } from '@sferum/contracts';

export interface IsoWeek {
  readonly year: number;
  readonly week: number;
}

export interface LocalDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

const MS_PER_DAY = 86_400_000;
const WEEK_PATTERN = ISO_WEEK_PATTERN;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    if (part === undefined) throw new Error(`Intl gave no ${type} for ${timeZone}`);
    return Number(part.value);
  };
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The calendar date of an instant in a time zone. */
export function localDateOf(epochMs: number, timeZone: string): LocalDate {
  const { year, month, day } = localDateTime(epochMs, timeZone);
  return { year, month, day };
}

/** Offset of the zone from UTC at an instant, in milliseconds (UTC+7 -> 25,200,000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const t = localDateTime(epochMs, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The UTC instant of local midnight starting `date` in `timeZone`. Where a
 * zone skips midnight (a DST gap), the first instant of that local day.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day);
  let guess = naive - zoneOffsetMs(naive, timeZone);
  // Two corrections settle any real zone, including an offset change that
  // falls between the naive guess and the answer.
  for (let i = 0; i < 2; i++) {
    const next = naive - zoneOffsetMs(guess, timeZone);
    if (next === guess) break;
    guess = next;
  }
  const local = localDateOf(guess, timeZone);
  if (local.year !== date.year || local.month !== date.month || local.day !== date.day) {
    // Midnight does not exist that day: step forward to the day's first hour.
    return guess + 3_600_000;
  }
  return guess;
}

function dayNumber(date: LocalDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / MS_PER_DAY);
}

function dateOfDayNumber(days: number): LocalDate {
  const d = new Date(days * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday: Monday 1 .. Sunday 7. */
export function isoWeekday(date: LocalDate): number {
  const dow = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The ISO week that contains a calendar date. */
export function isoWeekOfDate(date: LocalDate): IsoWeek {
  // The week's Thursday decides its year.
  const thursday = dateOfDayNumber(dayNumber(date) + 4 - isoWeekday(date));
  const jan1 = dayNumber({ year: thursday.year, month: 1, day: 1 });
  const week = Math.floor((dayNumber(thursday) - jan1) / 7) + 1;
  return { year: thursday.year, week };
}

const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 200_000;
const hourOffsets = new Map<string, Map<number, number | null>>();

/**
 * The zone's offset at an instant, from a per-hour cache. An hour's entry
 * is the offset when both of its ends agree (no transition inside: real
 * zones change offset at most once in any hour), else null and the exact
 * offset is computed. Exact either way; Intl is slow on a hot path.
 */
function cachedOffsetMs(epochMs: number, timeZone: string): number {
  let zone = hourOffsets.get(timeZone);
  if (zone === undefined || zone.size > MAX_CACHED_HOURS) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = zone.get(hour);
  if (offset === undefined) {
    const start = zoneOffsetMs(hour * HOUR_MS, timeZone);
    const end = zoneOffsetMs((hour + 1) * HOUR_MS - 1000, timeZone);
    offset = start === end ? start : null;
    zone.set(hour, offset);
  }
  return offset ?? zoneOffsetMs(epochMs, timeZone);
}

/** The ISO week of an instant in a time zone. */
export function isoWeekOf(epochMs: number, timeZone: string): IsoWeek {
  const local = new Date(epochMs + cachedOffsetMs(epochMs, timeZone));
  return isoWeekOfDate({ year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() });
}

/** Number of ISO weeks in an ISO year: 52 or 53. */
export function weeksInIsoYear(year: number): number {
  return isoWeekOfDate({ year, month: 12, day: 28 }).week;
}

/** Monday of an ISO week, as a calendar date. */
export function mondayOf(week: IsoWeek): LocalDate {
  const jan4 = { year: week.year, month: 1, day: 4 };
  const mondayOfWeek1 = dayNumber(jan4) - (isoWeekday(jan4) - 1);
  return dateOfDayNumber(mondayOfWeek1 + (week.week - 1) * 7);
}

/** "2023-W19". */
export function formatIsoWeek(week: IsoWeek): string {
  return `${String(week.year).padStart(4, '0')}-W${String(week.week).padStart(2, '0')}`;
}

/** "2023-05-08". */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export class InvalidWeekError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid ISO week "${input}": ${reason}`);
    this.name = 'InvalidWeekError';
  }
}

/**
 * The first and last ISO weeks every instant of which ClickHouse's DateTime
 * holds, whatever the region's zone (UTC-12 to UTC+14): DateTime counts
 * seconds from 1970-01-01 00:00 UTC, and the years it holds end with 2105
 * (ClickHouse 18.16's documented range; the SQL literals refuse later
 * instants). 1970-W01 begins on Monday 29 December 1969, before the first
 * instant; 2105-W53 ends on Monday 4 January 2106, after the last.
 */
export const FIRST_ISO_WEEK: IsoWeek = { year: 1970, week: 2 };
export const LAST_ISO_WEEK: IsoWeek = { year: 2105, week: 52 };

/** Whether a week lies from FIRST_ISO_WEEK to LAST_ISO_WEEK: one whose activity can be stored and read. */
export function isWeekInRange(week: IsoWeek): boolean {
  return compareWeeks(week, FIRST_ISO_WEEK) >= 0 && compareWeeks(week, LAST_ISO_WEEK) <= 0;
}

/**
 * Parses "YYYY-Www" into a week that exists (W53 only in a year that has
 * one) and that ClickHouse can hold (FIRST_ISO_WEEK to LAST_ISO_WEEK);
 * throws InvalidWeekError with the reason otherwise. Every request parser
 * of a week goes through here, so no route queries a week it cannot hold.
 */
export function parseIsoWeek(input: string): IsoWeek {
  const match = WEEK_PATTERN.exec(input);
  if (match === null) throw new InvalidWeekError(input, 'expected the form YYYY-Www, for example 2023-W19');
  const year = Number(match[1]);
  const week = Number(match[2]);
  const range = `weeks go from ${formatIsoWeek(FIRST_ISO_WEEK)} to ${formatIsoWeek(LAST_ISO_WEEK)}, the weeks ClickHouse's DateTime holds in every time zone`;
  if (year < FIRST_ISO_WEEK.year || year > LAST_ISO_WEEK.year) throw new InvalidWeekError(input, `year out of range: ${range}`);
  const max = weeksInIsoYear(year);
  if (week < 1 || week > max) throw new InvalidWeekError(input, `week must be 01..${max} in ${year}`);
  if (!isWeekInRange({ year, week })) throw new InvalidWeekError(input, `out of range: ${range}`);
  return { year, week };
}

export function addWeeks(week: IsoWeek, count: number): IsoWeek {
  const monday = mondayOf(week);
  return isoWeekOfDate(dateOfDayNumber(dayNumber(monday) + count * 7));
}

/** Whole weeks from a to b (negative when b is earlier). */
export function weeksBetween(a: IsoWeek, b: IsoWeek): number {
  return Math.round((dayNumber(mondayOf(b)) - dayNumber(mondayOf(a))) / 7);
}

export function compareWeeks(a: IsoWeek, b: IsoWeek): number {
  return a.year !== b.year ? a.year - b.year : a.week - b.week;
}

export interface WeekBounds {
  /** Local Monday 00:00 as a UTC instant (inclusive). */
  readonly startMs: number;
  /** The next local Monday 00:00 as a UTC instant (exclusive). */
  readonly endMs: number;
}

export function weekBounds(week: IsoWeek, timeZone: string): WeekBounds {
  return {
    startMs: startOfLocalDay(mondayOf(week), timeZone),
    endMs: startOfLocalDay(mondayOf(addWeeks(week, 1)), timeZone),
  };
}

/** The week containing `nowMs` (still in progress) in a zone. */
export function currentWeek(nowMs: number, timeZone: string): IsoWeek {
  return isoWeekOf(nowMs, timeZone);
}

/** The last week that has fully ended at `nowMs` in a zone. */
export function lastCompleteWeek(nowMs: number, timeZone: string): IsoWeek {
  return addWeeks(currentWeek(nowMs, timeZone), -1);
}
