/**
 * Local time in a region's zone, and ISO weeks, for the simulator. Written
 * apart from the project's own week math on purpose: the reference answers
 * must not share a bug with the code they check.
 */

export interface LocalTime {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of a zone at an instant, read from Intl (slow: see localTimeOf). */
function intlLocalTime(utcMs: number, zone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!,
    ms: ((utcMs % 1000) + 1000) % 1000,
  };
}

const HOUR_MS = 3_600_000;
const offsets = new Map<string, number>();

/** Minutes the zone is ahead of UTC at an instant (asked of Intl once per zone and hour: offsets change on the hour). */
export function offsetMinutes(utcMs: number, zone: string): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  const key = `${zone}@${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const t = intlLocalTime(hour * HOUR_MS, zone);
    offset = Math.round((Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - hour * HOUR_MS) / 60_000);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The wall clock of a zone at an instant. */
export function localTimeOf(utcMs: number, zone: string): LocalTime {
  const d = new Date(utcMs + offsetMinutes(utcMs, zone) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

/** The instant a wall-clock time happens in a zone (Russian zones have no DST gaps). */
export function utcOf(local: LocalTime, zone: string): number {
  const naive = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.ms);
  const first = naive - offsetMinutes(naive, zone) * 60_000;
  return naive - offsetMinutes(first, zone) * 60_000;
}

/** RFC 3339 with the zone's offset, as an upstream system in the region writes it. */
export function rfc3339InZone(utcMs: number, zone: string): string {
  const offset = offsetMinutes(utcMs, zone);
  const t = localTimeOf(utcMs, zone);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${t.year}-${p2(t.month)}-${p2(t.day)}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${String(t.ms).padStart(3, '0')}` +
    `${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`
  );
}

/** A calendar date as days since 1970-01-01 (no zone). */
function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

