import { Inject, Injectable } from '@nestjs/common';
import { type AlertState } from '@sferum/infra-postgres';
import { type AlertKind } from '@sferum/contracts';
import { MunicipalityMovesRefused, type OrganizationRecord, type Threshold } from '@sferum/domain';
import { ClickHouse, unknownOrganizations } from '@sferum/infra-clickhouse';
import {
  exportOrganizations,
  findMunicipalityMoves,
  findOrganization,
  findOrganizations,
  getAlertSettings,
  importOrganizations,
  listAlerts,
  listMunicipalities,
  listRegions,
  putAlertSettings,
  putKpiSettings,
  putThreshold,
  type OrganizationFilter,
  type RegionKpiSettings,
} from '@sferum/infra-postgres';
import { DataSource } from 'typeorm';
import { RegistryCache } from './registry-cache';

/**
 * The registry API's reads and writes: the repositories of
 * libs/infra/postgres (and the unknown organizations of ClickHouse) behind
 * one service, so that no controller holds a DataSource. Reads the KPI path
 * needs come from the cached registry; every write waits for the cache to
 * load the new version (and mirror it into ClickHouse) before it answers,
 * so the next KPI answer of this instance already follows it.
 */
@Injectable()
export class RegistryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(RegistryCache) private readonly cache: RegistryCache,
  ) {}

  /** The codes of the federal subjects, from the cached registry. */
  regionCodes(): ReadonlySet<string> {
    return new Set(this.cache.registry.regions.keys());
  }

  listRegions() {
    return listRegions(this.dataSource);
  }

  listMunicipalities(region: string) {
    return listMunicipalities(this.dataSource, region);
  }

  findOrganizations(filter: OrganizationFilter) {
    return findOrganizations(this.dataSource, filter);
  }

  findOrganization(orgId: string) {
    return findOrganization(this.dataSource, orgId);
  }

  exportOrganizations(region: string | undefined) {
    return exportOrganizations(this.dataSource, region);
  }

  /** Upserts the records; throws MunicipalityMovesRefused (nothing applied) for a move to another region that is not allowed. */
  async importOrganizations(records: readonly OrganizationRecord[], options: { readonly allowMunicipalityMoves: boolean }) {
    const report = await importOrganizations(this.dataSource, records, options);
    await this.cache.refresh();
    return report;
  }

  /** A dry run's check against the registry as it stands: the same refusal as the import, nothing written. */
  async checkMunicipalityMoves(records: readonly OrganizationRecord[], options: { readonly allowMunicipalityMoves: boolean }): Promise<void> {
    const moves = await findMunicipalityMoves(this.dataSource, records);
    if (moves.length > 0 && !options.allowMunicipalityMoves) throw new MunicipalityMovesRefused(moves);
  }

  /** The organization ids events named and the registry does not know, with what each source sent. */
  unknownOrganizations(page: { readonly limit: number; readonly offset: number }) {
    return unknownOrganizations(this.clickhouse, { registryVersion: this.cache.registry.mirrorVersion, ...page });
  }

  kpiSettings(region: string): RegionKpiSettings {
    const cached = this.cache.region(region);
    if (cached === undefined) throw new Error(`region ${region} is not in the cached registry`);
    return cached.settings;
  }

  async putKpiSettings(region: string, settings: RegionKpiSettings): Promise<void> {
    await putKpiSettings(this.dataSource, region, settings);
    await this.cache.refresh();
  }

  alertSettings(region: string) {
    return getAlertSettings(this.dataSource, region);
  }

  putAlertSettings(region: string, body: Record<string, unknown>) {
    return putAlertSettings(this.dataSource, region, body);
  }

  thresholds(): readonly Threshold[] {
    return this.cache.registry.thresholds;
  }

  async putThreshold(threshold: Threshold): Promise<void> {
    await putThreshold(this.dataSource, threshold);
    await this.cache.refresh();
  }

  listAlerts(filter: { readonly state?: AlertState; readonly region?: string; readonly kind?: AlertKind; readonly limit: number }) {
    return listAlerts(this.dataSource, filter);
  }
}
