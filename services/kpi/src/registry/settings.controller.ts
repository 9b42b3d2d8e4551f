import { Body, Controller, Get, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { isIsoDate, isKpiId } from '@sferum/contracts';
import { edgesOf, InvalidAlertSettingsError, InvalidKpiSettingsError, InvalidPercentError, InvalidThresholdError, type Threshold, validateKpiSettings } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { RegistryError } from '@sferum/infra-postgres';
import { requiredRegion } from './registry-query';
import { RegistryService } from './registry.service';

/** Per-region KPI settings and the effective-dated KPI thresholds. */
@Controller('v1/registry')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class SettingsController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @Get('regions/:code/settings')
  settings(@Param('code') code: string) {
    return this.registry.kpiSettings(this.region(code));
  }

  /**
   * Body: {"teacherDenominator": "registered"|"headcount", "callMode": "participated"|"initiated", "countedMessageKinds": null|[...],
   * "minTeacherDenominator": 1..1000}; a field left out takes its default. No settings field is a date: the one date these
   * routes take is a threshold's effectiveFrom, checked as a real calendar day below.
   */
  @Put('regions/:code/settings')
  @RequireKey('admin')
  async putSettings(@Param('code') code: string, @Body() body: unknown) {
    const region = this.region(code);
    let settings;
    try {
      settings = validateKpiSettings(body);
    } catch (error) {
      throw asProblem(error);
    }
    await this.registry.putKpiSettings(region, settings);
    return settings;
  }

  /** Drop detection of the region: X points, Y% relative, N baseline weeks, H silent school hours, school days and hours. */
  @Get('regions/:code/alert-settings')
  async alertSettings(@Param('code') code: string) {
    return this.registry.alertSettings(this.region(code));
  }

  /** Body: any of {"dropPoints": 5, "dropRelativePercent": 30, "baselineWeeks": 3, "silenceHours": 4, "schoolDays": [1,2,3,4,5,6], "schoolDayStartHour": 8, "schoolDayEndHour": 18}; the rest keep their defaults. */
  @Put('regions/:code/alert-settings')
  @RequireKey('admin')
  async putAlertSettings(@Param('code') code: string, @Body() body: unknown) {
    const region = this.region(code);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProblemException(400, 'expected a JSON object of alert settings');
    try {
      return await this.registry.putAlertSettings(region, body as Record<string, unknown>);
    } catch (error) {
      throw asProblem(error);
    }
  }

  @Get('thresholds')
  thresholds() {
    return { items: this.registry.thresholds() };
  }

  /** Body: {"lower": "0.5", "upper": "1", "effectiveFrom": "2024-09-02"}; edges are percentages. */
  @Put('thresholds/:kpi')
  @RequireKey('admin')
  async putThreshold(@Param('kpi') kpi: string, @Body() body: unknown) {
    if (!isKpiId(kpi)) throw new ProblemException(400, `kpi: unknown KPI id "${kpi}"`);
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const { lower, upper, effectiveFrom } = input;
    if (typeof lower !== 'string' && typeof lower !== 'number') throw new ProblemException(400, 'lower: expected a percentage, for example "0.5"');
    if (typeof upper !== 'string' && typeof upper !== 'number') throw new ProblemException(400, 'upper: expected a percentage, for example "1"');
    if (typeof effectiveFrom !== 'string' || !isIsoDate(effectiveFrom)) {
      throw new ProblemException(400, 'effectiveFrom: expected a date YYYY-MM-DD');
    }
    const threshold: Threshold = { kpi, lower: String(lower), upper: String(upper), effectiveFrom };
    try {
      edgesOf(threshold);
    } catch (error) {
      throw asProblem(error);
    }
    await this.registry.putThreshold(threshold);
    return threshold;
  }

  private region(code: string): string {
    return requiredRegion('code', code, this.registry.regionCodes());
  }
}

function asProblem(error: unknown): unknown {
  if (
    error instanceof RegistryError ||
    error instanceof InvalidThresholdError ||
    error instanceof InvalidPercentError ||
    error instanceof InvalidAlertSettingsError ||
    error instanceof InvalidKpiSettingsError
  ) {
    return new ProblemException(400, error.message);
  }
  return error;
}
