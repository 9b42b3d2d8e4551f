import { Controller, Get, Header, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { isKpiId, isTargetId, KPI_IDS, TARGET_IDS } from '@sferum/contracts';
import { comparePeriods, kpiTableHeader, kpiTableRows, periodsBetween, type PeriodKind, type TableLanguage } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { csvExport, xlsxExport } from './kpi-export';
import { KpiQueryService, type KpiAnswer, type KpiHistory } from './kpi-query.service';
import { periodParameter } from './kpi-request';

/** The longest history a request may ask: two years of either kind. */
const MAX_HISTORY: Record<PeriodKind, { readonly count: number; readonly unit: string; readonly example: string }> = {
  week: { count: 104, unit: 'weeks', example: 'ISO weeks such as 2023-W10 and 2023-W19' },
  month: { count: 24, unit: 'months', example: 'months such as 2023-01 and 2023-04' },
};

/**
 * The KPI API. Every endpoint takes region (required), groupBy
 * (municipality | category | organization), municipality, category and
 * period (week, the default, or month); invalid input answers 400 with a
 * reason.
 *   GET /v1/kpi?region=54&week=2023-W19
 *   GET /v1/kpi?region=54&period=month&month=2023-04
 *   GET /v1/kpi/history?region=54&kpi=teachers_10_messages&from=2023-W10&to=2023-W19
 *   GET /v1/kpi/history?region=54&kpi=active_orgs&period=month&from=2023-01&to=2023-04
 *   GET /v1/kpi/export.csv?region=54&week=2023-W19[&lang=ru]   (and export.xlsx)
 * Without `week` or `month`: the last complete period in the region's zone;
 * the current one is answered with "partial": true. A month's shares carry
 * no band: the bands are the federal indicators' weekly ones.
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
    if (typeof kpi !== 'string' || !(isKpiId(kpi) || isTargetId(kpi))) {
      throw new ProblemException(400, `kpi: expected one of ${[...KPI_IDS, ...TARGET_IDS].join(', ')}`, { parameter: 'kpi' });
    }
    for (const parameter of ['week', 'month']) {
      if (query[parameter] !== undefined) throw new ProblemException(400, `${parameter}: a history takes from and to`, { parameter });
    }
    const request = this.kpi.request(query);
    const limit = MAX_HISTORY[request.periodKind];
    const from = periodParameter(request.periodKind, 'from', query['from']);
    const to = periodParameter(request.periodKind, 'to', query['to']);
    if (from === undefined || to === undefined) throw new ProblemException(400, `from and to: required, ${limit.example}`);
    if (comparePeriods(from, to) > 0) throw new ProblemException(400, 'from: must not be after to', { parameter: 'from' });
    if (periodsBetween(from, to) + 1 > limit.count) throw new ProblemException(400, `at most ${limit.count} ${limit.unit} a request`, { parameter: 'to' });
    return this.kpi.history(request, kpi, from, to);
  }

  @Get('kpi/export.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async exportCsv(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const language = languageOf(query['lang']);
    const answer = await this.kpi.answer(this.kpi.request(query));
    const label = periodLabel(answer);
    reply
      .header('Content-Disposition', `attachment; filename="kpi-${answer.region}-${label}.csv"`)
      .send(csvExport(kpiTableHeader(language, answer.period), kpiTableRows(label, answer.rows, language)));
  }

  @Get('kpi/export.xlsx')
  @Header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async exportXlsx(@Query() query: Record<string, unknown>, @Res() reply: ReplyLike): Promise<void> {
    const language = languageOf(query['lang']);
    const answer = await this.kpi.answer(this.kpi.request(query));
    const label = periodLabel(answer);
    const buffer = await xlsxExport(`${answer.region} ${label}`, kpiTableHeader(language, answer.period), kpiTableRows(label, answer.rows, language));
    reply.header('Content-Disposition', `attachment; filename="kpi-${answer.region}-${label}.xlsx"`).send(buffer);
  }
}

/** "2023-W19" or "2023-04". */
function periodLabel(answer: KpiAnswer): string {
  return answer.week ?? answer.month ?? '';
}

function languageOf(value: unknown): TableLanguage {
  if (value === undefined || value === '' || value === 'en') return 'en';
  if (value === 'ru') return 'ru';
  throw new ProblemException(400, 'lang: expected en or ru', { parameter: 'lang' });
}
