import { DEFAULT_STUCK_DAYS, MAX_STUCK_DAYS } from '@sferum/contracts';
import { type ReportLang } from '@sferum/domain';
import { ProblemException } from '@sferum/infra-http';
import { type KpiRequest } from '../kpi/kpi-query.service';
import { parseKpiRequest } from '../kpi/kpi-request';
import { type CachedRegistry } from '../registry/registry-cache';
import { reportLang } from '../report/report-query';

/** What GET /v1/funnel asks: the parameters of a KPI view, how many days at a step count as stuck, and the language of the steps' names. */
export interface FunnelRequest extends KpiRequest {
  readonly stuckDays: number;
  readonly lang: ReportLang;
}

const FUNNEL_PARAMETERS: readonly string[] = ['region', 'period', 'week', 'month', 'groupBy', 'municipality', 'category', 'stuckDays', 'lang'];

/**
 * The funnel's query parameters, validated against the cached registry:
 * those of /v1/kpi (region, period, week or month, groupBy, municipality,
 * category), stuckDays (a whole number of 0 to 366, default 14) and lang (ru,
 * the default, or en). Anything else, or a bad value, is a 400 with a reason.
 * Pure: it reads no database.
 */
export function parseFunnelRequest(registry: CachedRegistry, query: Record<string, unknown>): FunnelRequest {
  const unknown = Object.keys(query).filter((k) => !FUNNEL_PARAMETERS.includes(k));
  if (unknown.length > 0) throw new ProblemException(400, `unknown parameter(s): ${unknown.join(', ')}; the funnel takes ${FUNNEL_PARAMETERS.join(', ')}`);
  return { ...parseKpiRequest(registry, query), stuckDays: stuckDaysOf(query['stuckDays']), lang: reportLang(query['lang']) };
}

function stuckDaysOf(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_STUCK_DAYS;
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value) || Number(value) > MAX_STUCK_DAYS) {
    throw new ProblemException(400, `stuckDays: expected a whole number of days from 0 to ${MAX_STUCK_DAYS} (default ${DEFAULT_STUCK_DAYS})`, { parameter: 'stuckDays' });
  }
  return Number(value);
}
