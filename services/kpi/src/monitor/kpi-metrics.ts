import { Inject, Injectable } from '@nestjs/common';
import { BANDS, KPI_IDS } from '@sferum/contracts';
import { type KpiRow } from '@sferum/domain';
import { MetricsRegistry } from '@sferum/infra-observability';
import { Counter, Gauge } from 'prom-client';

/** One indicator of one unit for Prometheus. municipality "" is the whole region. */
export interface KpiGaugeValue {
  readonly region: string;
  readonly municipality: string;
  readonly kpi: string;
  readonly week: 'last' | 'current';
  readonly value: number;
  /** 0 below norm, 1 average, 2 good; absent without a threshold. */
  readonly band: number | null;
}

export interface ActiveAlertGauge {
  readonly kind: string;
  readonly region: string;
  readonly municipality: string;
  readonly kpi: string;
}

/** The labels of the KPI gauges: a unit is a region or a municipality, never an organization. */
export const KPI_GAUGE_LABELS = ['region', 'municipality', 'kpi', 'week'] as const;

/**
 * The gauges of a region's week: the region (municipality "") and each
 * municipality, every indicator with a value. A value withheld for a small
 * cell (suppressed) has no gauge, so Prometheus never holds a share of a few
 * teachers: the series is absent, as for an empty denominator.
 */
export function kpiGauges(region: string, rows: { readonly region: KpiRow; readonly municipalities: readonly KpiRow[] }, week: KpiGaugeValue['week']): KpiGaugeValue[] {
  const out: KpiGaugeValue[] = [];
  for (const [municipality, row] of [['', rows.region] as const, ...rows.municipalities.map((m) => [m.id, m] as const)]) {
    for (const kpi of KPI_IDS) {
      const v = row.kpis[kpi];
      if (v.suppressed !== undefined || v.value === null) continue;
      out.push({ region, municipality, kpi, week, value: v.value, band: v.band === null ? null : BANDS.indexOf(v.band) });
    }
  }
  return out;
}

/**
 * What the KPI service tells Prometheus about the indicators. Labels are
 * bounded: region (89), municipality (about 2,500 nationally), kpi (4),
 * week (last, current), alert kind (3); never an organization or a person,
 * and no value of a small cell (kpiGauges).
 */
@Injectable()
export class KpiMetrics {
  private readonly value: Gauge<'region' | 'municipality' | 'kpi' | 'week'>;
  private readonly band: Gauge<'region' | 'municipality' | 'kpi' | 'week'>;
  private readonly alerts: Gauge<'kind' | 'region' | 'municipality' | 'kpi'>;
  private readonly lastEventAge: Gauge<'region'>;
  readonly runs: Counter<'outcome'>;
  readonly runSeconds: Gauge;
  readonly lastRun: Gauge;
  readonly webhookPosts: Counter<'outcome'>;
  readonly webhookPending: Gauge;

  constructor(@Inject(MetricsRegistry) registry: MetricsRegistry) {
    const registers = [registry];
    const unitLabels = KPI_GAUGE_LABELS;
    this.value = new Gauge({ name: 'kpi_value', help: 'Indicator value, percent, of the last complete and the current week; municipality="" is the whole region', labelNames: unitLabels, registers });
    this.band = new Gauge({ name: 'kpi_band', help: 'Indicator band: 0 below norm, 1 average, 2 good', labelNames: unitLabels, registers });
    this.alerts = new Gauge({ name: 'kpi_alert_active', help: 'Active alerts (1 each) by kind, region, municipality and KPI', labelNames: ['kind', 'region', 'municipality', 'kpi'], registers });
    this.lastEventAge = new Gauge({ name: 'kpi_region_last_event_age_seconds', help: 'Seconds since the newest event of the region was ingested (as stored in ClickHouse)', labelNames: ['region'], registers });
    this.runs = new Counter({ name: 'kpi_monitor_runs_total', help: 'Monitor runs (gauges and drop detection) by outcome', labelNames: ['outcome'], registers });
    this.runSeconds = new Gauge({ name: 'kpi_monitor_run_seconds', help: 'Duration of the last monitor run', registers });
    this.lastRun = new Gauge({ name: 'kpi_monitor_last_run_timestamp_seconds', help: 'When the last monitor run finished', registers });
    this.webhookPosts = new Counter({ name: 'kpi_alert_webhook_posts_total', help: 'Alert webhook posts by outcome (delivered, failed: retried later)', labelNames: ['outcome'], registers });
    this.webhookPending = new Gauge({ name: 'kpi_alert_webhook_pending', help: 'Alert notifications not yet delivered', registers });
  }

  /** Replaces every KPI series at once (no await in between: a scrape sees the old set or the new one). */
  publishKpis(values: readonly KpiGaugeValue[], lastEventAges: ReadonlyMap<string, number>): void {
    this.value.reset();
    this.band.reset();
    for (const v of values) {
      const labels = { region: v.region, municipality: v.municipality, kpi: v.kpi, week: v.week };
      this.value.set(labels, v.value);
      if (v.band !== null) this.band.set(labels, v.band);
    }
    this.lastEventAge.reset();
    for (const [region, age] of lastEventAges) this.lastEventAge.set({ region }, age);
  }

  publishAlerts(active: readonly ActiveAlertGauge[]): void {
    this.alerts.reset();
    for (const a of active) this.alerts.set({ kind: a.kind, region: a.region, municipality: a.municipality, kpi: a.kpi }, 1);
  }
}
