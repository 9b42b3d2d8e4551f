import { Inject, Injectable } from '@nestjs/common';
import { isKpiId, type KpiId, type OrgCategory, type RegionKpiSettings, type SuppressionReason, type TargetId } from '@sferum/contracts';
import {
  addWeeks,
  buildKpiRows,
  callActivity,
  compareWeeks,
  comparePeriods,
  countedMessageActivities,
  isPartialPeriod,
  formatIsoWeek,
  formatPeriod,
  isPeriodInRange,
  lastCompletePeriod,
  periodBounds,
  periodStart,
  shiftPeriod,
  weekPeriod,
  type Clock,
  type GroupBy,
  type IsoWeek,
  type KpiRow,
  type Period,
  type PeriodKind,
  type ReportOrganization,
  type ReportScope,
  type Threshold,
  type UnitLevel,
  unitLevelOf,
} from '@sferum/domain';
import { type FactWrites, noFigures, type PeriodFigures } from '@sferum/infra-clickhouse';
import { CLOCK } from '@sferum/infra-http';
import { RegistryCache, type CachedRegion } from '../registry/registry-cache';
import { parseKpiRequest } from './kpi-request';
import { WeekFiguresService } from './week-figures.service';

export interface KpiRequest {
  readonly region: Pick<CachedRegion, 'code' | 'name' | 'timeZone'>;
  /** The kind of period asked: an ISO week (default) or a calendar month, in the region's zone. */
  readonly periodKind: PeriodKind;
  /** Absent: the last complete period of that kind in the region's zone. */
  readonly period?: Period;
  readonly groupBy?: GroupBy;
  readonly municipality?: string;
  readonly category?: OrgCategory;
}

/**
 * Which period an answer or a point is of: `week` and `weekStart` (its
 * local Monday) for a week, `month` and `monthStart` (its local 1st) for a
 * month.
 */
export interface PeriodFields {
  readonly period: PeriodKind;
  readonly week?: string;
  readonly weekStart?: string;
  readonly month?: string;
  readonly monthStart?: string;
}

/** The fields that name a period in answers (PeriodFields). */
export function periodFields(period: Period): PeriodFields {
  return period.kind === 'week'
    ? { period: 'week', week: formatPeriod(period), weekStart: periodStart(period) }
    : { period: 'month', month: formatPeriod(period), monthStart: periodStart(period) };
}

export interface KpiAnswer extends PeriodFields {
  readonly region: string;
  readonly timeZone: string;
  readonly partial: boolean;
  readonly settings: RegionKpiSettings;
  readonly rows: KpiRow[];
}

export interface HistoryPoint extends PeriodFields {
  readonly partial: boolean;
  /** Null when withheld (a small cell that week). */
  readonly numerator: number | null;
  readonly denominator: number;
  readonly value: number | null;
  readonly band: string | null;
  /** Set when the unit was a small cell that week: numerator, value and band withheld. */
  readonly suppressed?: SuppressionReason;
  /** Of a federal target: what is missing to 100%. */
  readonly gap?: number | null;
}

export interface KpiHistory {
  readonly region: string;
  /** A banded indicator, or a federal target (whose points have no band, and a gap). */
  readonly kpi: KpiId | TargetId;
  readonly period: PeriodKind;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  /** The region's small-cell minimum: a period whose unit had fewer teachers is withheld. */
  readonly minTeacherDenominator: number;
  readonly series: { readonly level: string; readonly id: string; readonly name: string; readonly points: HistoryPoint[] }[];
}

interface RegionContext {
  readonly request: KpiRequest;
  readonly registryVersion: number;
  readonly settings: RegionKpiSettings;
  readonly thresholds: readonly Threshold[];
  readonly organizations: readonly ReportOrganization[];
  /** The levels of units the answer's rows read (its figures count those only). */
  readonly levels: readonly UnitLevel[];
}

/** Weeks of a history read from ClickHouse at once (a history may span 104). */
const HISTORY_CONCURRENCY = 4;

