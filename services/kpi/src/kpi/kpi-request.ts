import { REGION_CODE_PATTERN } from '@sferum/contracts';
import {
  GROUP_BYS,
  InvalidMonthError,
  InvalidWeekError,
  monthPeriod,
  parseCalendarMonth,
  parseIsoWeek,
  PERIOD_KINDS,
  weekPeriod,
  type CalendarMonth,
  type GroupBy,
  type IsoWeek,
  type Period,
  type PeriodKind,
} from '@sferum/domain';
import { ProblemException } from '@sferum/infra-http';
import { optionalCategory, optionalIdentifier } from '../registry/registry-query';
import { type CachedRegistry } from '../registry/registry-cache';
import { type KpiRequest } from './kpi-query.service';

/**
 * The query parameters every KPI view takes (region, period, week or
 * month, groupBy, municipality, category), validated against the cached
 * registry: 400 with a reason. Pure: it reads no database.
 */
export function parseKpiRequest(registry: CachedRegistry, query: Record<string, unknown>): KpiRequest {
  const regionCode = query['region'];
  if (typeof regionCode !== 'string' || regionCode === '') throw new ProblemException(400, 'region: required, a two-digit region code, for example 54');
  const region = REGION_CODE_PATTERN.test(regionCode) ? registry.regions.get(regionCode) : undefined;
  if (region === undefined) throw new ProblemException(400, `region: unknown region code "${regionCode}"`, { parameter: 'region' });
  const { periodKind, period } = periodParameters(query);
  const groupBy = query['groupBy'];
  if (groupBy !== undefined && !(GROUP_BYS as readonly unknown[]).includes(groupBy)) {
    throw new ProblemException(400, `groupBy: expected one of ${GROUP_BYS.join(', ')}`, { parameter: 'groupBy' });
  }
  const municipality = optionalIdentifier('municipality', query['municipality']);
  if (municipality !== undefined && !region.municipalities.has(municipality)) {
    throw new ProblemException(400, `municipality: no municipality "${municipality}" in region ${region.code}`, { parameter: 'municipality' });
  }
  const category = optionalCategory(query['category']);
  return {
    region,
    periodKind,
    ...(period === undefined ? {} : { period }),
    ...(groupBy === undefined ? {} : { groupBy: groupBy as GroupBy }),
    ...(municipality === undefined ? {} : { municipality }),
    ...(category === undefined ? {} : { category }),
  };
}

export function weekParameter(parameter: string, value: unknown): IsoWeek | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ProblemException(400, `${parameter}: expected one value of the form YYYY-Www, for example 2023-W19`, { parameter });
  try {
    return parseIsoWeek(value);
  } catch (error) {
    if (error instanceof InvalidWeekError) throw new ProblemException(400, `${parameter}: ${error.message}`, { parameter });
    throw error;
  }
}

/**
 * `period` (week | month; default week, or month when only `month` is
 * given) and the period asked: `week=YYYY-Www` or `month=YYYY-MM`, absent
 * for the last complete one.
 */
export function periodParameters(query: Record<string, unknown>): { readonly periodKind: PeriodKind; readonly period?: Period } {
  const kind = query['period'];
  if (kind !== undefined && kind !== '' && !(PERIOD_KINDS as readonly unknown[]).includes(kind)) {
    throw new ProblemException(400, `period: expected one of ${PERIOD_KINDS.join(', ')}`, { parameter: 'period' });
  }
  const week = weekParameter('week', query['week']);
  const month = monthParameter('month', query['month']);
  if (week !== undefined && month !== undefined) throw new ProblemException(400, 'week and month: give one of them', { parameter: 'month' });
  const periodKind: PeriodKind = kind === 'week' || kind === 'month' ? kind : month !== undefined ? 'month' : 'week';
  if (periodKind === 'week' && month !== undefined) throw new ProblemException(400, 'month: only with period=month', { parameter: 'month' });
  if (periodKind === 'month' && week !== undefined) throw new ProblemException(400, 'week: only with period=week', { parameter: 'week' });
  const period = week !== undefined ? weekPeriod(week) : month !== undefined ? monthPeriod(month) : undefined;
  return { periodKind, ...(period === undefined ? {} : { period }) };
}

export function monthParameter(parameter: string, value: unknown): CalendarMonth | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ProblemException(400, `${parameter}: expected one value of the form YYYY-MM, for example 2023-04`, { parameter });
  try {
    return parseCalendarMonth(value);
  } catch (error) {
    if (error instanceof InvalidMonthError) throw new ProblemException(400, `${parameter}: ${error.message}`, { parameter });
    throw error;
  }
}

/** A period parameter of the request's kind (a history's `from` and `to`). */
export function periodParameter(kind: PeriodKind, parameter: string, value: unknown): Period | undefined {
  if (kind === 'week') {
    const week = weekParameter(parameter, value);
    return week === undefined ? undefined : weekPeriod(week);
  }
  const month = monthParameter(parameter, value);
  return month === undefined ? undefined : monthPeriod(month);
}
