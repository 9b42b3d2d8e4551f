import { type Band } from '@sferum/contracts';
import {
  alertKey,
  DEFAULT_ALERT_SETTINGS,
  InvalidAlertSettingsError,
  kpiAlerts,
  reconcileAlerts,
  schoolTimeBetween,
  silenceAlert,
  type UnitSeries,
  validateAlertSettings,
} from './alert-rules';

const S = DEFAULT_ALERT_SETTINGS; // X = 5 points, Y = 30%, N = 3

function series(values: (number | null)[], bands?: (Band | null)[]): UnitSeries {
  return {
    region: '54',
    municipality: '54-m01',
    name: 'Бердск',
    kpi: 'teachers_10_messages',
    points: values.map((value, i) => ({ week: `2026-W${String(40 + i).padStart(2, '0')}`, value, band: bands?.[i] ?? null })),
  };
}
const kinds = (s: UnitSeries, settings = S) => kpiAlerts(s, settings).map((a) => a.kind);

describe('KPI alert rules', () => {
  it('band_worse: only a worse band than the week before', () => {
    expect(kinds(series([26, 24], ['good', 'average']))).toEqual(['band_worse']); // a fall of 2 points: no drop
    expect(kinds(series([30, 9], ['good', 'below_norm']))).toContain('band_worse');
    expect(kinds(series([20, 30], ['average', 'good']))).toEqual([]);
    expect(kinds(series([20, 21], ['average', 'average']))).toEqual([]);
    expect(kinds(series([null, 20], [null, 'average']))).toEqual([]);
    const [alert] = kpiAlerts(series([30, 24], ['good', 'average']), S);
    expect(alert).toMatchObject({ key: 'band_worse|54|54-m01|teachers_10_messages', week: '2026-W41', details: { from: 'good', to: 'average' } });
  });

  it('drop by points: a fall of exactly X points against the mean of N weeks alerts, less does not', () => {
    expect(kinds(series([20, 21, 22, 16]))).toEqual(['drop']); // mean 21, fall 5.00
    expect(kinds(series([20, 21, 22, 16.01]))).toEqual([]); // fall 4.99 and 23.8% < 30%
    const [alert] = kpiAlerts(series([20, 21, 22, 16]), S);
    expect(alert!.details).toMatchObject({ baselineMean: 21, fallPoints: 5, rule: 'points', baselineWeeks: ['2026-W40', '2026-W41', '2026-W42'] });
  });

  it('drop relative: a fall of exactly Y% of the mean alerts even when under X points', () => {
    expect(kinds(series([1, 1, 1, 0.7]))).toEqual(['drop']); // 30% of 1.00
    expect(kinds(series([1, 1, 1, 0.71]))).toEqual([]);
    expect(kpiAlerts(series([1, 1, 1, 0.7]), S)[0]!.details).toMatchObject({ rule: 'relative', fallPercent: 30 });
  });

  it('a rise never alerts, however large', () => {
    expect(kinds(series([1, 1, 1, 90], ['below_norm', 'below_norm', 'below_norm', 'good']))).toEqual([]);
  });

  it('uses only the last N weeks before the last one, skipping weeks without a value', () => {
    expect(kinds(series([90, 10, 10, 10, 9]))).toEqual([]); // the 90 is older than N = 3
    expect(kinds(series([90, 10, 10, 10, 9]), { ...S, baselineWeeks: 4 })).toEqual(['drop']); // mean 30
    expect(kinds(series([null, null, 20, 14]))).toEqual(['drop']); // baseline of one week
    expect(kinds(series([null, null, null, 0]))).toEqual([]); // no baseline
    expect(kinds(series([20, 20, 20, null]))).toEqual([]); // no value this week: nothing to compare
  });

  describe('small cells: a week whose teacher figures are withheld counts as a week without a value', () => {
    /** The values as given, the weeks at `withheld` marked suppressed (a withheld point carries no value; these carry one to show it is ignored). */
    const withSuppressed = (values: number[], bands: Band[], withheld: number[]): UnitSeries => {
      const s = series(values, bands);
      return { ...s, points: s.points.map((p, i) => (withheld.includes(i) ? { ...p, suppressed: 'small_cell' as const } : p)) };
    };

    it('no band_worse and no drop when the last week is suppressed', () => {
      expect(kinds(withSuppressed([30, 30, 30, 0], ['good', 'good', 'good', 'below_norm'], []))).toEqual(['band_worse', 'drop']);
      expect(kinds(withSuppressed([30, 30, 30, 0], ['good', 'good', 'good', 'below_norm'], [3]))).toEqual([]);
    });

    it('no band_worse against a suppressed week before', () => {
      expect(kinds(withSuppressed([30, 30, 30, 24], ['good', 'good', 'good', 'average'], [2]))).toEqual(['drop']); // a fall of 6 points against weeks 0 and 1; no band to compare with
      expect(kinds(withSuppressed([26, 26, 26, 24], ['good', 'good', 'good', 'average'], [2]))).toEqual([]);
      expect(kinds(withSuppressed([26, 26, 26, 24], ['good', 'good', 'good', 'average'], []))).toEqual(['band_worse']);
    });

    it('suppressed weeks are left out of the mean of the N weeks', () => {
      // Without the rule the 90 of the withheld week lifts the mean to 40: a drop of 30 points.
      expect(kinds(withSuppressed([15, 15, 90, 10], ['average', 'average', 'good', 'below_norm'], [2]))).toEqual(['drop']); // mean 15 of two weeks, fall 5
      const [drop] = kpiAlerts(withSuppressed([15, 15, 90, 10], ['average', 'average', 'good', 'below_norm'], [2]), S);
      expect(drop!.details).toMatchObject({ baselineMean: 15, baselineWeeks: ['2026-W40', '2026-W41'] });
      expect(kinds(withSuppressed([15, 15, 90, 12], ['average', 'average', 'good', 'average'], [2]))).toEqual([]); // fall 3 points, 20%
      expect(kinds(withSuppressed([30, 30, 30, 0], ['good', 'good', 'good', 'below_norm'], [0, 1, 2]))).toEqual([]); // no week shown before: no baseline, no band before
    });
  });

  it('a fall to zero from zero is no fall', () => {
    expect(kinds(series([0, 0, 0, 0]))).toEqual([]);
  });

  it('validates settings and names every problem', () => {
    expect(validateAlertSettings({ dropPoints: 2.5, schoolDays: [5, 1] })).toMatchObject({ dropPoints: 2.5, schoolDays: [1, 5], baselineWeeks: 3 });
    expect(() => validateAlertSettings({ dropPoints: 0 })).toThrow(InvalidAlertSettingsError);
    expect(validateAlertSettings({ enabled: false }).enabled).toBe(false);
    expect(() => validateAlertSettings({ enabled: 'no' })).toThrow('enabled: expected true or false');
    expect(() => validateAlertSettings({ dropPoints: 1.234 })).toThrow('dropPoints');
    expect(() => validateAlertSettings({ baselineWeeks: 0, silenceHours: 'x', colour: 1 })).toThrow(/unknown field\(s\): colour.*baselineWeeks.*silenceHours/);
    expect(() => validateAlertSettings({ schoolDays: [0] })).toThrow('schoolDays');
    expect(() => validateAlertSettings({ schoolDays: [1, 1] })).toThrow('schoolDays');
    expect(() => validateAlertSettings({ schoolDayStartHour: 18, schoolDayEndHour: 8 })).toThrow('before schoolDayEndHour');
  });
});

