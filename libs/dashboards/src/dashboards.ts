/**
 * The Grafana dashboards, as code (Grafana Foundation SDK). `npm run
 * dashboards` writes them to deploy/grafana/dashboards/*.json, which
 * Grafana provisions (deploy/grafana/provisioning). Data: Prometheus for
 * the gauges the services export, the Infinity data source for the KPI
 * API (tables by municipality and organization, 12-week history).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, QueryVariableBuilder, RowBuilder, ThresholdsConfigBuilder, type Dashboard, type ValueMapping, MappingType, ThresholdsMode, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { InfinityQueryBuilder } from './infinity';

export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

const INDICATORS = [
  { kpi: 'active_schools', title: 'Active schools' },
  { kpi: 'teachers_10_messages', title: 'Teachers with 10+ group messages' },
  { kpi: 'teachers_1_call', title: 'Teachers with 1+ call' },
] as const;

const BAND_COLOURS = { below_norm: 'red', average: 'yellow', good: 'green' } as const;
const BAND_TEXT = { below_norm: 'below norm', average: 'average', good: 'good' } as const;

/** The bands as text, coloured (the KPI API's band field). */
const bandTextMappings: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(
      Object.entries(BAND_COLOURS).map(([band, color], index) => [band, { text: BAND_TEXT[band as keyof typeof BAND_TEXT], color, index }]),
    ),
  },
];

/** The bands as numbers (the kpi_band gauge: 0, 1, 2), coloured. */
const bandNumberMappings: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(BAND_COLOURS).map(([band, color], index) => [String(index), { text: BAND_TEXT[band as keyof typeof BAND_TEXT], color, index }])),
  },
];

const prom = (expr: string, legend?: string) => {
  const q = new DataqueryBuilder().datasource(PROMETHEUS_DATASOURCE).expr(expr);
  return legend === undefined ? q : q.legendFormat(legend);
};

const regionVariable = () =>
  new QueryVariableBuilder('region')
    .label('Region')
    .datasource(PROMETHEUS_DATASOURCE)
    .query({ query: 'label_values(kpi_value, region)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition('label_values(kpi_value, region)')
    .refresh(VariableRefresh.OnDashboardLoad);

/** An ISO week of the dashboard's time range, for the KPI API (Grafana formats dates with moment.js). */
const FROM_WEEK = '${__from:date:GGGG-[W]WW}';
const TO_WEEK = '${__to:date:GGGG-[W]WW}';

export function regionOverview(): Dashboard {
  const d = new DashboardBuilder('Sferum: region overview')
    .uid('sferum-region-overview')
    .tags(['sferum', 'kpi'])
    .description('The federal indicators of a region: the last complete week with its band, and 12 weeks of history.')
    .time({ from: 'now-12w', to: 'now' })
    .refresh('5m')
    .withVariable(regionVariable())
    .withRow(new RowBuilder('Last complete week'));
  for (const { kpi, title } of INDICATORS) {
    d.withPanel(
      new StatPanel()
        .title(title)
        .description(`kpi_value of the region (municipality=""), last complete week. Colour: the band the KPI service decided (kpi_band), on the thresholds in force.`)
        .unit('percent')
        .decimals(2)
        .withTarget(prom(`kpi_value{region="$region", municipality="", kpi="${kpi}", week="last"}`, 'value').refId('A'))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'text' }]))
        .height(5)
        .span(8),
    );
  }
  for (const { kpi, title } of INDICATORS) {
    d.withPanel(
      new StatPanel()
        .title(`${title}: band`)
        .withTarget(prom(`kpi_band{region="$region", municipality="", kpi="${kpi}", week="last"}`).refId('A'))
        .mappings(bandNumberMappings)
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .height(4)
        .span(8),
    );
  }
  d.withRow(new RowBuilder('12-week trend (KPI API history)'));
  for (const { kpi, title } of INDICATORS) {
    d.withPanel(
      new TimeseriesPanel()
        .title(`${title}, weekly`)
        .unit('percent')
        .min(0)
        .withTarget(
          new InfinityQueryBuilder(`/v1/kpi/history?region=$region&kpi=${kpi}&from=${FROM_WEEK}&to=${TO_WEEK}`)
            .refId('A')
            .format('timeseries')
            .rootSelector('series[0].points')
            .column('weekStart', 'Week', 'timestamp', 'YYYY-MM-DD')
            .column('value', title, 'number'),
        )
        .height(8)
        .span(8),
    );
  }
  return d.build();
}

