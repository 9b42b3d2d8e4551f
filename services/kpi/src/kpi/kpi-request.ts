import { REGION_CODE_PATTERN } from '@sferum/contracts';
import { GROUP_BYS, InvalidWeekError, parseIsoWeek, type GroupBy, type IsoWeek } from '@sferum/domain';
import { ProblemException } from '@sferum/infra-http';
import { optionalCategory, optionalIdentifier } from '../registry/registry-query';
import { type CachedRegistry } from '../registry/registry-cache';
import { type KpiRequest } from './kpi-query.service';

/**
 * The query parameters every KPI view takes (region, week, groupBy,
 * municipality, category), validated against the cached registry: 400 with
 * a reason. Pure: it reads no database.
 */
export function parseKpiRequest(registry: CachedRegistry, query: Record<string, unknown>): KpiRequest {
  const regionCode = query['region'];
  if (typeof regionCode !== 'string' || regionCode === '') throw new ProblemException(400, 'region: required, a two-digit region code, for example 54');
  const region = REGION_CODE_PATTERN.test(regionCode) ? registry.regions.get(regionCode) : undefined;
  if (region === undefined) throw new ProblemException(400, `region: unknown region code "${regionCode}"`, { parameter: 'region' });
  const week = weekParameter('week', query['week']);
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
    ...(week === undefined ? {} : { week }),
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
