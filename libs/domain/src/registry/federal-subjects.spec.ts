import { isValidTimeZone, zoneOffsetMs } from '../week/iso-week';
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
