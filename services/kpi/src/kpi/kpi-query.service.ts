import { Inject, Injectable } from '@nestjs/common';
import { type KpiId, type OrgCategory } from '@sferum/contracts';
import {
  addWeeks,
  buildKpiRows,
  callActivity,
  compareWeeks,
  countedMessageActivities,
  currentWeek,
  formatIsoWeek,
  formatLocalDate,
  lastCompleteWeek,
  mondayOf,
  weekBounds,
  type ActivityCounters,
  type Clock,
  type GroupBy,
  type IsoWeek,
  type KpiRow,
  type ReportOrganization,
  type Threshold,
} from '@sferum/domain';
import { activeOrganizations, ClickHouse, unassignedEvents, unitActivityCounters } from '@sferum/infra-clickhouse';
import { exportOrganizations, getKpiSettings, listThresholds, type RegionKpiSettings } from '@sferum/infra-postgres';
import { CLOCK } from '@sferum/infra-http';
import { DataSource } from 'typeorm';

export interface KpiRequest {
  readonly region: { readonly code: string; readonly name: string; readonly timeZone: string };
  /** Absent: the last complete week in the region's zone. */
  readonly week?: IsoWeek;
  readonly groupBy?: GroupBy;
  readonly municipality?: string;
  readonly category?: OrgCategory;
}

export interface KpiAnswer {
  readonly region: string;
  readonly week: string;
  readonly weekStart: string;
  readonly timeZone: string;
  readonly partial: boolean;
  readonly settings: RegionKpiSettings;
  readonly rows: KpiRow[];
  readonly unassigned: { readonly events: number };
}

export interface HistoryPoint {
  readonly week: string;
  readonly weekStart: string;
  readonly partial: boolean;
  readonly numerator: number;
  readonly denominator: number;
  readonly value: number | null;
  readonly band: string | null;
}

export interface KpiHistory {
  readonly region: string;
  readonly kpi: KpiId;
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly series: { readonly level: string; readonly id: string; readonly name: string; readonly points: HistoryPoint[] }[];
}

interface WeekFigures {
  readonly counters: Map<string, ActivityCounters>;
  readonly activeOrgs: Set<string>;
}

interface RegionContext {
  readonly request: KpiRequest;
  readonly settings: RegionKpiSettings;
  readonly thresholds: Threshold[];
  readonly organizations: ReportOrganization[];
}

/**
 * KPI answers: the registry and settings from PostgreSQL, one ClickHouse
 * query per week over the pre-aggregated tables, the rules from the domain.
 */
