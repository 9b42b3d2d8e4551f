import { Controller, Get, Header, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, BrowserPage, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { weeklyReportXlsx } from './weekly-report-xlsx';
import { WeeklyReportService } from './weekly-report.service';

/**
 * GET /v1/report.xlsx?region=54&week=2023-W19[&lang=en]: the weekly report
 * a coordinator sends, as a workbook with a sheet per category of
 * organization (libs/domain/src/kpi/weekly-report.ts). Its printable twin
 * is GET /report/weekly (ReportController).
 *
 * A reader key as a Bearer token, as every read; the weekly page links to
 * this file, and a browser following that link sends no Bearer header, so
 * without a key the answer is the report pages' Basic challenge (the
 * browser asks once, the key as the password), not a dead end.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
@BrowserPage()
export class WeeklyReportController {
  constructor(@Inject(WeeklyReportService) private readonly reports: WeeklyReportService) {}

  @Get('report.xlsx')
  @Header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @Header('Cache-Control', 'no-store')
  async workbook(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const report = await this.reports.report(query);
    const buffer = await weeklyReportXlsx(report);
    reply.header('Content-Disposition', `attachment; filename="sferum-report-${report.region}-${report.week}.xlsx"`).send(buffer);
  }
}