function dateOfDayNumber(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 1 = Monday .. 7 = Sunday. */
function isoWeekday(dayNo: number): number {
  return ((((dayNo + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** "2026-W47": the ISO week of a calendar date. The week's Thursday decides the year. */
export function isoWeekOfDate(year: number, month: number, day: number): string {
  const n = dayNumber(year, month, day);
  const thursday = n + 4 - isoWeekday(n);
  const weekYear = dateOfDayNumber(thursday).year;
  const week = Math.floor((thursday - dayNumber(weekYear, 1, 1)) / 7) + 1;
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

export function isoWeekAt(utcMs: number, zone: string): string {
  const t = localTimeOf(utcMs, zone);
  return isoWeekOfDate(t.year, t.month, t.day);
}

const WEEK = /^(\d{4})-W(\d{2})$/;

const mondays = new Map<string, number>();

/** Days since 1970-01-01 of the Monday of an ISO week. */
function mondayDayNumber(week: string): number {
  let n = mondays.get(week);
  if (n === undefined) {
    n = computeMonday(week);
    mondays.set(week, n);
  }
  return n;
}

function computeMonday(week: string): number {
  const m = WEEK.exec(week);
  if (m === null) throw new Error(`not an ISO week: ${week}`);
  const jan4 = dayNumber(Number(m[1]), 1, 4);
  const n = jan4 - (isoWeekday(jan4) - 1) + 7 * (Number(m[2]) - 1);
  if (isoWeekOfDate(dateOfDayNumber(n).year, dateOfDayNumber(n).month, dateOfDayNumber(n).day) !== week) {
    throw new Error(`no such ISO week: ${week}`);
  }
  return n;
}

/** The Monday of a week and the days after it, as calendar dates. */
export function dateInWeek(week: string, dayIndex: number): { year: number; month: number; day: number } {
  return dateOfDayNumber(mondayDayNumber(week) + dayIndex);
}

/** "YYYY-MM-DD" of the week's Monday. */
export function mondayDate(week: string): string {
  const d = dateInWeek(week, 0);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function shiftWeek(week: string, weeks: number): string {
  const d = dateOfDayNumber(mondayDayNumber(week) + 7 * weeks);
  return isoWeekOfDate(d.year, d.month, d.day);
}

/** Monday 00:00 local of the week, as an instant. */
export function weekStartUtc(week: string, zone: string): number {
  const d = dateInWeek(week, 0);
  return utcOf({ ...d, hour: 0, minute: 0, second: 0, ms: 0 }, zone);
}

/** The instant the week ends (next Monday 00:00 local, excluded from the week). */
export function weekEndUtc(week: string, zone: string): number {
  return weekStartUtc(shiftWeek(week, 1), zone);
}

/** The last week that has ended in the zone. */
export function lastEndedWeek(nowMs: number, zone: string): string {
  return shiftWeek(isoWeekAt(nowMs, zone), -1);
}

export function isIsoWeek(value: string): boolean {
  try {
    mondayDayNumber(value);
    return true;
  } catch {
    return false;
  }
}

const MONTH = /^(\d{4})-(\d{2})$/;

function monthParts(month: string): { year: number; month: number } {
  const m = MONTH.exec(month);
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`not a month: ${month}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** "2026-11": the calendar month of an instant in a zone. */
export function monthAt(utcMs: number, zone: string): string {
  const t = localTimeOf(utcMs, zone);
  return `${t.year}-${String(t.month).padStart(2, '0')}`;
}

export function shiftMonth(month: string, months: number): string {
  const { year, month: m } = monthParts(month);
  const index = year * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The 1st 00:00 local of the month, as an instant. */
export function monthStartUtc(month: string, zone: string): number {
  const { year, month: m } = monthParts(month);
  return utcOf({ year, month: m, day: 1, hour: 0, minute: 0, second: 0, ms: 0 }, zone);
}

/** The instant the month ends (the next month's 1st 00:00 local, excluded from the month). */
export function monthEndUtc(month: string, zone: string): number {
  return monthStartUtc(shiftMonth(month, 1), zone);
}

/** The calendar months any day of the weeks falls in, in order. */
export function monthsOfWeeks(weeks: readonly string[]): string[] {
  const months = new Set<string>();
  for (const week of weeks) {
    for (const dayIndex of [0, 6]) {
      const d = dateInWeek(week, dayIndex);
      months.add(`${d.year}-${String(d.month).padStart(2, '0')}`);
    }
  }
  return [...months].sort();
}

export function isMonth(value: string): boolean {
  try {
    monthParts(value);
    return true;
  } catch {
    return false;
  }
}

/** The consecutive ISO weeks holding every day of a calendar month: from the week of its 1st to the week of its last day (4 to 6 weeks). */
export function weeksOfMonth(month: string): string[] {
  const { year, month: m } = monthParts(month);
  const first = isoWeekOfDate(year, m, 1);
  const next = m === 12 ? { year: year + 1, month: 1 } : { year, month: m + 1 };
  const last = dateOfDayNumber(dayNumber(next.year, next.month, 1) - 1);
  const lastWeek = isoWeekOfDate(last.year, last.month, last.day);
  const weeks = [first];
  while (weeks[weeks.length - 1] !== lastWeek) weeks.push(shiftWeek(weeks[weeks.length - 1]!, 1));
  return weeks;
}

/**
 * The calendar months every day of which is in one of the weeks (weeks and
 * months are both cut at local midnight, so in every zone alike), in order.
 */
export function wholeMonthsOfWeeks(weeks: readonly string[]): string[] {
  const set = new Set(weeks);
  return monthsOfWeeks(weeks).filter((month) => weeksOfMonth(month).every((w) => set.has(w)));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateParts(date: string): { year: number; month: number; day: number } {
  const m = DATE.exec(date);
  if (m === null) throw new Error(`not a date YYYY-MM-DD: ${date}`);
  const parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const back = dateOfDayNumber(dayNumber(parts.year, parts.month, parts.day));
  if (back.year !== parts.year || back.month !== parts.month || back.day !== parts.day) throw new Error(`no such date: ${date}`);
  return parts;
}

function dateText(d: { year: number; month: number; day: number }): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** 00:00 local of a calendar date ("2026-11-16") in a zone, as an instant. */
export function localMidnightUtc(date: string, zone: string): number {
  return utcOf({ ...dateParts(date), hour: 0, minute: 0, second: 0, ms: 0 }, zone);
}

/** The local calendar date ("2026-11-16") of an instant in a zone. */
export function localDateAt(utcMs: number, zone: string): string {
  return dateText(localTimeOf(utcMs, zone));
}

/** A calendar date so many days later (earlier when negative). */
export function addDays(date: string, days: number): string {
  const d = dateParts(date);
  return dateText(dateOfDayNumber(dayNumber(d.year, d.month, d.day) + days));
}
