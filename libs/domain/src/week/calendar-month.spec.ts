import {
  addMonths,
  comparePeriods,
  currentMonth,
  formatCalendarMonth,
  formatPeriod,
  InvalidMonthError,
  isPeriodInRange,
  isPartialPeriod,
  lastCompletePeriod,
  monthBounds,
  monthPeriod,
  monthsBetween,
  parseCalendarMonth,
  periodBounds,
  periodsBetween,
  periodStart,
  shiftPeriod,
  weekPeriod,
} from './calendar-month';
import { weekBounds } from './iso-week';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar months', () => {
  it('parses YYYY-MM and formats it back', () => {
    expect(parseCalendarMonth('2023-04')).toEqual({ year: 2023, month: 4 });
    expect(formatCalendarMonth({ year: 2023, month: 4 })).toBe('2023-04');
    expect(formatCalendarMonth(parseCalendarMonth('1970-02'))).toBe('1970-02');
    expect(formatCalendarMonth(parseCalendarMonth('2105-12'))).toBe('2105-12');
  });

  it.each([
    ['2023-4', /YYYY-MM/],
    ['2023-W19', /YYYY-MM/],
    ['2023-04-01', /YYYY-MM/],
    [' 2023-04', /YYYY-MM/],
    ['2023-00', /01\.\.12/],
    ['2023-13', /01\.\.12/],
    ['1970-01', /1970-02 to 2105-12/],
    ['2106-01', /1970-02 to 2105-12/],
  ])('refuses %j, saying why', (input, reason) => {
    expect(() => parseCalendarMonth(input)).toThrow(InvalidMonthError);
    expect(() => parseCalendarMonth(input)).toThrow(reason);
  });

  it('adds and counts months across years', () => {
    expect(addMonths({ year: 2023, month: 12 }, 1)).toEqual({ year: 2024, month: 1 });
    expect(addMonths({ year: 2023, month: 1 }, -1)).toEqual({ year: 2022, month: 12 });
    expect(addMonths({ year: 2023, month: 5 }, -17)).toEqual({ year: 2021, month: 12 });
    expect(addMonths({ year: 2023, month: 5 }, 0)).toEqual({ year: 2023, month: 5 });
    expect(monthsBetween({ year: 2022, month: 11 }, { year: 2023, month: 2 })).toBe(3);
    expect(monthsBetween({ year: 2023, month: 2 }, { year: 2022, month: 11 })).toBe(-3);
  });

  it('bounds a month by local midnights of the 1st, in the region zone', () => {
    // Novosibirsk, UTC+7: April 2023 is 31 March 17:00 to 30 April 17:00 UTC.
    const april = monthBounds({ year: 2023, month: 4 }, 'Asia/Novosibirsk');
    expect([iso(april.startMs), iso(april.endMs)]).toEqual(['2023-03-31T17:00:00.000Z', '2023-04-30T17:00:00.000Z']);
    // Kaliningrad (UTC+2) and Kamchatka (UTC+12), February of a leap year.
    const kaliningrad = monthBounds({ year: 2024, month: 2 }, 'Europe/Kaliningrad');
    expect([iso(kaliningrad.startMs), iso(kaliningrad.endMs)]).toEqual(['2024-01-31T22:00:00.000Z', '2024-02-29T22:00:00.000Z']);
    const kamchatka = monthBounds({ year: 2024, month: 12 }, 'Asia/Kamchatka');
    expect([iso(kamchatka.startMs), iso(kamchatka.endMs)]).toEqual(['2024-11-30T12:00:00.000Z', '2024-12-31T12:00:00.000Z']);
    expect(iso(monthBounds({ year: 2024, month: 12 }, 'UTC').endMs)).toBe('2025-01-01T00:00:00.000Z');
  });

  it('places the instants either side of a local month start in their months', () => {
    const start = monthBounds({ year: 2023, month: 5 }, 'Asia/Vladivostok').startMs; // UTC+10
    expect(currentMonth(start - 1, 'Asia/Vladivostok')).toEqual({ year: 2023, month: 4 });
    expect(currentMonth(start, 'Asia/Vladivostok')).toEqual({ year: 2023, month: 5 });
    // The same instant is still April in Moscow (UTC+3).
    expect(currentMonth(start, 'Europe/Moscow')).toEqual({ year: 2023, month: 4 });
  });
});

describe('periods: a week or a month', () => {
  const w19 = weekPeriod({ year: 2023, week: 19 });
  const april = monthPeriod({ year: 2023, month: 4 });

  it('names, starts and bounds each kind', () => {
    expect(formatPeriod(w19)).toBe('2023-W19');
    expect(formatPeriod(april)).toBe('2023-04');
    expect(periodStart(w19)).toBe('2023-05-08');
    expect(periodStart(april)).toBe('2023-04-01');
    expect(periodBounds(w19, 'Asia/Novosibirsk')).toEqual(weekBounds({ year: 2023, week: 19 }, 'Asia/Novosibirsk'));
    expect(periodBounds(april, 'Asia/Novosibirsk')).toEqual(monthBounds({ year: 2023, month: 4 }, 'Asia/Novosibirsk'));
  });

  it('shifts, compares and counts periods of one kind', () => {
    expect(shiftPeriod(w19, -1)).toEqual(weekPeriod({ year: 2023, week: 18 }));
    expect(shiftPeriod(april, -4)).toEqual(monthPeriod({ year: 2022, month: 12 }));
    expect(comparePeriods(april, shiftPeriod(april, 1))).toBeLessThan(0);
    expect(periodsBetween(shiftPeriod(w19, -11), w19)).toBe(11);
    expect(periodsBetween(april, shiftPeriod(april, 3))).toBe(3);
    expect(() => periodsBetween(w19, april)).toThrow(/two kinds/);
    expect(() => comparePeriods(w19, april)).toThrow(/two kinds/);
  });

  it('gives the last complete and the range of each kind', () => {
    // Monday 1 May 2023 00:30 in Novosibirsk: April is complete, and week 17 (24-30 April).
    const now = Date.parse('2023-04-30T17:30:00Z');
    expect(lastCompletePeriod('month', now, 'Asia/Novosibirsk')).toEqual(april);
    expect(lastCompletePeriod('week', now, 'Asia/Novosibirsk')).toEqual(weekPeriod({ year: 2023, week: 17 }));
    // The same instant in Moscow is still 30 April: March is the last complete month.
    expect(lastCompletePeriod('month', now, 'Europe/Moscow')).toEqual(monthPeriod({ year: 2023, month: 3 }));
    expect(isPeriodInRange(monthPeriod({ year: 1970, month: 1 }))).toBe(false);
    expect(isPeriodInRange(april)).toBe(true);
  });

  it('takes the current period and later ones as partial, each in its zone', () => {
    const now = Date.parse('2023-04-30T17:30:00Z'); // 1 May 00:30 in Novosibirsk, 30 April 20:30 in Moscow
    expect(isPartialPeriod(april, now, 'Asia/Novosibirsk')).toBe(false);
    expect(isPartialPeriod(april, now, 'Europe/Moscow')).toBe(true);
    expect(isPartialPeriod(monthPeriod({ year: 2023, month: 6 }), now, 'Asia/Novosibirsk')).toBe(true);
    expect(isPartialPeriod(weekPeriod({ year: 2023, week: 17 }), now, 'Asia/Novosibirsk')).toBe(false);
    expect(isPartialPeriod(weekPeriod({ year: 2023, week: 17 }), now, 'Europe/Moscow')).toBe(true);
  });
});
