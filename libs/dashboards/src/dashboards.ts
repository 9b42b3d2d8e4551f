/**
 * The Grafana dashboards, as code (Grafana Foundation SDK). `npm run
 * dashboards` writes them to deploy/grafana/dashboards/*.json, which
 * Grafana provisions (deploy/grafana/provisioning). Data: Prometheus for
 * the gauges the services export, the Infinity data source for the KPI
 * API (tables by municipality and organization, 12-week history, the
 * onboarding funnel).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  type Dashboard,
  type ValueMapping,
  MappingType,
  ThresholdsMode,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { InfinityQueryBuilder } from './infinity';

export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

/**
 * The dashboards' languages. The analysts of a ministry read Russian: the
 * region dashboards are Russian (`*.json`, their uids those of before), and
 * the same dashboards in English are kept beside them (`*.en.json`, uids
 * ending in `-en`), each linking to the other. Pipeline health is the
 * operators' and stays English only.
 */
export const DASHBOARD_LANGS = ['ru', 'en'] as const;
export type DashboardLang = (typeof DASHBOARD_LANGS)[number];

/**
 * The indicators with their official names (the federal table of 17 March
 * 2023). The report page of the KPI service names them with the same words
 * (libs/domain/src/kpi/report-format.ts; this library imports nothing of
 * the project, so tools/e2e/src/report.e2e-spec.ts holds the two equal).
 */
export const INDICATORS = [
  {
    kpi: 'active_schools',
    name: { ru: 'Доля активных школ (есть 2 и более пользователей)', en: 'Share of active schools (2 or more users)' },
  },
  {
    kpi: 'teachers_10_messages',
    name: {
      ru: 'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю',
      en: 'Teachers who wrote at least 10 messages in group chats during the week',
    },
  },
  {
    kpi: 'teachers_1_call',
    name: { ru: 'Учителя, совершившие не менее 1 звонка за неделю', en: 'Teachers who made at least 1 call during the week' },
  },
] as const;

const BAND_COLOURS = { below_norm: 'red', average: 'yellow', good: 'green' } as const;
type BandId = keyof typeof BAND_COLOURS;

/** Every text of the region dashboards in one language. */
interface DashboardWords {
  readonly bands: Record<BandId, string>;
  readonly region: string;
  readonly otherLanguage: string;
  readonly overview: {
    readonly title: string;
    readonly description: string;
    readonly lastWeek: string;
    readonly valueDescription: string;
    readonly band: (indicator: string) => string;
    readonly trend: string;
    readonly weekly: (indicator: string) => string;
    readonly week: string;
  };
  readonly municipalities: {
    readonly title: string;
    readonly description: string;
    readonly panel: string;
    readonly panelDescription: string;
    readonly municipality: string;
    readonly organizations: string;
    readonly registeredTeachers: string;
    readonly percent: (indicator: string) => string;
    readonly band: (indicator: string) => string;
    readonly suppressed: string;
    readonly smallCell: string;
  };
  readonly organizations: {
    readonly title: string;
    readonly description: string;
    readonly panel: string;
    readonly id: string;
    readonly organization: string;
    readonly registeredUsers: string;
    readonly registeredTeachers: string;
    readonly teacherHeadcount: string;
  };
  readonly onboarding: {
    readonly title: string;
    readonly description: string;
    readonly steps: string;
    readonly stepsDescription: string;
    readonly step: string;
    readonly reached: string;
    readonly share: string;
    readonly atStep: string;
    readonly stuck: string;
    readonly stuckPanel: string;
    readonly stuckDescription: string;
    readonly organization: string;
    readonly municipality: string;
    readonly days: string;
    readonly id: string;
  };
}

