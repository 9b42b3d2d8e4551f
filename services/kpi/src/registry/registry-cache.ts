import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_KPI_SETTINGS, type RegionKpiSettings } from '@sferum/contracts';
import { type ReportOrganization, type Threshold } from '@sferum/domain';
import { ClickHouse, mirrorRegistry, type MirroredOrganization } from '@sferum/infra-clickhouse';
import { ProblemException } from '@sferum/infra-http';
import { Readiness } from '@sferum/infra-observability';
import { registrySnapshot, registryVersion, type RegistrySnapshot, withLock } from '@sferum/infra-postgres';
import { errorMessage, PeriodicTask, RetryUntilDone } from '@sferum/util';
import { DataSource } from 'typeorm';
import { type KpiConfig } from '../kpi.config';
import { KPI_CONFIG } from '../kpi.tokens';

export interface CachedRegion {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  /** Its KPI settings, the small-cell minimum (minTeacherDenominator) included; the defaults when it has none. */
  readonly settings: RegionKpiSettings;
  /** Municipality id -> name. */
  readonly municipalities: ReadonlyMap<string, string>;
  readonly organizations: readonly ReportOrganization[];
}

export interface CachedRegistry {
  /** The registry version these rows are (PostgreSQL's registry_state). */
  readonly version: number;
  /**
   * The ClickHouse mirror the queries place by: the mirror of this version,
   * or of an earlier one with exactly the same placement (a change of
   * settings or thresholds, or an import that changed nothing, writes no
   * mirror).
   */
  readonly mirrorVersion: number;
  readonly regions: ReadonlyMap<string, CachedRegion>;
  readonly thresholds: readonly Threshold[];
}

/**
 * The KPI service's one copy of the registry, its settings and thresholds:
 * loaded from PostgreSQL at start and again whenever the registry's version
 * changes (polled every REGISTRY_REFRESH_MS, and at once after a write made
 * through this instance), so that no request goes to PostgreSQL. Each
 * version is mirrored into ClickHouse before it is used: the KPI queries
 * place events by the mirror of exactly the version whose names and
 * settings they answer with.
 *
 * A change therefore shows in the KPIs as soon as the write answers on the
 * instance that took it, and within REGISTRY_REFRESH_MS on the others.
 */
@Injectable()
export class RegistryCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryCache');
  private current: CachedRegistry | undefined;
  /** The placement (hash) of the mirror in use, to mirror only when it changes. */
  private mirroredPlacement: { readonly version: number; readonly hash: string } | undefined;
  private loading: Promise<void> | undefined;
  private readonly startup: RetryUntilDone;
  private readonly poll: PeriodicTask;

  constructor(
    @Inject(KPI_CONFIG) private readonly config: KpiConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('registry', () => (this.current === undefined ? Promise.reject(new Error('the registry is not loaded yet')) : Promise.resolve()));
    this.startup = new RetryUntilDone(() => this.refresh(), {
      retryMs: 2_000,
      onRetry: (error, ms) => this.logger.warn(`cannot load the registry yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`),
    });
    this.poll = new PeriodicTask(
      () => this.refresh(),
      (error) => this.logger.warn(`registry refresh failed (keeping version ${this.current?.version ?? 'none'}): ${errorMessage(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    void this.startup.start().then(() => this.poll.start(this.config.REGISTRY_REFRESH_MS, { runNow: false }));
  }

  async onApplicationShutdown(): Promise<void> {
    this.startup.stop();
    await this.poll.stop();
  }

  /** The registry as loaded; while it is not (see readiness), requests get 503 with Retry-After. */
  get registry(): CachedRegistry {
    if (this.current === undefined) {
      throw new ProblemException(503, 'the KPI service has not loaded the registry yet; retry shortly', {}, { 'Retry-After': '2' });
    }
    return this.current;
  }

  get isLoaded(): boolean {
    return this.current !== undefined;
  }

  region(code: string): CachedRegion | undefined {
    return this.current?.regions.get(code);
  }

  /** Loads the registry again if its version changed; concurrent calls share one load. */
  async refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    if (this.current !== undefined && (await registryVersion(this.dataSource)) === this.current.version) return;
    const snapshot = await registrySnapshot(this.dataSource);
    const placement = snapshot.organizations.map((o) => ({ orgId: o.id, municipalityId: o.municipalityId, regionCode: o.regionCode, category: o.category, headcount: o.headcount }));
    const hash = placementHash(placement);
    if (this.mirroredPlacement?.hash !== hash) {
      await withLock(this.dataSource, 'registry-mirror', () => mirrorRegistry(this.clickhouse, snapshot.version, placement));
      this.mirroredPlacement = { version: snapshot.version, hash };
    }
    this.current = indexSnapshot(snapshot, this.mirroredPlacement.version);
    this.logger.log(
      `registry version ${snapshot.version} (placed by mirror ${this.current.mirrorVersion}): ${snapshot.organizations.length} organizations in ${this.current.regions.size} regions`,
    );
  }
}

/** A fingerprint of the placement (the snapshot lists organizations ordered by id). */
function placementHash(placement: readonly MirroredOrganization[]): string {
  const hash = createHash('sha256');
  for (const o of placement) hash.update(JSON.stringify([o.orgId, o.municipalityId, o.regionCode, o.category, o.headcount]));
  return hash.digest('hex');
}

export function indexSnapshot(snapshot: RegistrySnapshot, mirrorVersion: number): CachedRegistry {
  const municipalityNames = new Map(snapshot.municipalities.map((m) => [m.id, m.name]));
  const regions = new Map<string, { code: string; name: string; timeZone: string; settings: RegionKpiSettings; municipalities: Map<string, string>; organizations: ReportOrganization[] }>();
  for (const r of snapshot.regions) {
    regions.set(r.code, { code: r.code, name: r.name, timeZone: r.timeZone, settings: snapshot.settings.get(r.code) ?? DEFAULT_KPI_SETTINGS, municipalities: new Map(), organizations: [] });
  }
  for (const m of snapshot.municipalities) regions.get(m.regionCode)?.municipalities.set(m.id, m.name);
  for (const o of snapshot.organizations) {
    regions.get(o.regionCode)?.organizations.push({
      orgId: o.id,
      orgName: o.name,
      municipalityId: o.municipalityId,
      municipalityName: municipalityNames.get(o.municipalityId) ?? o.municipalityId,
      category: o.category,
      teacherHeadcount: o.headcount,
      facts: o.facts,
      onboarding: o.onboarding,
    });
  }
  return { version: snapshot.version, mirrorVersion, regions, thresholds: snapshot.thresholds };
}
