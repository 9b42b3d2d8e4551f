import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_STUCK_DAYS } from '@sferum/contracts';
import { buildWeeklyReport, type Clock, monthPeriod, reportCategories, reportMonthOf, type WeeklyReport } from '@sferum/domain';
import { CLOCK } from '@sferum/infra-http';
import { FunnelService } from '../funnel/funnel.service';
import { KpiQueryService, type KpiRequest } from '../kpi/kpi-query.service';
import { onlyReportParameters, reportLang } from './report-query';

/**
 * The weekly report (libs/domain/src/kpi/weekly-report.ts) of a query:
 * only the KPI answers it reads, each asked once through KpiQueryService
 * (so from its cached registry and kept figures, never a database of its
 * own): the week by category, the report's month by category, and per
 * category the week by municipality; and the onboarding funnel at the
 * week's end by category, through FunnelService (GET /v1/funnel's answer,
 * stuck after the default 14 days). The workbook and the page are made
 * from the same report.
 */
@Injectable()
export class WeeklyReportService {
  constructor(
    @Inject(KpiQueryService) private readonly kpi: KpiQueryService,
    @Inject(FunnelService) private readonly funnel: FunnelService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * region, week (default: the last complete week in the region's zone) and
   * lang (ru, the default, or en), validated as /v1/kpi validates them (400
   * with a reason); any other parameter is a 400 too.
   */
  async report(query: Record<string, unknown>): Promise<WeeklyReport> {
    onlyReportParameters(query, 'the weekly report');
    const lang = reportLang(query['lang']);
    const request = this.kpi.request(query);
    const { region } = request;
    // One instant for every answer: they all agree on which week is the last complete one and on `partial`.
    const nowMs = this.clock.now();
    const period = this.kpi.periodOf(request, nowMs);
    // Without `period` or `month` (refused above) the request is a week's.
    if (period.kind !== 'week') throw new Error(`the weekly report asked for a ${period.kind}`);
    const month = reportMonthOf(period.week, region.timeZone);
    const week: KpiRequest = { region, periodKind: 'week', period };
    const [byCategory, monthByCategory, funnel] = await Promise.all([
      this.kpi.answer({ ...week, groupBy: 'category' }, nowMs),
      this.kpi.answer({ region, periodKind: 'month', period: monthPeriod(month), groupBy: 'category' }, nowMs),
      this.funnel.answer({ ...week, groupBy: 'category', stuckDays: DEFAULT_STUCK_DAYS, lang }, nowMs),
    ]);
    const municipalities = new Map(
      await Promise.all(
        reportCategories(byCategory.rows).map(async (category) => [category, (await this.kpi.answer({ ...week, groupBy: 'municipality', category }, nowMs)).rows] as const),
      ),
    );
    return buildWeeklyReport({
      lang,
      region,
      week: period.week,
      month,
      partial: byCategory.partial,
      categories: byCategory.rows,
      monthCategories: monthByCategory.rows,
      municipalities,
      funnel,
      settings: byCategory.settings,
      generatedAt: new Date(nowMs).toISOString(),
    });
  }
}

