import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
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
import { ApiKeyGuard, BrowserPage, CLOCK, ProblemException, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { FunnelService } from '../funnel/funnel.service';
import { KpiQueryService } from '../kpi/kpi-query.service';
import { type ReportBandEdges, renderReport } from './report-page';
import { onlyReportParameters, reportLang } from './report-query';
import { renderWeeklyReport } from './weekly-report-page';
import { WeeklyReportService } from './weekly-report.service';

const TREND_WEEKS = 12;

/** The chart library's files, read once: the page loads them from here, never from a CDN. */
const UPLOT_DIR = dirname(require.resolve('uplot')); // uplot/dist, next to its CommonJS build
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js')) },
  'uPlot.min.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.min.css')) },
};

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
 * GET /report?region=54&week=2026-W47: a region's week as a printable HTML
 * page (the municipality traffic-light table, the region's indicators, 12
 * weeks of trend with the band edges, the onboarding funnel at the week's
 * end with the organizations stuck at their step, from FunnelService as
 * GET /v1/funnel answers it), for people without Grafana. Without
 * `week`: the last complete week. In Russian; `lang=en` for English.
 * GET /report/weekly: the weekly report a coordinator sends, as a page.
 *
 * People open them in a browser, which cannot send a Bearer header when it
 * follows a link: without a key the answer is a Basic challenge, the
 * browser asks once (any user name, the reader key as the password) and
 * sends the same credentials with the page's assets and its JSON and CSV
 * links (reads take the key either way).
 */
@Controller('report')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
@BrowserPage()
export class ReportController {
  constructor(
    @Inject(KpiQueryService) private readonly kpi: KpiQueryService,
    @Inject(FunnelService) private readonly funnel: FunnelService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WeeklyReportService) private readonly weeklyReports: WeeklyReportService,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
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
    reply.header('Content-Language', lang).send(
      renderReport({
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
      }),
    );
  }

  /**
   * GET /report/weekly?region=54&week=2023-W19: the weekly report a
   * coordinator sends (a section per category, the municipalities' table),
   * the same report as GET /v1/report.xlsx, as a page that prints on A4.
   * In Russian; `lang=en` for English.
   */
  @Get('weekly')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async weekly(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const report = await this.weeklyReports.report(query);
    reply.header('Content-Language', report.lang).send(renderWeeklyReport(report));
  }

  @Get('assets/:file')
  @Header('Cache-Control', 'public, max-age=86400')
  asset(@Param('file') file: string, @Res() reply: ReplyLike): void {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (asset === undefined) throw new ProblemException(404, `no report asset ${JSON.stringify(file)}`);
    reply.header('Content-Type', asset.type).send(asset.body);
  }
}
