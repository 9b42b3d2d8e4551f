/**
 * When a region or municipality has dropped: the alert rules, pure.
 *
 *   band_worse  the unit's band of the last complete week is worse than the
 *               week before (good -> average -> below_norm)
 *   drop        the last week's value fell, against the mean of the previous
 *               N weeks, by at least X percentage points or at least Y% of
 *               that mean (falls only: a rise never alerts)
 *   silence     a region's events stopped arriving for H hours counted only
 *               inside school hours of its own time zone
 *
 * Drops are decided exactly on the values in hundredths of a percent (what
 * the API reports), so a fall of exactly X points alerts.
 *
 * Small cells (libs/domain/src/kpi/small-cells.ts): a week in which the
 * unit's teacher figures are withheld (`suppressed`) is a week without a
 * value. A suppressed last week raises no alert (and the unit's active
 * KPI alerts resolve: nothing can be said of it); a suppressed week before
 * it raises no band_worse; suppressed weeks are left out of the baseline,
 * whose mean is then taken over the weeks that were shown (none: no drop).
 * So no alert ever carries a withheld value.
 */
import { type AlertKind, type Band, BANDS, type KpiId, type SuppressionReason } from '@sferum/contracts';
import { type LocalDate, localDateOf, startOfLocalDay } from '../week/iso-week';

export interface AlertSettings {
  /** False mutes the region (during a backfill, say): no alert fires or resolves. */
  readonly enabled: boolean;
  /** Fall in percentage points that alerts (X). */
  readonly dropPoints: number;
  /** Fall relative to the baseline mean that alerts, percent (Y). */
  readonly dropRelativePercent: number;
  /** Weeks before the last one whose mean is the baseline (N). */
  readonly baselineWeeks: number;
  /** School hours without any event that make a region silent (H). */
  readonly silenceHours: number;
  /** ISO weekdays with school hours, 1 = Monday. */
  readonly schoolDays: readonly number[];
  /** School hours, local: [start, end). */
  readonly schoolDayStartHour: number;
  readonly schoolDayEndHour: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  enabled: true,
  dropPoints: 5,
  dropRelativePercent: 30,
  baselineWeeks: 3,
  silenceHours: 4,
  schoolDays: [1, 2, 3, 4, 5, 6],
  schoolDayStartHour: 8,
  schoolDayEndHour: 18,
};

export class InvalidAlertSettingsError extends Error {}

const TWO_DECIMALS = /^\d{1,3}(\.\d{1,2})?$/;

