import { addMonths, addWeeks, FEDERAL_SUBJECTS, monthBounds, parseCalendarMonth, parseIsoWeek, weekBounds, zoneOffsetMs } from '@sferum/domain';
import { checkPeriod, isWholeSpans, spanStartMs } from './kpi-counters';

/**
 * The spans of user_activity_spans (migrations/0004): every local ISO week
 * and calendar month of every region, and of UTC, is a whole number of
 * spans, so the KPIs read per span are those read per hour; and no span
 * holds hours of two weeks or two months of any of these zones.
 */
const HOUR_MS = 3_600_000;
const ZONES = ['UTC', ...new Set(FEDERAL_SUBJECTS.map((s) => s.timeZone))];

describe('spans of UTC hours (user_activity_spans)', () => {
  it('make every local ISO week of 2024-2027 of every region and of UTC whole', () => {
    for (const zone of ZONES) {
      for (let week = parseIsoWeek('2024-W01'); week.year < 2028; week = addWeeks(week, 1)) {
        const { startMs, endMs } = weekBounds(week, zone);
        expect({ zone, week, whole: isWholeSpans(startMs, endMs) }).toEqual({ zone, week, whole: true });
      }
    }
  });

  it('make every local calendar month of 2024-2027 of every region and of UTC whole', () => {
    for (const zone of ZONES) {
      for (let month = parseCalendarMonth('2024-01'); month.year < 2028; month = addMonths(month, 1)) {
        const { startMs, endMs } = monthBounds(month, zone);
        expect({ zone, month, whole: isWholeSpans(startMs, endMs) }).toEqual({ zone, month, whole: true });
      }
    }
  });

  it('never hold hours of two local weeks or months of any zone of Russia or of UTC', () => {
    const from = Date.UTC(2026, 0, 1);
    // Russia's zones keep one offset all year (since 2014).
    const offsets = [...new Set(ZONES.map((zone) => zoneOffsetMs(from, zone)))];
    const weekAndMonth = (ms: number, offset: number) => {
      const local = new Date(ms + offset);
      const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
      return `${day - ((local.getUTCDay() + 6) % 7) * 86_400_000}/${local.getUTCFullYear()}-${local.getUTCMonth()}`;
    };
    for (let hour = from; hour < from + 400 * 24 * HOUR_MS; hour += HOUR_MS) {
      const start = spanStartMs(hour);
      expect(start).toBeLessThanOrEqual(hour);
      expect(spanStartMs(start)).toBe(start);
      for (const offset of offsets) {
        if (weekAndMonth(start, offset) !== weekAndMonth(hour, offset)) {
          throw new Error(`the span of ${new Date(hour).toISOString()} begins at ${new Date(start).toISOString()}, in another week or month at UTC${offset / HOUR_MS}`);
        }
      }
    }
    expect(offsets.map((o) => o / HOUR_MS).sort((a, b) => a - b)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('are whole hours near the edges and long elsewhere', () => {
    // Monday 2026-11-16: Sunday 12:00-23:00 UTC are in different weeks in UTC and UTC+12.
    expect(spanStartMs(Date.parse('2026-11-15T11:00:00Z'))).toBe(Date.parse('2026-11-09T00:00:00Z'));
    expect(spanStartMs(Date.parse('2026-11-15T12:00:00Z'))).toBe(Date.parse('2026-11-15T12:00:00Z'));
    expect(spanStartMs(Date.parse('2026-11-15T23:00:00Z'))).toBe(Date.parse('2026-11-15T23:00:00Z'));
    expect(spanStartMs(Date.parse('2026-11-16T00:00:00Z'))).toBe(Date.parse('2026-11-16T00:00:00Z'));
    expect(spanStartMs(Date.parse('2026-11-18T05:00:00Z'))).toBe(Date.parse('2026-11-16T00:00:00Z'));
    // 1 December 2026 (a Tuesday) starts a month in the middle of a week.
    expect(spanStartMs(Date.parse('2026-11-30T11:00:00Z'))).toBe(Date.parse('2026-11-30T00:00:00Z'));
    expect(spanStartMs(Date.parse('2026-11-30T12:00:00Z'))).toBe(Date.parse('2026-11-30T12:00:00Z'));
    expect(spanStartMs(Date.parse('2026-12-02T00:00:00Z'))).toBe(Date.parse('2026-12-01T00:00:00Z'));
  });

  it('are refused when a period cuts one (checkPeriod)', () => {
    const { startMs, endMs } = weekBounds(parseIsoWeek('2026-W47'), 'Asia/Novosibirsk');
    expect(() => checkPeriod(startMs, endMs)).not.toThrow();
    expect(() => checkPeriod(startMs, startMs + 72 * HOUR_MS)).toThrow(/whole spans/);
    expect(() => checkPeriod(startMs + 24 * HOUR_MS, endMs)).toThrow(/whole spans/);
    expect(isWholeSpans(Date.parse('2026-11-15T12:00:00Z'), Date.parse('2026-11-15T15:00:00Z'))).toBe(true); // hours of a week's edge
  });
});