const WORDS: Record<DashboardLang, DashboardWords> = {
  ru: {
    bands: { below_norm: 'ниже нормы', average: 'средний', good: 'хороший' },
    region: 'Регион',
    otherLanguage: 'English',
    overview: {
      title: 'Сферум: обзор региона',
      description: 'Федеральные показатели региона: последняя завершённая неделя с оценкой и динамика за 12 недель.',
      lastWeek: 'Последняя завершённая неделя',
      valueDescription:
        'kpi_value региона (municipality=""), последняя завершённая неделя. Цвет — оценка, которую определил сервис KPI (kpi_band) по порогам, действующим на понедельник недели.',
      band: (indicator) => `${indicator}: оценка`,
      trend: 'Динамика за 12 недель (история из KPI API)',
      weekly: (indicator) => `${indicator}, по неделям`,
      week: 'Неделя',
    },
    municipalities: {
      title: 'Сферум: муниципальные образования',
      description: 'Таблица-светофор муниципальных образований региона.',
      panel: 'Муниципальные образования, последняя завершённая неделя',
      panelDescription:
        'Одна строка на муниципальное образование; щелчок по заголовку сортирует. Оценки — как их определил сервис KPI. Если учителей меньше минимума региона (настройки, по умолчанию 5), доли учителей не показываются: «малая группа».',
      municipality: 'Муниципальное образование',
      organizations: 'Организации',
      registeredTeachers: 'Зарегистрированные учителя',
      percent: (indicator) => `${indicator}, %`,
      band: (indicator) => `${indicator}: оценка`,
      suppressed: 'Доли не показаны (учителей меньше минимума)',
      smallCell: 'малая группа',
    },
    organizations: {
      title: 'Сферум: неактивные организации',
      description: 'Организации, в которых зарегистрировано менее 2 пользователей (неактивные): кого подключать следующими.',
      panel: 'Организации, в которых зарегистрировано менее 2 пользователей',
      id: 'Идентификатор организации',
      organization: 'Организация',
      registeredUsers: 'Зарегистрированные пользователи',
      registeredTeachers: 'Зарегистрированные учителя',
      teacherHeadcount: 'Штатная численность учителей',
    },
    onboarding: {
      title: 'Сферум: воронка подключения',
      description: 'Восемь шагов подключения организаций региона к «Сферуму» на конец последней завершённой недели, и организации, которые стоят на своём шаге более 14 дней.',
      steps: 'Воронка подключения, последняя завершённая неделя',
      stepsDescription:
        'Шаг организации — последний, о котором есть сведения (даты в реестре организаций или события платформы); шаги до него считаются пройденными. «Дошли до шага» — организации на этом шаге или дальше; «На шаге более 14 дней» — те, что стоят на нём (до 8-го) дольше 14 дней.',
      step: 'Шаг подключения',
      reached: 'Дошли до шага',
      share: 'Доля организаций, дошедших до шага, %',
      atStep: 'На шаге',
      stuck: 'На шаге более 14 дней',
      stuckPanel: 'Организации на шаге более 14 дней',
      stuckDescription: 'Дольше всех стоящие первыми: с кем связаться в первую очередь.',
      organization: 'Организация',
      municipality: 'Муниципальное образование',
      days: 'Дней на шаге',
      id: 'Идентификатор организации',
    },
  },
  en: {
    bands: { below_norm: 'below norm', average: 'average', good: 'good' },
    region: 'Region',
    otherLanguage: 'Русский',
    overview: {
      title: 'Sferum: region overview',
      description: 'The federal indicators of a region: the last complete week with its band, and 12 weeks of history.',
      lastWeek: 'Last complete week',
      valueDescription: `kpi_value of the region (municipality=""), last complete week. Colour: the band the KPI service decided (kpi_band), on the thresholds in force on the week's Monday.`,
      band: (indicator) => `${indicator}: band`,
      trend: '12-week trend (KPI API history)',
      weekly: (indicator) => `${indicator}, weekly`,
      week: 'Week',
    },
    municipalities: {
      title: 'Sferum: municipalities',
      description: 'Traffic-light table of the municipalities of a region.',
      panel: 'Municipalities, last complete week',
      panelDescription:
        'One row per municipality; click a header to sort. Bands as decided by the KPI service. A municipality with fewer teachers than the region minimum (settings, default 5) shows no teacher share: "small cell".',
      municipality: 'Municipality',
      organizations: 'Organizations',
      registeredTeachers: 'Registered teachers',
      percent: (indicator) => `${indicator}, %`,
      band: (indicator) => `${indicator}: band`,
      suppressed: 'Withheld (fewer teachers than the minimum)',
      smallCell: 'small cell',
    },
    organizations: {
      title: 'Sferum: organizations not active',
      description: 'Organizations with fewer than 2 registered users (not active): whom to onboard next.',
      panel: 'Organizations with fewer than 2 registered users',
      id: 'Organization id',
      organization: 'Organization',
      registeredUsers: 'Registered users',
      registeredTeachers: 'Registered teachers',
      teacherHeadcount: 'Teacher headcount',
    },
    onboarding: {
      title: 'Sferum: onboarding funnel',
      description: "The eight onboarding steps of the region's organizations at the end of the last complete week, and the organizations at their step for more than 14 days.",
      steps: 'Onboarding funnel, last complete week',
      stepsDescription:
        "An organization's step is the last one with evidence (a date in the organization registry, or a platform event); the steps before it count as done. Reached: at the step or beyond; at it for more than 14 days: there, below step 8, for longer.",
      step: 'Onboarding step',
      reached: 'Reached the step',
      share: 'Share of the organizations that reached the step, %',
      atStep: 'At the step',
      stuck: 'At it for more than 14 days',
      stuckPanel: 'Organizations at their step for more than 14 days',
      stuckDescription: 'The longest first: the first to call.',
      organization: 'Organization',
      municipality: 'Municipality',
      days: 'Days at the step',
      id: 'Organization id',
    },
  },
};

