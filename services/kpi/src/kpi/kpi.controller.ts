import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { GROUP_BYS, InvalidWeekError, parseIsoWeek, type GroupBy, type IsoWeek } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { listMunicipalities, listRegions } from '@sferum/infra-postgres';
import { DataSource } from 'typeorm';
import { optionalCategory, optionalIdentifier } from '../registry/registry-query';
import { KpiQueryService, type KpiAnswer } from './kpi-query.service';

/**
 * GET /v1/kpi?region=54&week=2023-W19[&groupBy=municipality|category|organization][&municipality=][&category=]
 * The federal indicators with their bands for the region (or the filtered
 * scope), or one row per unit. Without `week`: the last complete week in
 * the region's zone; the current week is answered with "partial": true.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class KpiController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KpiQueryService) private readonly kpi: KpiQueryService,
  ) {}

  @Get('kpi')
  async get(@Query() query: Record<string, unknown>): Promise<KpiAnswer> {
    const regionCode = query['region'];
    if (typeof regionCode !== 'string' || regionCode === '') throw new ProblemException(400, 'region: required, a two-digit region code, for example 54');
    const region = (await listRegions(this.dataSource)).find((r) => r.code === regionCode);
    if (region === undefined) throw new ProblemException(400, `region: unknown region code "${regionCode}"`, { parameter: 'region' });
    const week = weekOf(query['week']);
    const groupBy = query['groupBy'];
    if (groupBy !== undefined && !(GROUP_BYS as readonly unknown[]).includes(groupBy)) {
      throw new ProblemException(400, `groupBy: expected one of ${GROUP_BYS.join(', ')}`, { parameter: 'groupBy' });
    }
    const municipality = optionalIdentifier('municipality', query['municipality']);
    if (municipality !== undefined && !(await listMunicipalities(this.dataSource, region.code)).some((m) => m.id === municipality)) {
      throw new ProblemException(400, `municipality: no municipality "${municipality}" in region ${region.code}`, { parameter: 'municipality' });
    }
    const category = optionalCategory(query['category']);
    return this.kpi.answer({
      region: { code: region.code, name: region.name, timeZone: region.timeZone },
      ...(week === undefined ? {} : { week }),
      ...(groupBy === undefined ? {} : { groupBy: groupBy as GroupBy }),
      ...(municipality === undefined ? {} : { municipality }),
      ...(category === undefined ? {} : { category }),
    });
  }
}

function weekOf(value: unknown): IsoWeek | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ProblemException(400, 'week: expected one value of the form YYYY-Www, for example 2023-W19', { parameter: 'week' });
  try {
    return parseIsoWeek(value);
  } catch (error) {
    if (error instanceof InvalidWeekError) throw new ProblemException(400, `week: ${error.message}`, { parameter: 'week' });
    throw error;
  }
}
