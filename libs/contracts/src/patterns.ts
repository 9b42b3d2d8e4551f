/**
 * The shapes of the identifiers every layer checks, one definition each
 * (event contract, CSV import, API parameters, ClickHouse literals).
 */

/** Organization, municipality, user, chat and call ids: 1 to 128 of [A-Za-z0-9._:-]. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A federal subject's code: two digits ("54"). */
export const REGION_CODE_PATTERN = /^\d{2}$/;

/** An ISO week as the API writes it ("2026-W47"); the year and week number are captured. */
export const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** A calendar month as the API writes it ("2023-04"); the year and month are captured. */
export const CALENDAR_MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

/** A calendar date ("2023-03-17"); the parts are captured. Whether the day exists is checked apart. */
export const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year, month (1-12) and day name a day of the proleptic Gregorian calendar ("2023-02-30" does not). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const DAYS_IN_MONTH: readonly number[] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a text is a calendar date "YYYY-MM-DD" that exists (strict:
 * `Date.parse` accepts "2023-02-30" as 2 March, PostgreSQL refuses it).
 */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE_PATTERN.exec(value);
  return match !== null && isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}