/** The bands as text, coloured (the KPI API's band field). */
const bandTextMappings = (lang: DashboardLang): ValueMapping[] => [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(BAND_COLOURS).map(([band, color], index) => [band, { text: WORDS[lang].bands[band as BandId], color, index }])),
  },
];

/** The bands as numbers (the kpi_band gauge: 0, 1, 2), coloured. */
const bandNumberMappings = (lang: DashboardLang): ValueMapping[] => [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(BAND_COLOURS).map(([band, color], index) => [String(index), { text: WORDS[lang].bands[band as BandId], color, index }])),
  },
];

const prom = (expr: string, legend?: string) => {
  const q = new DataqueryBuilder().datasource(PROMETHEUS_DATASOURCE).expr(expr);
  return legend === undefined ? q : q.legendFormat(legend);
};

const regionVariable = (lang: DashboardLang) =>
  new QueryVariableBuilder('region')
    .label(WORDS[lang].region)
    .datasource(PROMETHEUS_DATASOURCE)
    .query({ query: 'label_values(kpi_value, region)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition('label_values(kpi_value, region)')
    .refresh(VariableRefresh.OnDashboardLoad);

/** The uid of a region dashboard in a language: the Russian one keeps the uid it always had. */
const uidIn = (uid: string, lang: DashboardLang) => (lang === 'ru' ? uid : `${uid}-${lang}`);

/** A region dashboard in `lang`, with a link to the same dashboard in the other language (same region, same time range). */
function regionDashboard(uid: string, lang: DashboardLang, title: string): DashboardBuilder {
  const other: DashboardLang = lang === 'ru' ? 'en' : 'ru';
  return new DashboardBuilder(title)
    .uid(uidIn(uid, lang))
    .tags(['sferum', 'kpi', lang])
    .withVariable(regionVariable(lang))
    .link(new DashboardLinkBuilder(WORDS[lang].otherLanguage).type(DashboardLinkType.Link).url(`/d/${uidIn(uid, other)}`).includeVars(true).keepTime(true));
}

/** An ISO week of the dashboard's time range, for the KPI API (Grafana formats dates with moment.js). */
const FROM_WEEK = '${__from:date:GGGG-[W]WW}';
const TO_WEEK = '${__to:date:GGGG-[W]WW}';

export function regionOverview(lang: DashboardLang = 'ru'): Dashboard {
  const words = WORDS[lang].overview;
  const d = regionDashboard('sferum-region-overview', lang, words.title)
    .description(words.description)
    .time({ from: 'now-12w', to: 'now' })
    .refresh('5m')
    .withRow(new RowBuilder(words.lastWeek));
  for (const { kpi, name } of INDICATORS) {
    d.withPanel(
      new StatPanel()
        .title(name[lang])
        .description(words.valueDescription)
        .unit('percent')
        .decimals(2)
        .withTarget(prom(`kpi_value{region="$region", municipality="", kpi="${kpi}", week="last"}`, name[lang]).refId('A'))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'text' }]))
        .height(5)
        .span(8),
    );
  }
  for (const { kpi, name } of INDICATORS) {
    d.withPanel(
      new StatPanel()
        .title(words.band(name[lang]))
        .withTarget(prom(`kpi_band{region="$region", municipality="", kpi="${kpi}", week="last"}`).refId('A'))
        .mappings(bandNumberMappings(lang))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .height(4)
        .span(8),
    );
  }
  d.withRow(new RowBuilder(words.trend));
  for (const { kpi, name } of INDICATORS) {
    d.withPanel(
      new TimeseriesPanel()
        .title(words.weekly(name[lang]))
        .unit('percent')
        .min(0)
        .withTarget(
          new InfinityQueryBuilder(`/v1/kpi/history?region=$region&kpi=${kpi}&from=${FROM_WEEK}&to=${TO_WEEK}`)
            .refId('A')
            .format('timeseries')
            .rootSelector('series[0].points')
            .column('weekStart', words.week, 'timestamp', 'YYYY-MM-DD')
            // The legend of the series: the indicator's name.
            .column('value', name[lang], 'number'),
        )
        .height(8)
        .span(8),
    );
  }
  return d.build();
}

