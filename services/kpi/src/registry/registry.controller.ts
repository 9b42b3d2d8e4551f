import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { formatOrganizationCsv, validateOrganizationCsv } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import {
  exportOrganizations,
  findOrganization,
  findOrganizations,
  importOrganizations,
  listMunicipalities,
  listRegions,
  regionCodes,
} from '@sferum/infra-postgres';
import { DataSource } from 'typeorm';
import { boundedInt, optionalBool, optionalCategory, optionalIdentifier, optionalRegion } from './registry-query';

/** How many row problems an import answer lists (the count is always complete). */
const MAX_LISTED_PROBLEMS = 1_000;

@Controller('v1/registry')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class RegistryController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get('regions')
  async regions() {
    return { items: await listRegions(this.dataSource) };
  }

  @Get('regions/:code/municipalities')
  async municipalities(@Param('code') code: string) {
    const region = optionalRegion(code, await regionCodes(this.dataSource));
    return { region, items: await listMunicipalities(this.dataSource, region ?? '') };
  }

  @Get('organizations')
  async organizations(@Query() query: Record<string, unknown>) {
    const known = await regionCodes(this.dataSource);
    const filter = {
      regionCode: optionalRegion(query['region'], known),
      municipalityId: optionalIdentifier('municipality', query['municipality']),
      category: optionalCategory(query['category']),
      limit: boundedInt('limit', query['limit'], 100, 1, 1_000),
      offset: boundedInt('offset', query['offset'], 0, 0, 100_000_000),
    };
    const page = await findOrganizations(this.dataSource, filter);
    return { total: page.total, limit: filter.limit, offset: filter.offset, items: page.items };
  }

  /** The registry CSV of a region (or all regions): the import format, rows ordered by org_id. */
  @Get('organizations/export')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async export(@Query('region') region: unknown): Promise<string> {
    const code = optionalRegion(region, await regionCodes(this.dataSource));
    return formatOrganizationCsv(await exportOrganizations(this.dataSource, code));
  }

  @Get('organizations/:id')
  async organization(@Param('id') id: string) {
    const orgId = optionalIdentifier('id', id);
    const organization = orgId === undefined ? undefined : await findOrganization(this.dataSource, orgId);
    if (organization === undefined) throw new ProblemException(404, `no organization "${id}" in the registry`);
    return organization;
  }

  /**
   * Upserts organizations from CSV (text/csv). The whole file applies in one
   * transaction or not at all; every bad row is reported with its line,
   * column and reason. `?dryRun=true` validates without writing.
   */
  @Post('organizations/import')
  @RequireKey('admin')
  @HttpCode(200)
  async import(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Query('dryRun') dryRun: unknown,
  ) {
    if (!/^text\/csv\b/i.test(contentType ?? '')) {
      throw new ProblemException(415, 'send the organizations as Content-Type: text/csv (UTF-8)');
    }
    if (typeof body !== 'string' || body.trim() === '') throw new ProblemException(400, 'the CSV body is empty');
    const onlyValidate = optionalBool('dryRun', dryRun);
    const { records, problems } = validateOrganizationCsv(body, { knownRegions: await regionCodes(this.dataSource) });
    if (problems.length > 0) {
      throw new ProblemException(422, `${problems.length} row problem(s); nothing was applied`, {
        problemCount: problems.length,
        problems: problems.slice(0, MAX_LISTED_PROBLEMS),
      });
    }
    if (onlyValidate) return { dryRun: true, rows: records.length };
    return { dryRun: false, ...(await importOrganizations(this.dataSource, records)) };
  }
}