/** Validates settings a person wrote (API or database): every problem named. */
export function validateAlertSettings(input: Record<string, unknown>): AlertSettings {
  const problems: string[] = [];
  const unknown = Object.keys(input).filter((k) => !(k in DEFAULT_ALERT_SETTINGS));
  if (unknown.length > 0) problems.push(`unknown field(s): ${unknown.join(', ')}`);
  const merged = { ...DEFAULT_ALERT_SETTINGS, ...input } as Record<string, unknown>;
  const percent = (name: string, max: number) => {
    const v = merged[name];
    if (typeof v !== 'number' || !TWO_DECIMALS.test(String(v)) || v <= 0 || v > max) problems.push(`${name}: expected a number above 0 and at most ${max}, with at most two decimals`);
  };
  const int = (name: string, min: number, max: number) => {
    const v = merged[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push(`${name}: expected an integer from ${min} to ${max}`);
  };
  if (typeof merged['enabled'] !== 'boolean') problems.push('enabled: expected true or false');
  percent('dropPoints', 100);
  percent('dropRelativePercent', 100);
  int('baselineWeeks', 1, 12);
  int('silenceHours', 1, 168);
  int('schoolDayStartHour', 0, 23);
  int('schoolDayEndHour', 1, 24);
  const days = merged['schoolDays'];
  if (!Array.isArray(days) || days.length === 0 || days.some((d) => !Number.isInteger(d) || (d as number) < 1 || (d as number) > 7) || new Set(days).size !== days.length) {
    problems.push('schoolDays: expected distinct ISO weekdays 1 (Monday) to 7 (Sunday)');
  }
  if (problems.length === 0 && (merged['schoolDayStartHour'] as number) >= (merged['schoolDayEndHour'] as number)) {
    problems.push('schoolDayStartHour: must be before schoolDayEndHour');
  }
  if (problems.length > 0) throw new InvalidAlertSettingsError(problems.join('; '));
  return { ...(merged as unknown as AlertSettings), schoolDays: [...(days as number[])].sort((a, b) => a - b) };
}

/** A condition that holds now; the same key while it keeps holding. */
export interface AlertCandidate {
  readonly key: string;
  readonly kind: AlertKind;
  readonly region: string;
  readonly municipality: string | null;
  readonly kpi: KpiId | null;
  /** The week the condition was seen in (KPI alerts). */
  readonly week: string | null;
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

export interface SeriesPoint {
  readonly week: string;
  readonly value: number | null;
  readonly band: Band | null;
  /** Set when the week's figures of the unit are withheld: the point counts as having no value. */
  readonly suppressed?: SuppressionReason;
}

/** A point as the rules see it: a withheld week has neither value nor band, whatever it was given. */
function shown(point: SeriesPoint): SeriesPoint {
  if (point.suppressed === undefined) return point;
  return { week: point.week, value: null, band: null };
}

/** One indicator of one unit, oldest week first, the last complete week last. */
export interface UnitSeries {
  readonly region: string;
  /** null: the whole region. */
  readonly municipality: string | null;
  readonly name: string;
  readonly kpi: KpiId;
  readonly points: readonly SeriesPoint[];
}

export function alertKey(kind: AlertKind, region: string, municipality: string | null, kpi: KpiId | null): string {
  return [kind, region, municipality ?? '*', kpi ?? '*'].join('|');
}

const rank = (band: Band) => BANDS.indexOf(band);
const hundredths = (value: number) => Math.round(value * 100);

/** The KPI alerts of one unit's series for its last week. */
export function kpiAlerts(series: UnitSeries, settings: AlertSettings): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const points = series.points.map(shown);
  const last = points[points.length - 1];
  if (last === undefined || last.value === null) return out;
  const base = { region: series.region, municipality: series.municipality, kpi: series.kpi, week: last.week };
  const where = series.municipality === null ? `region ${series.region}` : `${series.name} (${series.region})`;

  const previous = points[points.length - 2];
  if (previous?.band != null && last.band !== null && rank(last.band) < rank(previous.band)) {
    out.push({
      ...base,
      key: alertKey('band_worse', series.region, series.municipality, series.kpi),
      kind: 'band_worse',
      summary: `${where}: ${series.kpi} fell from ${previous.band} to ${last.band} in ${last.week}`,
      details: { from: previous.band, to: last.band, previousValue: previous.value, value: last.value },
    });
  }

  const baseline = points.slice(Math.max(0, points.length - 1 - settings.baselineWeeks), -1).filter((p) => p.value !== null);
  if (baseline.length > 0) {
    const n = baseline.length;
    const sum = baseline.reduce((s, p) => s + hundredths(p.value!), 0); // mean = sum / n hundredths
    const fallTimesN = sum - hundredths(last.value) * n; // fall = fallTimesN / n hundredths
    const byPoints = fallTimesN > 0 && fallTimesN >= hundredths(settings.dropPoints) * n;
    const byShare = fallTimesN > 0 && sum > 0 && fallTimesN * 10_000 >= hundredths(settings.dropRelativePercent) * sum;
    if (byPoints || byShare) {
      const mean = sum / n / 100;
      const fall = fallTimesN / n / 100;
      out.push({
        ...base,
        key: alertKey('drop', series.region, series.municipality, series.kpi),
        kind: 'drop',
        summary: `${where}: ${series.kpi} ${last.value}% in ${last.week}, ${round2(fall)} points below the mean of the ${n} week(s) before (${round2(mean)}%)`,
        details: {
          value: last.value,
          baselineMean: round2(mean),
          baselineWeeks: baseline.map((p) => p.week),
          fallPoints: round2(fall),
          fallPercent: sum > 0 ? round2((fallTimesN * 100) / sum) : null,
          rule: byPoints && byShare ? 'points and relative' : byPoints ? 'points' : 'relative',
        },
      });
    }
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

const HOUR_MS = 3_600_000;

function nextDay(date: LocalDate): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function weekday(date: LocalDate): number {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Milliseconds of school hours (local, per the settings) between two instants. */
export function schoolTimeBetween(fromMs: number, toMs: number, timeZone: string, settings: AlertSettings, capMs = Infinity): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  const last = localDateOf(toMs, timeZone);
  for (let day = localDateOf(fromMs, timeZone); ; day = nextDay(day)) {
    if (settings.schoolDays.includes(weekday(day))) {
      const midnight = startOfLocalDay(day, timeZone);
      const open = Math.max(fromMs, midnight + settings.schoolDayStartHour * HOUR_MS);
      const close = Math.min(toMs, midnight + settings.schoolDayEndHour * HOUR_MS);
      if (close > open) total += close - open;
      if (total >= capMs) return total;
    }
    if (day.year === last.year && day.month === last.month && day.day === last.day) return total;
  }
}

/** A region whose last event arrived H school hours ago or more. */
export function silenceAlert(
  region: { readonly code: string; readonly timeZone: string },
  lastIngestedMs: number,
  nowMs: number,
  settings: AlertSettings,
): AlertCandidate | null {
  const limit = settings.silenceHours * HOUR_MS;
  const quiet = schoolTimeBetween(lastIngestedMs, nowMs, region.timeZone, settings, limit);
  if (quiet < limit) return null;
  return {
    key: alertKey('silence', region.code, null, null),
    kind: 'silence',
    region: region.code,
    municipality: null,
    kpi: null,
    week: null,
    summary: `region ${region.code}: no event for ${settings.silenceHours}+ school hours (last one arrived ${new Date(lastIngestedMs).toISOString()})`,
    details: { lastEventAt: new Date(lastIngestedMs).toISOString(), silenceHours: settings.silenceHours },
  };
}

/** What changes between the alerts active now and the conditions that hold now. */
export function reconcileAlerts<A extends { readonly key: string }>(
  active: readonly A[],
  candidates: readonly AlertCandidate[],
): { readonly fire: AlertCandidate[]; readonly resolve: A[]; readonly ongoing: AlertCandidate[] } {
  const holding = new Map(candidates.map((c) => [c.key, c]));
  const activeKeys = new Set(active.map((a) => a.key));
  return {
    fire: [...holding.values()].filter((c) => !activeKeys.has(c.key)),
    resolve: active.filter((a) => !holding.has(a.key)),
    ongoing: [...holding.values()].filter((c) => activeKeys.has(c.key)),
  };
}
