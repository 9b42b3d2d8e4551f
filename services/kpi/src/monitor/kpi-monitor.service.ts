import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KPI_IDS } from '@sferum/contracts';
import {
  addWeeks,
  type AlertCandidate,
  type AlertSettings,
  type Clock,
  currentWeek,
  formatIsoWeek,
  kpiAlerts,
  type KpiRow,
  lastCompleteWeek,
  reconcileAlerts,
  silenceAlert,
  type UnitSeries,
} from '@sferum/domain';
import { ClickHouse, lastEventPerRegion } from '@sferum/infra-clickhouse';
import { applyAlertChanges, getAlertSettings, listAlerts, withTryLock } from '@sferum/infra-postgres';
import { CLOCK } from '@sferum/infra-http';
import { errorMessage, PeriodicTask } from '@sferum/util';
import { DataSource } from 'typeorm';
import { KpiQueryService } from '../kpi/kpi-query.service';
import { RegistryCache } from '../registry/registry-cache';
import { type KpiConfig } from '../kpi.config';
import { KPI_CONFIG } from '../kpi.tokens';
import { type KpiGaugeValue, kpiGauges, KpiMetrics } from './kpi-metrics';

export interface MonitorReport {
  readonly regions: number;
  readonly failedRegions: string[];
  readonly candidates: AlertCandidate[];
  readonly fired: number;
  readonly resolved: number;
  /** False when another instance was evaluating alerts at the time. */
  readonly evaluatedAlerts: boolean;
}

const ALERT_LOCK = 'sferum-kpi-alert-evaluation';

/**
 * Every MONITOR_INTERVAL_SECONDS: the indicators of every region with
 * organizations (region and municipalities, last complete and current week)
 * as Prometheus gauges, and drop detection over the last complete week
 * with each region's alert settings. Alerts are evaluated by one instance
 * at a time (a PostgreSQL advisory lock); every instance serves gauges.
 * A small cell's withheld shares make no gauge and no alert (the domain's
 * alert rules say how its weeks count).
 */
