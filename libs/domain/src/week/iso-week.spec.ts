import {
  addWeeks,
  compareWeeks,
  FIRST_ISO_WEEK,
  formatIsoWeek,
  formatLocalDate,
  InvalidWeekError,
  isoWeekOf,
  isoWeekOfDate,
  isValidTimeZone,
  isWeekInRange,
  LAST_ISO_WEEK,
  lastCompleteWeek,
  localDateOf,
  mondayOf,
  parseIsoWeek,
  startOfLocalDay,
  weekBounds,
  weeksBetween,
  weeksInIsoYear,
  zoneOffsetMs,
} from './iso-week';

const NSK = 'Asia/Novosibirsk';
const MSK = 'Europe/Moscow';
const utc = (iso: string): number => Date.parse(iso);

describe('isoWeekOfDate', () => {
  it.each([
    // [date, expected week] incl. the classic year-boundary cases
    ['2023-05-08', '2023-W19'],
    ['2023-05-14', '2023-W19'],
    ['2023-05-15', '2023-W20'],
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2019-12-30', '2020-W01'],
    ['2024-12-30', '2025-W01'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2016-01-01', '2015-W53'],
    ['2024-02-29', '2024-W09'],
  ])('%s is in %s', (date, expected) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    expect(formatIsoWeek(isoWeekOfDate({ year, month, day }))).toBe(expected);
  });
});

describe('weeks in the region time zone', () => {
  it('Sunday 23:59:59 and Monday 00:00:00 in Novosibirsk fall in different weeks', () => {
    // Novosibirsk is UTC+7: local Monday 2023-05-15 00:00 is 2023-05-14T17:00Z.
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T16:59:59Z'), NSK))).toBe('2023-W19');
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T17:00:00Z'), NSK))).toBe('2023-W20');
  });

  it('the same instants in Moscow (UTC+3) are both still in week 19', () => {
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T16:59:59Z'), MSK))).toBe('2023-W19');
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T17:00:00Z'), MSK))).toBe('2023-W19');
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T20:59:59Z'), MSK))).toBe('2023-W19');
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T21:00:00Z'), MSK))).toBe('2023-W20');
  });

  it('the easternmost zone (Kamchatka, UTC+12) moves to Monday earlier still', () => {
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T11:59:59Z'), 'Asia/Kamchatka'))).toBe('2023-W19');
    expect(formatIsoWeek(isoWeekOf(utc('2023-05-14T12:00:00Z'), 'Asia/Kamchatka'))).toBe('2023-W20');
  });

  it('week bounds are local Monday midnight to the next, in UTC', () => {
    const bounds = weekBounds({ year: 2023, week: 19 }, NSK);
    expect(new Date(bounds.startMs).toISOString()).toBe('2023-05-07T17:00:00.000Z');
    expect(new Date(bounds.endMs).toISOString()).toBe('2023-05-14T17:00:00.000Z');
  });

  it('a week spanning a DST change is 167 hours long (Europe/Berlin, spring 2023)', () => {
    const bounds = weekBounds({ year: 2023, week: 12 }, 'Europe/Berlin');
    expect(new Date(bounds.startMs).toISOString()).toBe('2023-03-19T23:00:00.000Z');
    expect(bounds.endMs - bounds.startMs).toBe(167 * 3_600_000);
  });

  it('a day whose midnight does not exist starts at its first hour', () => {
    // America/Santiago skipped 2022-09-11 00:00 -> 01:00.
    const start = startOfLocalDay({ year: 2022, month: 9, day: 11 }, 'America/Santiago');
    expect(new Date(start).toISOString()).toBe('2022-09-11T04:00:00.000Z');
  });

  it('zone offsets', () => {
    expect(zoneOffsetMs(utc('2023-05-14T00:00:00Z'), NSK)).toBe(7 * 3_600_000);
    expect(zoneOffsetMs(utc('2023-05-14T00:00:00Z'), MSK)).toBe(3 * 3_600_000);
    expect(zoneOffsetMs(utc('2023-05-14T00:00:00Z'), 'UTC')).toBe(0);
  });

  it('last complete week is the one before the current week, in the zone', () => {
    // Monday 2023-05-15 03:00 local Novosibirsk = 2023-05-14T20:00Z: W20 is current.
    expect(formatIsoWeek(lastCompleteWeek(utc('2023-05-14T20:00:00Z'), NSK))).toBe('2023-W19');
    // In Moscow that instant is still Sunday of W19.
    expect(formatIsoWeek(lastCompleteWeek(utc('2023-05-14T20:00:00Z'), MSK))).toBe('2023-W18');
  });
});