@Injectable()
export class KpiQueryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async answer(request: KpiRequest, nowMs = this.clock.now()): Promise<KpiAnswer> {
    const { region } = request;
    const week = request.week ?? lastCompleteWeek(nowMs, region.timeZone);
    const previousWeek = addWeeks(week, -1);
    const context = await this.context(request);
    const [current, previous, unassigned] = await Promise.all([
      this.figures(context, week),
      this.figures(context, previousWeek),
      unassignedEvents(this.clickhouse, region.code, formatIsoWeek(week)),
    ]);
    return {
      region: region.code,
      week: formatIsoWeek(week),
      weekStart: formatLocalDate(mondayOf(week)),
      timeZone: region.timeZone,
      partial: this.isPartial(week, region.timeZone, nowMs),
      settings: context.settings,
      rows: this.rows(context, week, current, previous),
      unassigned: { events: Object.values(unassigned).reduce((n, v) => n + v, 0) },
    };
  }

  /** Weekly values of one indicator from `from` to `to` (at most 104 weeks), per unit. */
  async history(request: KpiRequest, kpi: KpiId, from: IsoWeek, to: IsoWeek, nowMs = this.clock.now()): Promise<KpiHistory> {
    const context = await this.context(request);
    const weeks: IsoWeek[] = [];
    for (let w = from; compareWeeks(w, to) <= 0; w = addWeeks(w, 1)) weeks.push(w);
    const none: WeekFigures = { counters: new Map(), activeOrgs: new Set() };
    const perWeek = await Promise.all(weeks.map(async (week) => ({ week, rows: this.rows(context, week, await this.figures(context, week), none) })));
    const series = new Map<string, KpiHistory['series'][number]>();
    for (const { week, rows } of perWeek) {
      for (const row of rows) {
        const entry = series.get(`${row.level}:${row.id}`) ?? { level: row.level, id: row.id, name: row.name, points: [] };
        const { numerator, denominator, value, band } = row.kpis[kpi];
        entry.points.push({
          week: formatIsoWeek(week),
          weekStart: formatLocalDate(mondayOf(week)),
          partial: this.isPartial(week, request.region.timeZone, nowMs),
          numerator,
          denominator,
          value,
          band,
        });
        series.set(`${row.level}:${row.id}`, entry);
      }
    }
    return {
      region: request.region.code,
      kpi,
      from: formatIsoWeek(from),
      to: formatIsoWeek(to),
      timeZone: request.region.timeZone,
      series: [...series.values()],
    };
  }

  /**
   * The region row and the municipality rows of several weeks, each week's
   * figures read once (for the monitor: gauges and drop detection). A row's
   * `previous` is left null for the first week asked.
   */
  async monitorRows(region: KpiRequest['region'], weeks: readonly IsoWeek[]): Promise<Map<string, { region: KpiRow; municipalities: KpiRow[] }>> {
    const context = await this.context({ region });
    const figures = await Promise.all(weeks.map((week) => this.figures(context, week)));
    const none: WeekFigures = { counters: new Map(), activeOrgs: new Set() };
    const byMunicipality: RegionContext = { ...context, request: { region, groupBy: 'municipality' } };
    const out = new Map<string, { region: KpiRow; municipalities: KpiRow[] }>();
    weeks.forEach((week, i) => {
      const before = i > 0 && compareWeeks(weeks[i - 1]!, addWeeks(week, -1)) === 0 ? figures[i - 1]! : none;
      const [regionRow] = this.rows(context, week, figures[i]!, before);
      out.set(formatIsoWeek(week), { region: regionRow!, municipalities: this.rows(byMunicipality, week, figures[i]!, before) });
    });
    return out;
  }

  private async context(request: KpiRequest): Promise<RegionContext> {
    const [settings, thresholds, records] = await Promise.all([
      getKpiSettings(this.dataSource, request.region.code),
      listThresholds(this.dataSource),
      exportOrganizations(this.dataSource, request.region.code),
    ]);
    return { request, settings, thresholds, organizations: records };
  }

  /** The activity counters of a week and its active organizations: two ClickHouse queries. */
  private async figures(context: RegionContext, week: IsoWeek): Promise<WeekFigures> {
    const weekEndMs = weekBounds(week, context.request.region.timeZone).endMs;
    const [counters, activeOrgs] = await Promise.all([
      unitActivityCounters(this.clickhouse, {
        region: context.request.region.code,
        week: formatIsoWeek(week),
        weekEndMs,
        organizations: context.organizations.map((o) => ({
          orgId: o.orgId,
          municipalityId: o.municipalityId,
          category: o.category,
          hasHeadcount: o.teacherHeadcount !== null,
        })),
        countedActivities: countedMessageActivities(context.settings.countedMessageKinds),
        callActivity: callActivity(context.settings.callMode),
        perOrganization: context.request.groupBy === 'organization',
      }),
      activeOrganizations(this.clickhouse, { region: context.request.region.code, atMs: weekEndMs, orgIds: context.organizations.map((o) => o.orgId) }),
    ]);
    return { counters, activeOrgs };
  }

  private rows(context: RegionContext, week: IsoWeek, current: WeekFigures, previous: WeekFigures): KpiRow[] {
    const { request } = context;
    return buildKpiRows({
      region: { code: request.region.code, name: request.region.name },
      organizations: context.organizations,
      current: current.counters,
      previous: previous.counters,
      activeOrgs: current.activeOrgs,
      previousActiveOrgs: previous.activeOrgs,
      ...(request.groupBy === undefined ? {} : { groupBy: request.groupBy }),
      scope: {
        ...(request.municipality === undefined ? {} : { municipality: request.municipality }),
        ...(request.category === undefined ? {} : { category: request.category }),
      },
      teacherDenominator: context.settings.teacherDenominator,
      thresholds: context.thresholds,
      weekMonday: formatLocalDate(mondayOf(week)),
      previousWeekMonday: formatLocalDate(mondayOf(addWeeks(week, -1))),
    });
  }

  private isPartial(week: IsoWeek, timeZone: string, nowMs: number): boolean {
    return compareWeeks(week, currentWeek(nowMs, timeZone)) >= 0;
  }
}
