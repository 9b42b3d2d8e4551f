import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, BrowserPage, ProblemException, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { renderReport } from './report-page';
import { ReportPageService } from './report-page.service';
import { renderWeeklyReport } from './weekly-report-page';
import { WeeklyReportService } from './weekly-report.service';

/** The chart library's files, read once: the page loads them from here, never from a CDN. */
const UPLOT_DIR = dirname(require.resolve('uplot')); // uplot/dist, next to its CommonJS build
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js')) },
  'uPlot.min.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(UPLOT_DIR, 'uPlot.min.css')) },
};

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
    @Inject(ReportPageService) private readonly pages: ReportPageService,
    @Inject(WeeklyReportService) private readonly weeklyReports: WeeklyReportService,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const page = await this.pages.page(query);
    reply.header('Content-Language', page.lang).send(renderReport(page));
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
