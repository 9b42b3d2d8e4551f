import { parseIsoWeek, weekBounds } from '@sferum/domain';
import { type FactWrites, onboardingWrites, periodWrites, utcMonth } from './fact-writes';

const writes = (entries: Record<string, number>): FactWrites => ({ parts: new Map(Object.entries(entries).map(([key, parts]) => [key, String(parts)])) });

describe('periodWrites: the writes that can change a period', () => {
  const base = { 'activity:202610': 5, 'activity:202611': 7, 'activity:202612': 9, 'registration:202609': 3, 'registration:202611': 4, 'registration:202612': 1 };
  // 2026-W47 in Novosibirsk (UTC+7): 2026-11-15T17:00Z to 2026-11-22T17:00Z, all in November UTC.
  const { startMs, endMs } = weekBounds(parseIsoWeek('2026-W47'), 'Asia/Novosibirsk');

  it('are the activity of the months the period overlaps and the registrations up to its last month', () => {
    expect(periodWrites(writes(base), startMs, endMs)).toBe('activity:202611=7,registration:202609=3,registration:202611=4');
  });

  it('change with a write of the period, not with writes of later months or of other periods activity', () => {
    const before = periodWrites(writes(base), startMs, endMs);
    expect(periodWrites(writes({ ...base, 'activity:202612': 100, 'registration:202612': 50, 'activity:202610': 6 }), startMs, endMs)).toBe(before);
    expect(periodWrites(writes({ ...base, 'activity:202611': 8 }), startMs, endMs)).not.toBe(before);
    expect(periodWrites(writes({ ...base, 'registration:202609': 4 }), startMs, endMs)).not.toBe(before);
    expect(periodWrites(writes({ ...base, 'registration:202401': 1 }), startMs, endMs)).not.toBe(before); // a first write of an older month
  });

  it('take a week across a month boundary as both months, the end exclusive', () => {
    // 2026-W49 in UTC: Monday 30 November to Monday 7 December.
    const w49 = weekBounds(parseIsoWeek('2026-W49'), 'UTC');
    expect(periodWrites(writes(base), w49.startMs, w49.endMs)).toBe('activity:202611=7,activity:202612=9,registration:202609=3,registration:202611=4,registration:202612=1');
    // A period ending at 1 December 00:00 UTC holds nothing of December.
    expect(periodWrites(writes(base), Date.UTC(2026, 10, 23), Date.UTC(2026, 11, 1))).toBe('activity:202611=7,registration:202609=3,registration:202611=4');
  });

  it("count every organization fact up to the period's last month, as registrations", () => {
    const before = periodWrites(writes({ ...base, 'organization:0': 2 }), startMs, endMs);
    expect(before).toContain('organization:0=2');
    expect(periodWrites(writes({ ...base, 'organization:0': 3 }), startMs, endMs)).not.toBe(before);
  });

  it("never count the funnel's first activity for a KPI figure: a message naming an organization changes no other month's figures", () => {
    const before = periodWrites(writes({ ...base, 'first_activity:0': 2 }), startMs, endMs);
    expect(periodWrites(writes({ ...base, 'first_activity:0': 3 }), startMs, endMs)).toBe(before);
  });

  it('onboardingWrites: registrations, organization facts and first activity, whatever their month; no activity', () => {
    const all = { ...base, 'organization:0': 2, 'first_activity:0': 5 };
    expect(onboardingWrites(writes(all))).toBe('first_activity:0=5,organization:0=2,registration:202609=3,registration:202611=4,registration:202612=1');
    expect(onboardingWrites(writes({ ...all, 'activity:202611': 70 }))).toBe(onboardingWrites(writes(all)));
    for (const key of ['first_activity:0', 'organization:0', 'registration:202612']) {
      expect(onboardingWrites(writes({ ...all, [key]: 99 }))).not.toBe(onboardingWrites(writes(all)));
    }
  });

  it('name UTC months as toYYYYMM does', () => {
    expect(utcMonth(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe(202612);
    expect(utcMonth(Date.UTC(2027, 0, 1))).toBe(202701);
  });
});
