import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { addWeeks, type Clock, compareWeeks, currentWeek, formatIsoWeek, formatLocalDate, lastCompleteWeek, mondayOf, type Threshold, thresholdInForce } from '@sferum/domain';
import { ApiKeyGuard, BrowserPage, CLOCK, ProblemException, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { KpiQueryService } from '../kpi/kpi-query.service';
import { RegistryCache } from '../registry/registry-cache';
import { type ReportBandEdges, renderReport, REPORT_INDICATORS, REPORT_LANGS, type ReportLang } from './report-page';

const TREND_WEEKS = 12;

/** The chart library's files, read once: the page loads them from here, never from a CDN. */
const UPLOT_DIR = dirname(require.resolve('uplot')); // uplot/dist, next to its CommonJS build
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js')) },
  'uPlot.min.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.min.css')) },
};

const REPORT_PARAMETERS: readonly string[] = ['region', 'week', 'lang'];

/** `lang`: ru (the default: the ministries read the page) or en. */
function reportLang(value: unknown): ReportLang {
  if (value === undefined || value === '') return 'ru';
  if (typeof value === 'string' && (REPORT_LANGS as readonly string[]).includes(value)) return value as ReportLang;
  throw new ProblemException(400, `lang: expected one of ${REPORT_LANGS.join(', ')} (default ru)`, { parameter: 'lang' });
}

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
 * weeks of trend with the band edges), for people without Grafana. Without
 * `week`: the last complete week. In Russian; `lang=en` for English.
 *
 * People open it in a browser, which cannot send a Bearer header when it
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
    @Inject(RegistryCache) private readonly registry: RegistryCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const unknown = Object.keys(query).filter((k) => !REPORT_PARAMETERS.includes(k));
    if (unknown.length > 0) throw new ProblemException(400, `unknown parameter(s): ${unknown.join(', ')}; the report takes region, week and lang`);
    const lang = reportLang(query['lang']);
    const request = this.kpi.request(query);
    const nowMs = this.clock.now();
    const { region } = request;
    // The page is a week's (no period or month parameter).
    const week = request.period?.kind === 'week' ? request.period.week : lastCompleteWeek(nowMs, region.timeZone);
    const weeks = Array.from({ length: TREND_WEEKS }, (_, i) => addWeeks(week, i - TREND_WEEKS + 1));
    const rows = await this.kpi.monitorRows(region, weeks);
    const last = rows.get(formatIsoWeek(week))!;
    const current = currentWeek(nowMs, region.timeZone);
    // The thresholds of the cached registry (the ones the bands were decided on), never a database read.
    const { thresholds } = this.registry.registry;
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
        generatedAt: new Date(nowMs).toISOString(),
        assets: '/report/assets',
      }),
    );
  }

  @Get('assets/:file')
  @Header('Cache-Control', 'public, max-age=86400')
  asset(@Param('file') file: string, @Res() reply: ReplyLike): void {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (asset === undefined) throw new ProblemException(404, `no report asset ${JSON.stringify(file)}`);
    reply.header('Content-Type', asset.type).send(asset.body);
  }
}