/**
 * KPI answers: the registry, settings and thresholds from the cached copy
 * (no PostgreSQL per request), one ClickHouse query per week placed by
 * the mirrored registry of the same version (kept until a write touches
 * them: week-figures.service.ts), the rules from the domain.
 */
@Injectable()
export class KpiQueryService {
  constructor(
    @Inject(RegistryCache) private readonly registry: RegistryCache,
    @Inject(WeekFiguresService) private readonly weekFigures: WeekFiguresService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The request of a KPI view from its query parameters (400 problems), by the cached registry. */
  request(query: Record<string, unknown>): KpiRequest {
    return parseKpiRequest(this.registry.registry, query);
  }

  /** The period asked, or the last complete one of its kind in the region's zone. */
  periodOf(request: KpiRequest, nowMs = this.clock.now()): Period {
    return request.period ?? lastCompletePeriod(request.periodKind, nowMs, request.region.timeZone);
  }

  async answer(request: KpiRequest, nowMs = this.clock.now()): Promise<KpiAnswer> {
    const { region } = request;
    const period = this.periodOf(request, nowMs);
    const context = this.context(request);
    const writes = await this.weekFigures.writes();
    const [current, previous] = await Promise.all([this.figures(context, period, writes), this.figures(context, shiftPeriod(period, -1), writes)]);
    return {
      region: region.code,
      ...periodFields(period),
      timeZone: region.timeZone,
      partial: isPartialPeriod(period, nowMs, region.timeZone),
      settings: context.settings,
      rows: this.rows(context, period, current, previous),
    };
  }

  /** Values of one indicator per period from `from` to `to` (periods of one kind, at most 104 weeks or 24 months), per unit. */
  async history(request: KpiRequest, kpi: KpiId | TargetId, from: Period, to: Period, nowMs = this.clock.now()): Promise<KpiHistory> {
    const context = this.context(request);
    const periods: Period[] = [];
    for (let p = from; comparePeriods(p, to) <= 0; p = shiftPeriod(p, 1)) periods.push(p);
    const none = noFigures();
    const writes = await this.weekFigures.writes();
    const perPeriod = await mapBounded(periods, HISTORY_CONCURRENCY, async (period) => ({
      period,
      rows: this.rows(context, period, await this.figures(context, period, writes), none),
    }));
    const series = new Map<string, KpiHistory['series'][number]>();
    for (const { period, rows } of perPeriod) {
      for (const row of rows) {
        const entry = series.get(`${row.level}:${row.id}`) ?? { level: row.level, id: row.id, name: row.name, points: [] };
        const partial = isPartialPeriod(period, nowMs, request.region.timeZone);
        if (isKpiId(kpi)) {
          const { numerator, denominator, value, band, suppressed } = row.kpis[kpi];
          entry.points.push({ ...periodFields(period), partial, numerator, denominator, value, band, ...(suppressed === undefined ? {} : { suppressed }) });
        } else {
          const { numerator, denominator, value, gap } = row.targets[kpi];
          entry.points.push({ ...periodFields(period), partial, numerator, denominator, value, band: null, gap });
        }
        series.set(`${row.level}:${row.id}`, entry);
      }
    }
    return {
      region: request.region.code,
      kpi,
      period: from.kind,
      from: formatPeriod(from),
      to: formatPeriod(to),
      timeZone: request.region.timeZone,
      minTeacherDenominator: context.settings.minTeacherDenominator,
      series: [...series.values()],
    };
  }

  /**
   * The region row and the municipality rows of several weeks, each week's
   * figures read once (for the monitor: gauges and drop detection). A row's
   * `previous` is left null for the first week asked.
   */
  async monitorRows(region: KpiRequest['region'], weeks: readonly IsoWeek[]): Promise<Map<string, { region: KpiRow; municipalities: KpiRow[] }>> {
    // One figure per week for both: the region row and the municipality rows.
    const context: RegionContext = { ...this.context({ region, periodKind: 'week' }), levels: ['region', 'municipality'] };
    const writes = await this.weekFigures.writes();
    const figures = await mapBounded(weeks, HISTORY_CONCURRENCY, (week) => this.figures(context, weekPeriod(week), writes));
    const none = noFigures();
    const byMunicipality: RegionContext = { ...context, request: { region, periodKind: 'week', groupBy: 'municipality' } };
    const out = new Map<string, { region: KpiRow; municipalities: KpiRow[] }>();
    weeks.forEach((week, i) => {
      const before = i > 0 && compareWeeks(weeks[i - 1]!, addWeeks(week, -1)) === 0 ? figures[i - 1]! : none;
      const [regionRow] = this.rows(context, weekPeriod(week), figures[i]!, before);
      out.set(formatIsoWeek(week), { region: regionRow!, municipalities: this.rows(byMunicipality, weekPeriod(week), figures[i]!, before) });
    });
    return out;
  }

  /** A region's KPI settings as the cached registry holds them. */
  settings(region: KpiRequest['region']): RegionKpiSettings {
    return this.context({ region, periodKind: 'week' }).settings;
  }

  /** The thresholds the bands are decided on, as the cached registry holds them. */
  thresholds(): readonly Threshold[] {
    return this.registry.registry.thresholds;
  }

  /** One region's registry, settings and thresholds: one version of the cached registry for the whole answer. */
  private context(request: KpiRequest): RegionContext {
    const registry = this.registry.registry;
    const region = registry.regions.get(request.region.code);
    if (region === undefined) throw new Error(`region ${request.region.code} is not in registry version ${registry.version}`);
    return {
      request,
      registryVersion: registry.mirrorVersion,
      settings: region.settings,
      thresholds: registry.thresholds,
      organizations: region.organizations,
      levels: [unitLevelOf(request.groupBy, scopeOf(request))],
    };
  }

  /** The activity counters of a period and its active organizations (one ClickHouse query, or kept: week-figures.service.ts). */
  private figures(context: RegionContext, period: Period, writes: FactWrites): Promise<PeriodFigures> {
    // The period before the first one ClickHouse holds (the previous period
    // of an answer, a report's trend) has no facts: nothing to ask.
    if (!isPeriodInRange(period)) return Promise.resolve(noFigures());
    const { startMs, endMs } = periodBounds(period, context.request.region.timeZone);
    return this.weekFigures.figures(
      {
        region: context.request.region.code,
        registryVersion: context.registryVersion,
        startMs,
        endMs,
        countedActivities: countedMessageActivities(context.settings.countedMessageKinds),
        callActivity: callActivity(context.settings.callMode),
        levels: context.levels,
      },
      writes,
    );
  }

  /**
   * The rows of a period. The bands are weekly (the federal indicators are
   * a week's): a month is evaluated against no threshold, so its shares
   * carry no band.
   */
  private rows(context: RegionContext, period: Period, current: PeriodFigures, previous: PeriodFigures): KpiRow[] {
    const { request } = context;
    return buildKpiRows({
      region: { code: request.region.code, name: request.region.name },
      organizations: context.organizations,
      current: current.counters,
      previous: previous.counters,
      activeOrgs: current.activeOrgs,
      previousActiveOrgs: previous.activeOrgs,
      orgFacts: current.orgFacts,
      previousOrgFacts: previous.orgFacts,
      ...(request.groupBy === undefined ? {} : { groupBy: request.groupBy }),
      scope: scopeOf(request),
      teacherDenominator: context.settings.teacherDenominator,
      minTeacherDenominator: context.settings.minTeacherDenominator,
      thresholds: period.kind === 'week' ? context.thresholds : [],
      weekMonday: periodStart(period),
      previousWeekMonday: periodStart(shiftPeriod(period, -1)),
    });
  }
}

/** The municipality and category a request is narrowed to. */
export function scopeOf(request: KpiRequest): ReportScope {
  return {
    ...(request.municipality === undefined ? {} : { municipality: request.municipality }),
    ...(request.category === undefined ? {} : { category: request.category }),
  };
}

/** Runs `work` over `items` with at most `limit` at once; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