export function municipalities(lang: DashboardLang = 'ru'): Dashboard {
  const words = WORDS[lang].municipalities;
  const columns: [string, string, 'string' | 'number'][] = [
    ['name', words.municipality, 'string'],
    ['counters.orgs', words.organizations, 'number'],
    ['counters.registered_teachers', words.registeredTeachers, 'number'],
  ];
  const query = new InfinityQueryBuilder('/v1/kpi?region=$region&groupBy=municipality').refId('A').rootSelector('rows');
  for (const [selector, text, type] of columns) query.column(selector, text, type);
  for (const { kpi, name } of INDICATORS) {
    query.column(`kpis.${kpi}.value`, words.percent(name[lang]), 'number');
    query.column(`kpis.${kpi}.band`, words.band(name[lang]), 'string');
  }
  // A small cell's teacher shares and bands are empty: this column says why.
  query.column('suppressed', words.suppressed, 'string');
  const table = new TablePanel().title(words.panel).description(words.panelDescription).withTarget(query).height(24).span(24);
  for (const { name } of INDICATORS) {
    table.overrideByName(words.band(name[lang]), [
      { id: 'mappings', value: bandTextMappings(lang) },
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
    ]);
  }
  table.overrideByName(words.suppressed, [{ id: 'mappings', value: [{ type: MappingType.ValueToText, options: { small_cell: { text: words.smallCell, index: 0 } } }] }]);
  return regionDashboard('sferum-municipalities', lang, words.title).description(words.description).time({ from: 'now-7d', to: 'now' }).withPanel(table).build();
}

export function organizations(lang: DashboardLang = 'ru'): Dashboard {
  const words = WORDS[lang].organizations;
  const query = new InfinityQueryBuilder('/v1/kpi?region=$region&groupBy=organization')
    .refId('A')
    .rootSelector('rows')
    .column('id', words.id, 'string')
    .column('name', words.organization, 'string')
    .column('counters.registered_users', words.registeredUsers, 'number')
    .column('counters.registered_teachers', words.registeredTeachers, 'number')
    .column('counters.teacher_headcount', words.teacherHeadcount, 'number')
    .filter(`${filterField(words.registeredUsers)} < 2`);
  return regionDashboard('sferum-organizations', lang, words.title)
    .description(words.description)
    .time({ from: 'now-7d', to: 'now' })
    .withPanel(new TablePanel().title(words.panel).withTarget(query).height(24).span(24))
    .build();
}

