import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_STUCK_DAYS } from '@sferum/contracts';
import {
  addWeeks,
  type Clock,
  compareWeeks,
  currentWeek,
  formatIsoWeek,
  formatLocalDate,
  lastCompleteWeek,
  mondayOf,
  REPORT_INDICATORS,
  type Threshold,
  thresholdInForce,
  weekPeriod,
} from '@sferum/domain';
import { CLOCK } from '@sferum/infra-http';
import { FunnelService } from '../funnel/funnel.service';
import { KpiQueryService } from '../kpi/kpi-query.service';
import { type ReportBandEdges, type ReportInput } from './report-page';
import { onlyReportParameters, reportLang } from './report-query';

const TREND_WEEKS = 12;

/** The band edges of each indicator in force on a Monday ("YYYY-MM-DD"): what its week was judged by. */
function edgesInForce(thresholds: readonly Threshold[], monday: string): Record<string, ReportBandEdges | null> {
  return Object.fromEntries(
    REPORT_INDICATORS.map(({ kpi }) => {
      const threshold = thresholdInForce(thresholds, kpi, monday);
      return [kpi, threshold === undefined ? null : { lower: threshold.lower, upper: threshold.upper }];
    }),
  );
}

/**
 * What the report page shows (report-page.ts renders it) of a query:
 * region, week (default the last complete one in the region's zone) and
 * lang, validated as the KPI API validates them (400 with a reason). The
 * region's and municipalities' rows of 12 weeks from KpiQueryService (each
 * week's figures read once), the thresholds in force each week from its
 * cached registry, and the funnel at the week's end from FunnelService, as
 * GET /v1/funnel answers it: no database of its own.
 */
@Injectable()
export class ReportPageService {
  constructor(
    @Inject(KpiQueryService) private readonly kpi: KpiQueryService,
    @Inject(FunnelService) private readonly funnel: FunnelService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async page(query: Record<string, unknown>): Promise<ReportInput> {
    onlyReportParameters(query, 'the report');
    const lang = reportLang(query['lang']);
    const request = this.kpi.request(query);
    const nowMs = this.clock.now();
    const { region } = request;
    // The page is a week's (no period or month parameter).
    const week = request.period?.kind === 'week' ? request.period.week : lastCompleteWeek(nowMs, region.timeZone);
    const weeks = Array.from({ length: TREND_WEEKS }, (_, i) => addWeeks(week, i - TREND_WEEKS + 1));
    // The funnel of the region (no groupBy: its one row) at the page's week's end, stuck after the default 14 days.
    const [rows, funnel] = await Promise.all([
      this.kpi.monitorRows(region, weeks),
      this.funnel.answer({ region, periodKind: 'week', period: weekPeriod(week), stuckDays: DEFAULT_STUCK_DAYS, lang }, nowMs),
    ]);
    const last = rows.get(formatIsoWeek(week))!;
    const current = currentWeek(nowMs, region.timeZone);
    // The thresholds of the cached registry (the ones the bands were decided on), never a database read.
    const thresholds = this.kpi.thresholds();
    return {
      lang,
      region,
      week: formatIsoWeek(week),
      weekStart: formatLocalDate(mondayOf(week)),
      partial: compareWeeks(week, current) >= 0,
      previousWeek: formatIsoWeek(addWeeks(week, -1)),
      nextWeek: compareWeeks(addWeeks(week, 1), current) <= 0 ? formatIsoWeek(addWeeks(week, 1)) : null,
      regionRow: last.region,
      municipalities: last.municipalities,
      minTeacherDenominator: this.kpi.settings(region).minTeacherDenominator,
      trend: weeks.map((w) => {
        const r = rows.get(formatIsoWeek(w))!.region;
        const monday = formatLocalDate(mondayOf(w));
        return {
          week: formatIsoWeek(w),
          weekStart: monday,
          values: Object.fromEntries(REPORT_INDICATORS.map(({ kpi }) => [kpi, r.kpis[kpi].value])),
          edges: edgesInForce(thresholds, monday),
        };
      }),
      funnel: { at: funnel.at, partial: funnel.partial, stuckDays: funnel.stuckDays, row: funnel.rows[0]!, stuck: funnel.stuck },
      generatedAt: new Date(nowMs).toISOString(),
      assets: '/report/assets',
    };
  }
}
