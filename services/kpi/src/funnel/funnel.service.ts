import { Inject, Injectable } from '@nestjs/common';
import {
  buildFunnel,
  isPartialPeriod,
  isPeriodInRange,
  lastCompletePeriod,
  onboardingOf,
  onboardingSteps,
  periodBounds,
  type Clock,
  type FunnelRow,
  type OnboardingEvidence,
  type OrganizationOnboarding,
  type Period,
  type StuckOrganization,
  NO_ONBOARDING_EVIDENCE,
} from '@sferum/domain';
import { ClickHouse, onboardingEvidenceAt, onboardingWrites, readFactWrites } from '@sferum/infra-clickhouse';
import { CLOCK } from '@sferum/infra-http';
import { VersionedCache } from '@sferum/util';
import { periodFields, scopeOf, type PeriodFields } from '../kpi/kpi-query.service';
import { RegistryCache } from '../registry/registry-cache';
import { type FunnelRequest, parseFunnelRequest } from './funnel-request';

export interface FunnelAnswer extends PeriodFields {
  readonly region: string;
  readonly regionName: string;
  readonly timeZone: string;
  /** The period is not over: the funnel is taken at the start of the current hour instead of its end. */
  readonly partial: boolean;
  /** The instant the funnel is taken at (exclusive): the period's end, UTC ISO 8601. */
  readonly at: string;
  readonly stuckDays: number;
  /** The registry version whose organizations, dates and placement the answer is of. */
  readonly registryVersion: number;
  readonly steps: { readonly step: number; readonly id: string; readonly name: string }[];
  readonly rows: FunnelRow[];
  readonly stuck: StuckOrganization[];
}

/** Evidence kept per region and instant: a few weeks of every region. */
const KEPT_EVIDENCE = 500;
const HOUR_MS = 3_600_000;

/**
 * The onboarding funnel (libs/domain/src/onboarding): the registry's
 * organizations and their onboarding dates from the cached registry, what
 * the events show from one ClickHouse query per region and instant (kept
 * until a registration, an organization fact or a first activity is
 * written: fact-writes.ts onboardingWrites), combined by the domain.
 */
@Injectable()
export class FunnelService {
  private readonly kept = new VersionedCache<Map<string, OnboardingEvidence>>(KEPT_EVIDENCE);

  constructor(
    @Inject(RegistryCache) private readonly registry: RegistryCache,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  request(query: Record<string, unknown>): FunnelRequest {
    return parseFunnelRequest(this.registry.registry, query);
  }

  async answer(request: FunnelRequest, nowMs = this.clock.now()): Promise<FunnelAnswer> {
    const registry = this.registry.registry;
    const region = registry.regions.get(request.region.code);
    if (region === undefined) throw new Error(`region ${request.region.code} is not in registry version ${registry.version}`);
    const period = request.period ?? lastCompletePeriod(request.periodKind, nowMs, region.timeZone);
    const partial = isPartialPeriod(period, nowMs, region.timeZone);
    const { endMs } = periodBounds(period, region.timeZone);
    // A period not over yet: as far as it went, to the hour (answers of one hour agree, and are kept).
    const atMs = partial ? Math.min(endMs, Math.floor(nowMs / HOUR_MS) * HOUR_MS) : endMs;
    const evidence = await this.evidence(region.code, registry.mirrorVersion, atMs, period);
    const onboarding = new Map<string, OrganizationOnboarding>();
    for (const o of region.organizations) {
      onboarding.set(
        o.orgId,
        onboardingOf({ registry: o.onboarding, registryConnected: o.facts.connected, events: evidence.get(o.orgId) ?? NO_ONBOARDING_EVIDENCE, timeZone: region.timeZone, atMs }),
      );
    }
    const funnel = buildFunnel({
      region: { code: region.code, name: region.name },
      organizations: region.organizations,
      onboarding,
      ...(request.groupBy === undefined ? {} : { groupBy: request.groupBy }),
      scope: scopeOf(request),
      atMs,
      stuckDays: request.stuckDays,
    });
    return {
      region: region.code,
      regionName: region.name,
      ...periodFields(period),
      timeZone: region.timeZone,
      partial,
      at: new Date(atMs).toISOString(),
      stuckDays: request.stuckDays,
      registryVersion: registry.version,
      steps: onboardingSteps(request.lang),
      rows: funnel.rows,
      stuck: funnel.stuck,
    };
  }

  private async evidence(region: string, mirrorVersion: number, atMs: number, period: Period): Promise<Map<string, OnboardingEvidence>> {
    if (!isPeriodInRange(period)) return new Map();
    const writes = onboardingWrites(await readFactWrites(this.clickhouse));
    return this.kept.get(JSON.stringify([region, mirrorVersion, atMs]), writes, () => onboardingEvidenceAt(this.clickhouse, region, mirrorVersion, atMs));
  }
}