@Injectable()
export class KpiMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('monitor');
  private readonly task = new PeriodicTask(
    () => this.run(),
    (error) => {
      this.metrics.runs.inc({ outcome: 'error' });
      this.logger.error(`monitor run failed: ${errorMessage(error)}`);
    },
  );

  constructor(
    @Inject(KPI_CONFIG) private readonly config: KpiConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(KpiQueryService) private readonly kpi: KpiQueryService,
    @Inject(KpiMetrics) private readonly metrics: KpiMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RegistryCache) private readonly registry: RegistryCache,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.MONITOR_INTERVAL_SECONDS > 0) this.task.start(this.config.MONITOR_INTERVAL_SECONDS * 1000, { runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async run(nowMs = this.clock.now()): Promise<MonitorReport> {
    const started = Date.now();
    if (!this.registry.isLoaded) {
      // At start: nothing to evaluate until the registry is loaded (readiness says so).
      return { regions: 0, failedRegions: [], candidates: [], fired: 0, resolved: 0, evaluatedAlerts: false };
    }
    const registry = this.registry.registry;
    const allRegions = [...registry.regions.values()];
    const regions = allRegions.filter((r) => r.organizations.length > 0);
    const lastEvents = new Map((await lastEventPerRegion(this.clickhouse, registry.mirrorVersion)).map((r) => [r.region, r.lastIngestedAt * 1000]));
    const zones = new Map(allRegions.map((r) => [r.code, r.timeZone]));
    const settingsOf = new Map<string, AlertSettings>();
    const alertSettings = async (code: string) => {
      let settings = settingsOf.get(code);
      if (settings === undefined) {
        settings = await getAlertSettings(this.dataSource, code);
        settingsOf.set(code, settings);
      }
      return settings;
    };
    const gauges: KpiGaugeValue[] = [];
    const candidates: AlertCandidate[] = [];
    const failedRegions: string[] = [];
    // Regions whose alerts stay as they are: muted by their settings, or whose figures could not be read.
    const frozen = new Set<string>();

    for (const region of regions) {
      try {
        const settings = await alertSettings(region.code);
        if (!settings.enabled) frozen.add(region.code);
        const last = lastCompleteWeek(nowMs, region.timeZone);
        const weeks = Array.from({ length: settings.baselineWeeks + 1 }, (_, i) => addWeeks(last, i - settings.baselineWeeks));
        weeks.push(currentWeek(nowMs, region.timeZone));
        const rows = await this.kpi.monitorRows({ code: region.code, name: region.name, timeZone: region.timeZone }, weeks);
        const lastRows = rows.get(formatIsoWeek(last))!;
        const currentRows = rows.get(formatIsoWeek(weeks[weeks.length - 1]!))!;
        gauges.push(...kpiGauges(region.code, lastRows, 'last'), ...kpiGauges(region.code, currentRows, 'current'));

        const history = weeks.slice(0, -1).map((w) => rows.get(formatIsoWeek(w))!);
        const units: { municipality: string | null; name: string; pick: (week: (typeof history)[number]) => KpiRow | undefined }[] = [
          { municipality: null, name: region.name, pick: (w) => w.region },
          ...lastRows.municipalities.map((m) => ({ municipality: m.id, name: m.name, pick: (w: (typeof history)[number]) => w.municipalities.find((x) => x.id === m.id) })),
        ];
        for (const unit of units) {
          for (const kpi of KPI_IDS) {
            const series: UnitSeries = {
              region: region.code,
              municipality: unit.municipality,
              name: unit.name,
              kpi,
              // A small-cell week carries suppressed: the rules count it as a week without a value.
              points: history.map((w, i) => {
                const k = unit.pick(w)?.kpis[kpi];
                return { week: formatIsoWeek(weeks[i]!), value: k?.value ?? null, band: k?.band ?? null, ...(k?.suppressed === undefined ? {} : { suppressed: k.suppressed }) };
              }),
            };
            candidates.push(...kpiAlerts(series, settings));
          }
        }
      } catch (error) {
        failedRegions.push(region.code);
        frozen.add(region.code);
        this.logger.warn(`region ${region.code}: ${errorMessage(error)}; its alerts are left as they are`);
      }
    }
    for (const [code, lastMs] of lastEvents) {
      const zone = zones.get(code);
      if (zone === undefined || frozen.has(code)) continue;
      const settings = await alertSettings(code);
      if (!settings.enabled) {
        frozen.add(code);
        continue;
      }
      const silent = silenceAlert({ code, timeZone: zone }, lastMs, nowMs, settings);
      if (silent !== null) candidates.push(silent);
    }
    this.metrics.publishKpis(gauges, new Map([...lastEvents].map(([code, ms]) => [code, Math.max(0, (nowMs - ms) / 1000)])));

    let fired = 0;
    let resolved = 0;
    const evaluatedAlerts = await withTryLock(this.dataSource, ALERT_LOCK, async () => {
      const active = (await listAlerts(this.dataSource, { state: 'active', limit: 1_000_000 })).filter((a) => !frozen.has(a.region));
      const changes = reconcileAlerts(active, candidates.filter((c) => !frozen.has(c.region)));
      const applied = await applyAlertChanges(this.dataSource, { ...changes, nowMs, webhookUrls: this.config.ALERT_WEBHOOK_URLS });
      fired = applied.fired.length;
      resolved = applied.resolved.length;
      for (const a of applied.fired) this.logger.warn(`alert fired: ${a.summary}`);
      for (const a of applied.resolved) this.logger.log(`alert resolved: ${a.summary}`);
    });
    const active = await listAlerts(this.dataSource, { state: 'active', limit: 1_000_000 });
    this.metrics.publishAlerts(active.map((a) => ({ kind: a.kind, region: a.region, municipality: a.municipality ?? '', kpi: a.kpi ?? '' })));
    this.metrics.runs.inc({ outcome: failedRegions.length === 0 ? 'ok' : 'partial' });
    this.metrics.runSeconds.set((Date.now() - started) / 1000);
    this.metrics.lastRun.set(Date.now() / 1000);
    return { regions: regions.length, failedRegions, candidates, fired, resolved, evaluatedAlerts };
  }
}