export function municipalities(): Dashboard {
  const columns: [string, string, 'string' | 'number'][] = [
    ['name', 'Municipality', 'string'],
    ['counters.orgs', 'Organizations', 'number'],
    ['counters.registered_teachers', 'Registered teachers', 'number'],
  ];
  const query = new InfinityQueryBuilder('/v1/kpi?region=$region&groupBy=municipality').refId('A').rootSelector('rows');
  for (const [selector, text, type] of columns) query.column(selector, text, type);
  for (const { kpi, title } of INDICATORS) {
    query.column(`kpis.${kpi}.value`, `${title}, %`, 'number');
    query.column(`kpis.${kpi}.band`, `${title}: band`, 'string');
  }
  // A small cell's teacher shares and bands are empty: this column says why.
  query.column('suppressed', 'Withheld (fewer teachers than the minimum)', 'string');
  const table = new TablePanel()
    .title('Municipalities, last complete week')
    .description('One row per municipality; click a header to sort. Bands as decided by the KPI service. A municipality with fewer teachers than the region minimum (settings, default 5) shows no teacher share: "small_cell".')
    .withTarget(query)
    .height(24)
    .span(24);
  for (const { title } of INDICATORS) {
    table.overrideByName(`${title}: band`, [
      { id: 'mappings', value: bandTextMappings },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
    ]);
  }
  return new DashboardBuilder('Sferum: municipalities')
    .uid('sferum-municipalities')
    .tags(['sferum', 'kpi'])
    .description('Traffic-light table of the municipalities of a region.')
    .time({ from: 'now-7d', to: 'now' })
    .withVariable(regionVariable())
    .withPanel(table)
    .build();
}

export function organizations(): Dashboard {
  const query = new InfinityQueryBuilder('/v1/kpi?region=$region&groupBy=organization')
    .refId('A')
    .rootSelector('rows')
    .column('id', 'Organization id', 'string')
    .column('name', 'Organization', 'string')
    .column('counters.registered_users', 'Registered users', 'number')
    .column('counters.registered_teachers', 'Registered teachers', 'number')
    .column('counters.teacher_headcount', 'Teacher headcount', 'number')
    .filter('registered_users < 2');
  return new DashboardBuilder('Sferum: organizations not active')
    .uid('sferum-organizations')
    .tags(['sferum', 'kpi'])
    .description('Organizations with fewer than 2 registered users (not active): whom to onboard next.')
    .time({ from: 'now-7d', to: 'now' })
    .withVariable(regionVariable())
    .withPanel(new TablePanel().title('Organizations with fewer than 2 registered users').withTarget(query).height(24).span(24))
    .build();
}

export function pipelineHealth(): Dashboard {
  const series = (title: string, unit: string, ...targets: ReturnType<typeof prom>[]) => {
    const p = new TimeseriesPanel().title(title).unit(unit).height(8).span(12);
    targets.forEach((t, i) => p.withTarget(t.refId(String.fromCharCode(65 + i))));
    return p;
  };
  return new DashboardBuilder('Sferum: pipeline health')
    .uid('sferum-pipeline')
    .tags(['sferum', 'operations'])
    .description('Ingest rate and rejections, consumer lag, dead letters, ingest-to-KPI delay, silent regions and KPI alerts.')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .withRow(new RowBuilder('Ingest'))
    .withPanel(series('Events by outcome', 'ops', prom('sum by (outcome) (rate(ingest_events_total[5m]))', '{{outcome}}')))
    .withPanel(series('Rejections by reason', 'ops', prom('sum by (code) (rate(ingest_rejections_total[5m]))', '{{code}}')))
    .withRow(new RowBuilder('Aggregator'))
    .withPanel(series('Consumer lag (records not yet counted)', 'short', prom('sum(aggregator_consumer_lag)', 'lag')))
    .withPanel(series('Dead letters per hour', 'short', prom('sum(increase(aggregator_dead_letters_total[1h]))', 'dead letters')))
    .withPanel(
      series(
        'Ingest to KPI counters (delay)',
        's',
        prom('histogram_quantile(0.5, sum by (le) (rate(aggregator_ingest_to_stored_seconds_bucket[5m])))', 'p50'),
        prom('histogram_quantile(0.99, sum by (le) (rate(aggregator_ingest_to_stored_seconds_bucket[5m])))', 'p99'),
      ),
    )
    .withPanel(series('Rows written to ClickHouse', 'ops', prom('sum(rate(aggregator_rows_written_total[5m]))', 'rows/s')))
    .withRow(new RowBuilder('Regions and alerts'))
    .withPanel(series('Time since the last event, by region', 's', prom('kpi_region_last_event_age_seconds', '{{region}}')))
    .withPanel(series('Active KPI alerts by kind', 'short', prom('count by (kind) (kpi_alert_active)', '{{kind}}')))
    .build();
}

/** File name -> dashboard. */
export function allDashboards(): Record<string, Dashboard> {
  return {
    'region-overview.json': regionOverview(),
    'municipalities.json': municipalities(),
    'organizations.json': organizations(),
    'pipeline-health.json': pipelineHealth(),
  };
}

export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