describe('silence in school hours of the region', () => {
  const NSK = 'Asia/Novosibirsk'; // UTC+7
  const at = (local: string) => Date.parse(`${local}+07:00`);
  const hours = (from: string, to: string) => schoolTimeBetween(at(from), at(to), NSK, S) / 3_600_000;

  it('counts only school days from 08:00 to 18:00 local', () => {
    expect(hours('2026-11-23T09:00:00', '2026-11-23T12:30:00')).toBe(3.5); // Monday
    expect(hours('2026-11-23T17:00:00', '2026-11-24T09:00:00')).toBe(2); // evening and night do not count
    expect(hours('2026-11-28T17:00:00', '2026-11-30T09:00:00')).toBe(2); // Saturday 17-18, Sunday none, Monday 8-9
    expect(hours('2026-11-29T01:00:00', '2026-11-29T23:00:00')).toBe(0); // Sunday
    expect(hours('2026-11-23T12:00:00', '2026-11-23T12:00:00')).toBe(0);
  });

  it('a region is silent after H school hours without events, not before', () => {
    const region = { code: '54', timeZone: NSK };
    const last = at('2026-11-23T15:00:00'); // Monday 15:00
    expect(silenceAlert(region, last, at('2026-11-24T08:59:59'), S)).toBeNull(); // 3 h 59 m 59 s
    const alert = silenceAlert(region, last, at('2026-11-24T09:00:00'), S); // 3 h Monday + 1 h Tuesday
    expect(alert).toMatchObject({ kind: 'silence', key: alertKey('silence', '54', null, null), region: '54' });
    // The same UTC instants are not school hours in Vladivostok's evening.
    expect(silenceAlert({ code: '25', timeZone: 'Asia/Vladivostok' }, last, at('2026-11-23T19:00:00'), S)).toBeNull();
  });
});

describe('reconciling alerts', () => {
  it('fires new conditions, resolves those that stopped, keeps the rest', () => {
    const c = (key: string) => ({ key, kind: 'drop' as const, region: '54', municipality: null, kpi: null, week: null, summary: '', details: {} });
    const result = reconcileAlerts([{ key: 'a', id: 1 }, { key: 'b', id: 2 }], [c('b'), c('c')]);
    expect(result.fire.map((x) => x.key)).toEqual(['c']);
    expect(result.resolve).toEqual([{ key: 'a', id: 1 }]);
    expect(result.ongoing.map((x) => x.key)).toEqual(['b']);
  });
});
