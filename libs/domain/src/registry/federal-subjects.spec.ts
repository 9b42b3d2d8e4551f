import { addWeeks, formatIsoWeek, isValidTimeZone, weekBounds, zoneOffsetMs } from '../week/iso-week';
import { FEDERAL_SUBJECTS } from './federal-subjects';

describe('federal subjects', () => {
  it('are 89, with unique two-digit codes and names', () => {
    expect(FEDERAL_SUBJECTS).toHaveLength(89);
    expect(new Set(FEDERAL_SUBJECTS.map((s) => s.code)).size).toBe(89);
    expect(new Set(FEDERAL_SUBJECTS.map((s) => s.name)).size).toBe(89);
    for (const s of FEDERAL_SUBJECTS) expect(s.code).toMatch(/^\d{2}$/);
  });

  it('every zone is known and lies in Russia’s UTC+2..UTC+12', () => {
    const at = Date.parse('2024-01-15T00:00:00Z');
    for (const s of FEDERAL_SUBJECTS) {
      expect(isValidTimeZone(s.timeZone)).toBe(true);
      const hours = zoneOffsetMs(at, s.timeZone) / 3_600_000;
      expect(hours).toBeGreaterThanOrEqual(2);
      expect(hours).toBeLessThanOrEqual(12);
    }
  });

  it('the zone data shipped keeps every zone a whole-hour offset from UTC, 2015 to 2035', () => {
    // The activity is kept in UTC hours (ClickHouse migration 0002): a local
    // week is a whole number of them only if this holds. Checked on the 1st
    // and 15th of every month, and at every week boundary the KPIs cut.
    // (Offsets did change, in 2016 and later, by whole hours: that is fine.)
    const bad: string[] = [];
    for (const zone of new Set(FEDERAL_SUBJECTS.map((s) => s.timeZone))) {
      for (let year = 2015; year <= 2035; year++) {
        for (let month = 0; month < 12; month++) {
          for (const day of [1, 15]) {
            const offset = zoneOffsetMs(Date.UTC(year, month, day), zone);
            if (offset % 3_600_000 !== 0) bad.push(`${zone} ${year}-${month + 1}-${day}: ${offset / 60_000} min`);
          }
        }
      }
      for (let week = addWeeks({ year: 2015, week: 1 }, 0); week.year <= 2035; week = addWeeks(week, 1)) {
        const { startMs, endMs } = weekBounds(week, zone);
        if (startMs % 3_600_000 !== 0 || endMs % 3_600_000 !== 0) bad.push(`${zone} ${formatIsoWeek(week)}: bounds not whole UTC hours`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the reference region is Novosibirsk oblast, UTC+7', () => {
    const nsk = FEDERAL_SUBJECTS.find((s) => s.code === '54');
    expect(nsk?.timeZone).toBe('Asia/Novosibirsk');
    expect(zoneOffsetMs(Date.parse('2023-05-08T00:00:00Z'), 'Asia/Novosibirsk')).toBe(7 * 3_600_000);
  });

  it('spans eleven zones, as Russia does', () => {
    const at = Date.parse('2024-01-15T00:00:00Z');
    const offsets = new Set(FEDERAL_SUBJECTS.map((s) => zoneOffsetMs(at, s.timeZone)));
    expect(offsets.size).toBe(11);
  });
});
