/**
 * Calendar months computed in a region's own time zone, and the periods a
 * KPI is asked for: an ISO week (the banded indicators' period) or a
 * calendar month (the brief's "teachers active during the month").
 *
 * A month's bounds are local 00:00 of its first day to local 00:00 of the
 * next month's first day, converted to UTC, as a week's are (iso-week.ts).
 */
import { CALENDAR_MONTH_PATTERN } from '@sferum/contracts';
import {
  addWeeks,
  compareWeeks,
  currentWeek,
  formatIsoWeek,
  formatLocalDate,
  isWeekInRange,
  lastCompleteWeek,
  localDateOf,
  mondayOf,
  startOfLocalDay,
  weekBounds,
  weeksBetween,
  type IsoWeek,
  type LocalDate,
  type WeekBounds,
} from './iso-week';

export interface CalendarMonth {
  readonly year: number;
  readonly month: number; // 1..12
}

export class InvalidMonthError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid month "${input}": ${reason}`);
    this.name = 'InvalidMonthError';
  }
}

/**
 * The first and last months every instant of which ClickHouse's DateTime
 * holds in every zone (UTC-12 to UTC+14): January 1970 begins before the
 * first instant east of UTC; December 2105 ends on 1 January 2106, within
 * the range (see FIRST_ISO_WEEK).
 */
export const FIRST_MONTH: CalendarMonth = { year: 1970, month: 2 };
export const LAST_MONTH: CalendarMonth = { year: 2105, month: 12 };

export function compareMonths(a: CalendarMonth, b: CalendarMonth): number {
  return a.year !== b.year ? a.year - b.year : a.month - b.month;
}

export function isMonthInRange(month: CalendarMonth): boolean {
  return compareMonths(month, FIRST_MONTH) >= 0 && compareMonths(month, LAST_MONTH) <= 0;
}

/** "2023-04". */
export function formatCalendarMonth(month: CalendarMonth): string {
  return `${String(month.year).padStart(4, '0')}-${String(month.month).padStart(2, '0')}`;
}

/** Parses "YYYY-MM" into a month ClickHouse can hold (FIRST_MONTH to LAST_MONTH); throws InvalidMonthError with the reason otherwise. */
export function parseCalendarMonth(input: string): CalendarMonth {
  const match = CALENDAR_MONTH_PATTERN.exec(input);
  if (match === null) throw new InvalidMonthError(input, 'expected the form YYYY-MM, for example 2023-04');
  const month = { year: Number(match[1]), month: Number(match[2]) };
  if (month.month < 1 || month.month > 12) throw new InvalidMonthError(input, 'the month must be 01..12');
  if (!isMonthInRange(month)) {
    throw new InvalidMonthError(input, `months go from ${formatCalendarMonth(FIRST_MONTH)} to ${formatCalendarMonth(LAST_MONTH)}, the months ClickHouse's DateTime holds in every time zone`);
  }
  return month;
}

export function addMonths(month: CalendarMonth, count: number): CalendarMonth {
  const index = month.year * 12 + (month.month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Whole months from a to b (negative when b is earlier). */
export function monthsBetween(a: CalendarMonth, b: CalendarMonth): number {
  return b.year * 12 + b.month - (a.year * 12 + a.month);
}

/** The first day of a month, as a calendar date. */
export function firstDayOf(month: CalendarMonth): LocalDate {
  return { year: month.year, month: month.month, day: 1 };
}

export function monthBounds(month: CalendarMonth, timeZone: string): WeekBounds {
  return { startMs: startOfLocalDay(firstDayOf(month), timeZone), endMs: startOfLocalDay(firstDayOf(addMonths(month, 1)), timeZone) };
}

/** The month containing `nowMs` (still in progress) in a zone. */
export function currentMonth(nowMs: number, timeZone: string): CalendarMonth {
  const { year, month } = localDateOf(nowMs, timeZone);
  return { year, month };
}

/** The kinds of period a KPI is asked for; `week` by default. */
export const PERIOD_KINDS = ['week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** An ISO week or a calendar month, in a region's zone. */
export type Period = { readonly kind: 'week'; readonly week: IsoWeek } | { readonly kind: 'month'; readonly month: CalendarMonth };

export const weekPeriod = (week: IsoWeek): Period => ({ kind: 'week', week });
export const monthPeriod = (month: CalendarMonth): Period => ({ kind: 'month', month });

/** "2023-W19" or "2023-04": the period's field in answers and exports. */
export function formatPeriod(period: Period): string {
  return period.kind === 'week' ? formatIsoWeek(period.week) : formatCalendarMonth(period.month);
}

/** The period's first local day, "2023-05-08" (a week's Monday, a month's 1st): the day thresholds are looked up on. */
export function periodStart(period: Period): string {
  return formatLocalDate(period.kind === 'week' ? mondayOf(period.week) : firstDayOf(period.month));
}

export function periodBounds(period: Period, timeZone: string): WeekBounds {
  return period.kind === 'week' ? weekBounds(period.week, timeZone) : monthBounds(period.month, timeZone);
}

/** The period `count` periods of the same kind later (earlier when negative). */
export function shiftPeriod(period: Period, count: number): Period {
  return period.kind === 'week' ? weekPeriod(addWeeks(period.week, count)) : monthPeriod(addMonths(period.month, count));
}

/** Whole periods from a to b, both of one kind. */
export function periodsBetween(a: Period, b: Period): number {
  if (a.kind === 'week' && b.kind === 'week') return weeksBetween(a.week, b.week);
  if (a.kind === 'month' && b.kind === 'month') return monthsBetween(a.month, b.month);
  throw new Error('periods of two kinds');
}

export function comparePeriods(a: Period, b: Period): number {
  if (a.kind === 'week' && b.kind === 'week') return compareWeeks(a.week, b.week);
  if (a.kind === 'month' && b.kind === 'month') return compareMonths(a.month, b.month);
  throw new Error('periods of two kinds');
}

/** Whether every instant of the period can be stored and read (see FIRST_ISO_WEEK, FIRST_MONTH). */
export function isPeriodInRange(period: Period): boolean {
  return period.kind === 'week' ? isWeekInRange(period.week) : isMonthInRange(period.month);
}

/** The period of a kind in progress at `nowMs` in a zone. */
export function currentPeriod(kind: PeriodKind, nowMs: number, timeZone: string): Period {
  return kind === 'week' ? weekPeriod(currentWeek(nowMs, timeZone)) : monthPeriod(currentMonth(nowMs, timeZone));
}

/** Whether a period is not over at `nowMs` in a zone (the current one or a later one): its answers are partial. */
export function isPartialPeriod(period: Period, nowMs: number, timeZone: string): boolean {
  return comparePeriods(period, currentPeriod(period.kind, nowMs, timeZone)) >= 0;
}

/** The last period of a kind that has fully ended at `nowMs` in a zone. */
export function lastCompletePeriod(kind: PeriodKind, nowMs: number, timeZone: string): Period {
  return kind === 'week' ? weekPeriod(lastCompleteWeek(nowMs, timeZone)) : monthPeriod(addMonths(currentMonth(nowMs, timeZone), -1));
}