describe('isoWeekOf agrees with the calendar date in the zone, minute by minute around offset changes', () => {
  it.each([
    ['Europe/Berlin', '2023-03-26T00:00:00Z'], // spring forward at 01:00 UTC
    ['Europe/Berlin', '2023-10-29T00:00:00Z'], // fall back at 01:00 UTC
    ['America/Santiago', '2022-09-11T02:00:00Z'],
    ['Europe/Moscow', '2011-03-27T22:00:00Z'], // Moscow's last spring change
    ['Asia/Novosibirsk', '2016-07-23T19:00:00Z'], // Novosibirsk moved from UTC+6 to UTC+7
    ['Australia/Lord_Howe', '2023-04-01T14:00:00Z'], // a half-hour change
  ])('%s near %s', (zone, around) => {
    const startMs = Date.parse(around);
    for (let m = 0; m < 6 * 60; m += 1) {
      const t = startMs + m * 60_000;
      expect(isoWeekOf(t, zone)).toEqual(isoWeekOfDate(localDateOf(t, zone)));
    }
  });

  it('across the Sunday-Monday boundary of every Russian zone', () => {
    for (const zone of ['Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk', 'Asia/Novosibirsk', 'Asia/Irkutsk', 'Asia/Yakutsk', 'Asia/Vladivostok', 'Asia/Magadan', 'Asia/Kamchatka']) {
      const monday = startOfLocalDay({ year: 2023, month: 5, day: 15 }, zone);
      expect(formatIsoWeek(isoWeekOf(monday - 1000, zone))).toBe('2023-W19');
      expect(formatIsoWeek(isoWeekOf(monday, zone))).toBe('2023-W20');
    }
  });
});

describe('parseIsoWeek', () => {
  it('parses and formats round trip', () => {
    expect(parseIsoWeek('2023-W19')).toEqual({ year: 2023, week: 19 });
    expect(formatIsoWeek(parseIsoWeek('2020-W53'))).toBe('2020-W53');
  });

  it.each([
    ['2023-19', 'expected the form'],
    ['2023-W1', 'expected the form'],
    ['2023-W00', 'week must be 01..52'],
    ['2023-W53', 'week must be 01..52'],
    ['1969-W10', 'year out of range'],
    ["2023-W19' OR 1=1", 'expected the form'],
    ['', 'expected the form'],
  ])('rejects %j with a reason', (input, reason) => {
    expect(() => parseIsoWeek(input)).toThrow(InvalidWeekError);
    expect(() => parseIsoWeek(input)).toThrow(reason);
  });
});

