import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { formatOrganizationCsv, MunicipalityMovesRefused, validateOrganizationCsv } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { boundedInt, optionalBool, optionalCategory, optionalIdentifier, optionalRegion, requiredRegion } from './registry-query';
import { RegistryService } from './registry.service';

/** How many row problems an import answer lists (the count is always complete). */
const MAX_LISTED_PROBLEMS = 1_000;

@Controller('v1/registry')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class RegistryController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @Get('regions')
  async regions() {
    return { items: await this.registry.listRegions() };
  }

  @Get('regions/:code/municipalities')
  async municipalities(@Param('code') code: string) {
    const region = requiredRegion('code', code, this.registry.regionCodes());
    return { region, items: await this.registry.listMunicipalities(region) };
  }

  @Get('organizations')
  async organizations(@Query() query: Record<string, unknown>) {
    const known = this.registry.regionCodes();
    const filter = {
      regionCode: optionalRegion(query['region'], known),
      municipalityId: optionalIdentifier('municipality', query['municipality']),
      category: optionalCategory(query['category']),
      limit: boundedInt('limit', query['limit'], 100, 1, 1_000),
      offset: boundedInt('offset', query['offset'], 0, 0, 100_000_000),
    };
    const page = await this.registry.findOrganizations(filter);
    return { total: page.total, limit: filter.limit, offset: filter.offset, items: page.items };
  }

  /** The registry CSV of a region (or all regions): the import format, rows ordered by org_id. */
  @Get('organizations/export')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async export(@Query('region') region: unknown): Promise<string> {
    const code = optionalRegion(region, this.registry.regionCodes());
    return formatOrganizationCsv(await this.registry.exportOrganizations(code));
  }

  /**
   * Organization ids that events named and the registry does not know,
   * with the source, the distinct events per type, and the first and last
   * event time: add them to the registry and their history counts where it
   * places them, with no replay.
   */
  @Get('unknown-organizations')
  async unknownOrganizations(@Query() query: Record<string, unknown>) {
    const page = { limit: boundedInt('limit', query['limit'], 100, 1, 1_000), offset: boundedInt('offset', query['offset'], 0, 0, 100_000_000) };
    const { total, items } = await this.registry.unknownOrganizations(page);
    return { total, ...page, items };
  }

  @Get('organizations/:id')
  async organization(@Param('id') id: string) {
    const orgId = optionalIdentifier('id', id);
    const organization = orgId === undefined ? undefined : await this.registry.findOrganization(orgId);
    if (organization === undefined) throw new ProblemException(404, `no organization "${id}" in the registry`);
    return organization;
  }

  /**
   * Upserts organizations from CSV (text/csv). The whole file applies in one
   * transaction or not at all; every bad row is reported with its line,
   * column and reason. `?dryRun=true` validates without writing. A file
   * that places an existing municipality in another region is refused (400,
   * each move listed) unless `?allowMunicipalityMoves=true`.
   */
  @Post('organizations/import')
  @RequireKey('admin')
  @HttpCode(200)
  async import(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Query('dryRun') dryRun: unknown,
    @Query('allowMunicipalityMoves') allowMoves: unknown,
  ) {
    if (!/^text\/csv\b/i.test(contentType ?? '')) {
      throw new ProblemException(415, 'send the organizations as Content-Type: text/csv (UTF-8)');
    }
    if (typeof body !== 'string' || body.trim() === '') throw new ProblemException(400, 'the CSV body is empty');
    const onlyValidate = optionalBool('dryRun', dryRun);
    const options = { allowMunicipalityMoves: optionalBool('allowMunicipalityMoves', allowMoves) };
    const { records, problems } = validateOrganizationCsv(body, { knownRegions: this.registry.regionCodes() });
    if (problems.length > 0) {
      throw new ProblemException(422, `${problems.length} row problem(s); nothing was applied`, {
        problemCount: problems.length,
        problems: problems.slice(0, MAX_LISTED_PROBLEMS),
      });
    }
    try {
      if (onlyValidate) {
        await this.registry.checkMunicipalityMoves(records, options);
        return { dryRun: true, rows: records.length };
      }
      return { dryRun: false, ...(await this.registry.importOrganizations(records, options)) };
    } catch (error) {
      if (error instanceof MunicipalityMovesRefused) {
        throw new ProblemException(400, error.message, { parameter: 'allowMunicipalityMoves', municipalityMoves: error.moves });
      }
      throw error;
    }
  }
}
