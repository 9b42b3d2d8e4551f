import { IDENTIFIER_SCHEMA } from './events/event-schemas';
import { IDENTIFIER_PATTERN, isCalendarDay, ISO_DATE_PATTERN, ISO_WEEK_PATTERN, isIsoDate, REGION_CODE_PATTERN } from './patterns';

describe('identifier patterns', () => {
  it('the event contract publishes the same identifier pattern the code checks', () => {
    expect(IDENTIFIER_SCHEMA.pattern).toBe(IDENTIFIER_PATTERN.source);
  });
  it('accept the documented forms and nothing around them', () => {
    expect(['nsk-sch.1', 'a:b_c', 'x'.repeat(128)].every((v) => IDENTIFIER_PATTERN.test(v))).toBe(true);
    expect(['', 'x'.repeat(129), 'a b', 'школа'].some((v) => IDENTIFIER_PATTERN.test(v))).toBe(false);
    expect(REGION_CODE_PATTERN.test('54')).toBe(true);
    expect(['5', '540', ' 54'].some((v) => REGION_CODE_PATTERN.test(v))).toBe(false);
    expect(ISO_WEEK_PATTERN.exec('2026-W47')?.slice(1)).toEqual(['2026', '47']);
    expect(ISO_WEEK_PATTERN.test('2026-47')).toBe(false);
    expect(ISO_DATE_PATTERN.exec('2023-03-17')?.slice(1)).toEqual(['2023', '03', '17']);
    expect(ISO_DATE_PATTERN.test('2023-3-17')).toBe(false);
  });
});

describe('calendar dates', () => {
  it('exist only when the day is in its month, leap years included', () => {
    expect(['2023-03-17', '2024-02-29', '2000-02-29', '2023-12-31', '1970-01-01'].every(isIsoDate)).toBe(true);
    expect(['2023-02-29', '2023-02-30', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-1-01', ' 2023-01-01', '2023-01-01T00:00:00Z'].some(isIsoDate)).toBe(false);
  });
  it('are checked day by day against every month length', () => {
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (let month = 1; month <= 12; month++) {
      expect(isCalendarDay(2023, month, lengths[month - 1]!)).toBe(true);
      expect(isCalendarDay(2023, month, lengths[month - 1]! + 1)).toBe(false);
    }
    expect(isCalendarDay(2024, 2, 29)).toBe(true);
    expect(isCalendarDay(2023, 2.5, 1)).toBe(false);
  });
});