describe('the weeks ClickHouse can hold', () => {
  // DateTime: from 1970-01-01 00:00 UTC; the SQL literals refuse 2106 and later (libs/infra/clickhouse sql-literal.ts).
  const FIRST_INSTANT = 0;
  const END_INSTANT = Date.UTC(2106, 0, 1);
  // Fixed offsets from UTC+14 to UTC-12 (POSIX names invert the sign), and real zones of Russia's two ends.
  const ZONES = ['Etc/GMT-14', 'Etc/GMT-12', 'Asia/Kamchatka', 'Europe/Kaliningrad', 'UTC', 'Etc/GMT+12'];
  const held = (year: number, week: number) =>
    ZONES.every((zone) => {
      const { startMs, endMs } = weekBounds({ year, week }, zone);
      return startMs >= FIRST_INSTANT && endMs < END_INSTANT;
    });

  it('are 1970-W02 to 2105-W52: the first and last whose every instant DateTime holds in every zone', () => {
    expect([formatIsoWeek(FIRST_ISO_WEEK), formatIsoWeek(LAST_ISO_WEEK)]).toEqual(['1970-W02', '2105-W52']);
    expect(held(1970, 2)).toBe(true);
    expect(held(2105, 52)).toBe(true);
    // Their neighbours are not: 1970-W01 begins on 29 December 1969, 2105-W53 (2105 has 53 weeks) ends on 4 January 2106.
    expect(formatLocalDate(mondayOf({ year: 1970, week: 1 }))).toBe('1969-12-29');
    expect(weeksInIsoYear(2105)).toBe(53);
    expect(formatLocalDate(mondayOf(addWeeks(LAST_ISO_WEEK, 2)))).toBe('2106-01-04');
    expect(held(1970, 1)).toBe(false);
    expect(held(2105, 53)).toBe(false);
  });

  it.each([
    ['1970-W02', '1970-W02'],
    ['2105-W52', '2105-W52'],
    ['1970-W53', '1970-W53'], // 1970 has 53 weeks
  ])('parses %s at the edge', (input, formatted) => {
    expect(formatIsoWeek(parseIsoWeek(input))).toBe(formatted);
    expect(isWeekInRange(parseIsoWeek(input))).toBe(true);
  });

  it.each([
    ['1970-W01', 'out of range: weeks go from 1970-W02 to 2105-W52'],
    ['1969-W52', 'year out of range: weeks go from 1970-W02 to 2105-W52'],
    ['0000-W01', 'year out of range'],
    ['2105-W53', 'out of range: weeks go from 1970-W02 to 2105-W52'],
    ['2106-W01', 'year out of range'],
    ['9999-W52', 'year out of range'],
    ['2104-W53', 'week must be 01..52 in 2104'],
    ['2023-W53', 'week must be 01..52 in 2023'],
    ['2026-W54', 'week must be 01..53 in 2026'],
  ])('refuses %s: %s', (input, reason) => {
    expect(() => parseIsoWeek(input)).toThrow(InvalidWeekError);
    expect(() => parseIsoWeek(input)).toThrow(reason);
  });

  it('isWeekInRange at both edges', () => {
    expect(isWeekInRange({ year: 1970, week: 1 })).toBe(false);
    expect(isWeekInRange(FIRST_ISO_WEEK)).toBe(true);
    expect(isWeekInRange(LAST_ISO_WEEK)).toBe(true);
    expect(isWeekInRange({ year: 2105, week: 53 })).toBe(false);
  });
});

describe('week arithmetic', () => {
  it('weeks in a year', () => {
    expect(weeksInIsoYear(2020)).toBe(53);
    expect(weeksInIsoYear(2023)).toBe(52);
    expect(weeksInIsoYear(2026)).toBe(53);
  });

  it('mondays', () => {
    expect(formatLocalDate(mondayOf({ year: 2023, week: 19 }))).toBe('2023-05-08');
    expect(formatLocalDate(mondayOf({ year: 2020, week: 53 }))).toBe('2020-12-28');
    expect(formatLocalDate(mondayOf({ year: 2021, week: 1 }))).toBe('2021-01-04');
  });

  it('adds weeks across year ends', () => {
    expect(formatIsoWeek(addWeeks({ year: 2020, week: 53 }, 1))).toBe('2021-W01');
    expect(formatIsoWeek(addWeeks({ year: 2021, week: 1 }, -1))).toBe('2020-W53');
    expect(formatIsoWeek(addWeeks({ year: 2023, week: 19 }, -9))).toBe('2023-W10');
  });

  it('counts weeks between', () => {
    expect(weeksBetween({ year: 2023, week: 10 }, { year: 2023, week: 19 })).toBe(9);
    expect(weeksBetween({ year: 2020, week: 52 }, { year: 2021, week: 2 })).toBe(3); // 2020 has 53 weeks
    expect(weeksBetween({ year: 2023, week: 19 }, { year: 2023, week: 10 })).toBe(-9);
  });

  it('compares', () => {
    expect(compareWeeks({ year: 2023, week: 1 }, { year: 2022, week: 52 })).toBeGreaterThan(0);
    expect(compareWeeks({ year: 2023, week: 5 }, { year: 2023, week: 5 })).toBe(0);
    expect(compareWeeks({ year: 2023, week: 4 }, { year: 2023, week: 5 })).toBeLessThan(0);
  });
});

describe('isValidTimeZone', () => {
  it('knows the Russian zones and rejects junk', () => {
    for (const zone of [NSK, MSK, 'Europe/Kaliningrad', 'Asia/Vladivostok', 'Asia/Kamchatka', 'Europe/Samara']) {
      expect(isValidTimeZone(zone)).toBe(true);
    }
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
