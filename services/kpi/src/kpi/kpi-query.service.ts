import { Inject, Injectable } from '@nestjs/common';
import { type OrgCategory } from '@sferum/contracts';
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
  type GroupBy,
  type IsoWeek,
  type KpiRow,
} from '@sferum/domain';
import { ClickHouse, unassignedEvents, unitActivityCounters } from '@sferum/infra-clickhouse';
import { exportOrganizations, getKpiSettings, listThresholds, type RegionKpiSettings } from '@sferum/infra-postgres';
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
  readonly settings: Pick<RegionKpiSettings, 'teacherDenominator' | 'callMode'> & { readonly countedMessageKinds: RegionKpiSettings['countedMessageKinds'] };
  readonly rows: KpiRow[];
  readonly unassigned: { readonly events: number };
}

/**
 * One KPI answer: the registry and settings from PostgreSQL, the counters
 * of the week and the week before from ClickHouse (two queries over the
 * pre-aggregated tables), the rules from the domain.
 */
@Injectable()
export class KpiQueryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
  ) {}

  async answer(request: KpiRequest, nowMs = Date.now()): Promise<KpiAnswer> {
    const { region } = request;
    const week = request.week ?? lastCompleteWeek(nowMs, region.timeZone);
    const previousWeek = addWeeks(week, -1);
    const [settings, thresholds, records] = await Promise.all([
      getKpiSettings(this.dataSource, region.code),
      listThresholds(this.dataSource),
      exportOrganizations(this.dataSource, region.code),
    ]);
    const organizations = records.map((r) => ({
      orgId: r.orgId,
      orgName: r.orgName,
      municipalityId: r.municipalityId,
      municipalityName: r.municipalityName,
      category: r.category,
      teacherHeadcount: r.teacherHeadcount,
    }));
    const query = {
      region: region.code,
      organizations: organizations.map((o) => ({ orgId: o.orgId, municipalityId: o.municipalityId, category: o.category, hasHeadcount: o.teacherHeadcount !== null })),
      countedActivities: countedMessageActivities(settings.countedMessageKinds),
      callActivity: callActivity(settings.callMode),
    };
    const [current, previous, unassigned] = await Promise.all([
      unitActivityCounters(this.clickhouse, { ...query, week: formatIsoWeek(week), weekEndMs: weekBounds(week, region.timeZone).endMs }),
      unitActivityCounters(this.clickhouse, { ...query, week: formatIsoWeek(previousWeek), weekEndMs: weekBounds(previousWeek, region.timeZone).endMs }),
      unassignedEvents(this.clickhouse, region.code, formatIsoWeek(week)),
    ]);
    const rows = buildKpiRows({
      region: { code: region.code, name: region.name },
      organizations,
      current,
      previous,
      ...(request.groupBy === undefined ? {} : { groupBy: request.groupBy }),
      scope: {
        ...(request.municipality === undefined ? {} : { municipality: request.municipality }),
        ...(request.category === undefined ? {} : { category: request.category }),
      },
      teacherDenominator: settings.teacherDenominator,
      thresholds,
      weekMonday: formatLocalDate(mondayOf(week)),
      previousWeekMonday: formatLocalDate(mondayOf(previousWeek)),
    });
    return {
      region: region.code,
      week: formatIsoWeek(week),
      weekStart: formatLocalDate(mondayOf(week)),
      timeZone: region.timeZone,
      partial: compareWeeks(week, currentWeek(nowMs, region.timeZone)) >= 0,
      settings: { teacherDenominator: settings.teacherDenominator, callMode: settings.callMode, countedMessageKinds: settings.countedMessageKinds },
      rows,
      unassigned: { events: Object.values(unassigned).reduce((n, v) => n + v, 0) },
    };
  }
}
