import { TEST_NOW } from '@sferum/testing';
import {
  addDays,
  isIsoWeek,
  isoWeekAt,
  isoWeekOfDate,
  lastEndedWeek,
  localDateAt,
  localMidnightUtc,
  localTimeOf,
  mondayDate,
  monthEndUtc,
  monthStartUtc,
  offsetMinutes,
  rfc3339InZone,
  shiftMonth,
  shiftWeek,
  utcOf,
  weekEndUtc,
  weeksOfMonth,
  weekStartUtc,
  wholeMonthsOfWeeks,
} from './zones';

describe('simulator time zones and ISO weeks (independent of the domain week math)', () => {
  it.each([
    [2026, 1, 1, '2026-W01'], // a Thursday
    [2024, 12, 30, '2025-W01'], // Monday of week 1 of the next year
    [2027, 1, 1, '2026-W53'], // 2026 has 53 weeks
    [2021, 1, 3, '2020-W53'],
    [2023, 5, 14, '2023-W19'], // the reference week's Sunday
    [2023, 5, 15, '2023-W20'],
  ])('%i-%i-%i is in %s', (y, m, d, week) => {
    expect(isoWeekOfDate(y, m, d)).toBe(week);
  });

  it('knows the offsets of Russian zones (no DST)', () => {
    const t = Date.UTC(2026, 0, 15, 12);
    expect(offsetMinutes(t, 'Asia/Vladivostok')).toBe(600);
    expect(offsetMinutes(t, 'Asia/Novosibirsk')).toBe(420);
    expect(offsetMinutes(t, 'Europe/Kaliningrad')).toBe(120);
    expect(offsetMinutes(Date.UTC(2026, 6, 15, 12), 'Europe/Moscow')).toBe(180);
  });

  it('converts wall-clock time to instants and back', () => {
    const local = { year: 2026, month: 11, day: 22, hour: 23, minute: 59, second: 59, ms: 999 };
    const utc = utcOf(local, 'Asia/Vladivostok');
    expect(new Date(utc).toISOString()).toBe('2026-11-22T13:59:59.999Z');
    expect(localTimeOf(utc, 'Asia/Vladivostok')).toEqual(local);
    expect(rfc3339InZone(utc, 'Asia/Vladivostok')).toBe('2026-11-22T23:59:59.999+10:00');
    expect(Date.parse(rfc3339InZone(utc, 'Asia/Vladivostok'))).toBe(utc);
  });

  it('a week starts on Monday 00:00 local and ends where the next one starts', () => {
    expect(mondayDate('2026-W47')).toBe('2026-11-16');
    expect(new Date(weekStartUtc('2026-W47', 'Asia/Vladivostok')).toISOString()).toBe('2026-11-15T14:00:00.000Z');
    expect(weekEndUtc('2026-W47', 'Asia/Novosibirsk')).toBe(weekStartUtc('2026-W48', 'Asia/Novosibirsk'));
    expect(isoWeekAt(weekEndUtc('2026-W47', 'Asia/Vladivostok') - 1, 'Asia/Vladivostok')).toBe('2026-W47');
    expect(isoWeekAt(weekEndUtc('2026-W47', 'Asia/Vladivostok'), 'Asia/Vladivostok')).toBe('2026-W48');
    // The same instant is in another week in UTC.
    expect(isoWeekAt(weekStartUtc('2026-W48', 'Asia/Vladivostok'), 'UTC')).toBe('2026-W47');
  });

  it('shifts weeks across year ends and tells the last ended week', () => {
    expect(shiftWeek('2026-W53', 1)).toBe('2027-W01');
    expect(shiftWeek('2027-W01', -1)).toBe('2026-W53');
    expect(shiftWeek('2026-W10', -12)).toBe('2025-W50');
    expect(lastEndedWeek(Date.parse('2026-11-29T12:00:00Z'), 'Asia/Vladivostok')).toBe('2026-W47'); // Sunday 22:00 local
    expect(lastEndedWeek(Date.parse('2026-11-29T15:00:00Z'), 'Asia/Vladivostok')).toBe('2026-W48'); // Monday 01:00 local
  });

  it('accepts only real ISO weeks', () => {
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2025-W53')).toBe(false);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-47')).toBe(false);
  });

  it('a calendar date at local midnight, a date of an instant, days added', () => {
    expect(new Date(localMidnightUtc('2026-11-16', 'Asia/Novosibirsk')).toISOString()).toBe('2026-11-15T17:00:00.000Z');
    expect(localDateAt(Date.parse('2026-11-15T16:59:59.999Z'), 'Asia/Novosibirsk')).toBe('2026-11-15');
    expect(localDateAt(Date.parse('2026-11-15T17:00:00Z'), 'Asia/Novosibirsk')).toBe('2026-11-16');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(() => localMidnightUtc('2026-02-30', 'UTC')).toThrow('no such date');
  });

  it('the weeks of a month hold every one of its days, in any zone: 4 to 6 of them', () => {
    expect(weeksOfMonth('2026-10')).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']);
    expect(weeksOfMonth('2021-02')).toEqual(['2021-W05', '2021-W06', '2021-W07', '2021-W08']); // 1 February 2021 a Monday, 28 days
    expect(weeksOfMonth('2026-11')).toHaveLength(6); // Sunday the 1st to Monday the 30th
    for (let m = '2020-01'; m <= '2030-12'; m = shiftMonth(m, 1)) {
      const weeks = weeksOfMonth(m);
      for (const zone of ['Europe/Kaliningrad', 'Asia/Novokuznetsk', 'Asia/Kamchatka']) {
        expect([m, weekStartUtc(weeks[0]!, zone) <= monthStartUtc(m, zone), weekEndUtc(weeks[weeks.length - 1]!, zone) >= monthEndUtc(m, zone)]).toEqual([m, true, true]);
      }
      expect([m, weeks.length >= 4 && weeks.length <= 6, wholeMonthsOfWeeks(weeks).includes(m)]).toEqual([m, true, true]);
    }
    // Four weeks of November 2026 hold no whole month; October's weeks hold October only.
    expect(wholeMonthsOfWeeks(['2026-W44', '2026-W45', '2026-W46', '2026-W47'])).toEqual([]);
    expect(wholeMonthsOfWeeks(weeksOfMonth('2026-10'))).toEqual(['2026-10']);
  });

  it("the acceptance's month (--month 2026-10) has ended at TEST_NOW in every zone of its runs", () => {
    // tools/e2e/src/acceptance.e2e-spec.ts runs the small profile with --month 2026-10 and the services' clock at TEST_NOW.
    const weeks = weeksOfMonth('2026-10');
    for (const zone of ['Asia/Novokuznetsk', 'Europe/Moscow', 'Europe/Kaliningrad']) expect(weeks[weeks.length - 1]! <= lastEndedWeek(Date.parse(TEST_NOW), zone)).toBe(true);
  });
});