/**
 * The onboarding funnel of GET /v1/funnel (the region, the last complete
 * week, stuck after the default 14 days; the steps' names in the
 * dashboard's language), reshaped by the Infinity backend parser's
 * JSONata: the region's row's counts per step, each named "N. <name>"
 * from the answer's `steps` (the words of the report page), with the share
 * of the region's organizations that reached it. `[...]` keeps a list of
 * one a list.
 */
const FUNNEL_STEPS_SELECTOR =
  '[rows[0].steps.($n := step; {"step": $string($n) & ". " & $$.steps[step = $n].name, "reached": reached, ' +
  '"share": $$.rows[0].organizations = 0 ? 0 : $round(reached / $$.rows[0].organizations * 100, 2), "atStep": atStep, "stuck": stuck})]';
/** The stuck organizations of the answer, longest first, their step named as above. */
const FUNNEL_STUCK_SELECTOR =
  '[stuck.($n := step; {"organization": orgName, "municipality": municipalityName, "step": $string($n) & ". " & $$.steps[step = $n].name, "days": days, "orgId": orgId})]';

export function onboarding(lang: DashboardLang = 'ru'): Dashboard {
  const words = WORDS[lang].onboarding;
  const url = `/v1/funnel?region=$region&lang=${lang}`;
  const steps = new InfinityQueryBuilder(url)
    .refId('A')
    .rootSelector(FUNNEL_STEPS_SELECTOR)
    .column('step', words.step, 'string')
    .column('reached', words.reached, 'number')
    .column('share', words.share, 'number')
    .column('atStep', words.atStep, 'number')
    .column('stuck', words.stuck, 'number');
  const stepsTable = new TablePanel()
    .title(words.steps)
    .description(words.stepsDescription)
    .withTarget(steps)
    .overrideByName(words.share, [
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.Gauge, mode: common.BarGaugeDisplayMode.Basic, valueDisplayMode: common.BarGaugeValueMode.Text } },
      { id: 'unit', value: 'percent' },
      { id: 'min', value: 0 },
      { id: 'max', value: 100 },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'blue' } },
    ])
    // Organizations stuck: red once there is one.
    .overrideByName(words.stuck, [
      { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorText } },
      { id: 'thresholds', value: { mode: ThresholdsMode.Absolute, steps: [{ value: null, color: 'text' }, { value: 1, color: 'red' }] } },
    ])
    .height(10)
    .span(24);
  const stuck = new InfinityQueryBuilder(url)
    .refId('A')
    .rootSelector(FUNNEL_STUCK_SELECTOR)
    .column('organization', words.organization, 'string')
    .column('municipality', words.municipality, 'string')
    .column('step', words.step, 'string')
    .column('days', words.days, 'number')
    .column('orgId', words.id, 'string');
  const stuckTable = new TablePanel().title(words.stuckPanel).description(words.stuckDescription).withTarget(stuck).height(16).span(24);
  return regionDashboard('sferum-onboarding', lang, words.title).description(words.description).time({ from: 'now-7d', to: 'now' }).withPanel(stepsTable).withPanel(stuckTable).build();
}

/**
 * A column in an Infinity filter expression. The filter (govaluate) names
 * a column by its text, or by that text slugified to ASCII word characters
 * (pkg/infinity/filter.go): a Russian text slugifies to underscores only,
 * so the column is named in govaluate's brackets, which take any text but "]".
 */
function filterField(text: string): string {
  if (text.includes(']')) throw new Error(`a column named in a filter cannot contain "]": ${text}`);
  return `[${text}]`;
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

/** File name -> dashboard: the region dashboards in Russian (`name.json`) and in English (`name.en.json`), pipeline health in English. */
export function allDashboards(): Record<string, Dashboard> {
  return {
    'region-overview.json': regionOverview('ru'),
    'municipalities.json': municipalities('ru'),
    'organizations.json': organizations('ru'),
    'onboarding.json': onboarding('ru'),
    'pipeline-health.json': pipelineHealth(),
    'region-overview.en.json': regionOverview('en'),
    'municipalities.en.json': municipalities('en'),
    'organizations.en.json': organizations('en'),
    'onboarding.en.json': onboarding('en'),
  };
}

export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
