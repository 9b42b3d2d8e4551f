import { Controller, Get, Header, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { isKpiId } from '@sferum/contracts';
import { compareWeeks, kpiTableHeader, kpiTableRows, weeksBetween, type TableLanguage } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { csvExport, xlsxExport } from './kpi-export';
import { KpiQueryService, type KpiAnswer, type KpiHistory } from './kpi-query.service';
import { weekParameter } from './kpi-request';

const MAX_HISTORY_WEEKS = 104;

/**
 * The KPI API. Every endpoint takes region (required), groupBy
 * (municipality | category | organization), municipality and category;
 * invalid input answers 400 with a reason.
 *   GET /v1/kpi?region=54&week=2023-W19
 *   GET /v1/kpi/history?region=54&kpi=teachers_10_messages&from=2023-W10&to=2023-W19
 *   GET /v1/kpi/export.csv?region=54&week=2023-W19[&lang=ru]   (and export.xlsx)
 * Without `week`: the last complete week in the region's zone; the current
 * week is answered with "partial": true.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class KpiController {
  constructor(@Inject(KpiQueryService) private readonly kpi: KpiQueryService) {}

  @Get('kpi')
  async get(@Query() query: Record<string, unknown>): Promise<KpiAnswer> {
    return this.kpi.answer(this.kpi.request(query));
  }

  @Get('kpi/history')
  async history(@Query() query: Record<string, unknown>): Promise<KpiHistory> {
    const kpi = query['kpi'];
    if (typeof kpi !== 'string' || !isKpiId(kpi)) {
      throw new ProblemException(400, 'kpi: expected one of active_schools, active_orgs, teachers_10_messages, teachers_1_call', { parameter: 'kpi' });
    }
    const from = weekParameter('from', query['from']);
    const to = weekParameter('to', query['to']);
    if (from === undefined || to === undefined) throw new ProblemException(400, 'from and to: required, ISO weeks such as 2023-W10 and 2023-W19');
    if (compareWeeks(from, to) > 0) throw new ProblemException(400, 'from: must not be after to', { parameter: 'from' });
    if (weeksBetween(from, to) + 1 > MAX_HISTORY_WEEKS) throw new ProblemException(400, `at most ${MAX_HISTORY_WEEKS} weeks a request`, { parameter: 'to' });
    return this.kpi.history(this.kpi.request({ ...query, week: undefined }), kpi, from, to);
  }

  @Get('kpi/export.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async exportCsv(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const language = languageOf(query['lang']);
    const answer = await this.kpi.answer(this.kpi.request(query));
    reply
      .header('Content-Disposition', `attachment; filename="kpi-${answer.region}-${answer.week}.csv"`)
      .send(csvExport(kpiTableHeader(language), kpiTableRows(answer.week, answer.rows, language)));
  }

  @Get('kpi/export.xlsx')
  @Header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async exportXlsx(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const language = languageOf(query['lang']);
    const answer = await this.kpi.answer(this.kpi.request(query));
    const buffer = await xlsxExport(`${answer.region} ${answer.week}`, kpiTableHeader(language), kpiTableRows(answer.week, answer.rows, language));
    reply.header('Content-Disposition', `attachment; filename="kpi-${answer.region}-${answer.week}.xlsx"`).send(buffer);
  }
}

function languageOf(value: unknown): TableLanguage {
  if (value === undefined || value === '' || value === 'en') return 'en';
  if (value === 'ru') return 'ru';
  throw new ProblemException(400, 'lang: expected en or ru', { parameter: 'lang' });
}
