import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { allDashboards, dashboardJson, INDICATORS } from './dashboards';
import { metricFamilyOf, metricNamesOf, panelQueries } from './queries';

const GRAFANA = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const PROVISIONING = join(GRAFANA, 'provisioning');

/** The dashboards of a region, in Russian; `english(file)` is the same one in English. */
const REGION_FILES = ['region-overview.json', 'municipalities.json', 'organizations.json', 'onboarding.json'];
const english = (file: string) => file.replace(/\.json$/, '.en.json');

interface RawPanel {
  type: string;
  title: string;
  description?: string;
  gridPos?: unknown;
  targets?: { legendFormat?: string; filterExpression?: string; url?: string; root_selector?: string; columns?: { selector: string; text: string; type: string }[] }[];
  fieldConfig?: { overrides?: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[] };
}

/** A KPI API URL with its `lang` (the language of the names the API answers in) left out: the same in both languages of a dashboard. */
const withoutLang = (url: string) => url.replace(/([?&])lang=(ru|en)(&|$)/, (_, before: string, _lang: string, after: string) => (after === '&' ? before : ''));

const targetsOf = (dashboard: Dashboard) => (dashboard.panels as RawPanel[])[0]!.targets!;

/** Every text of a dashboard a reader sees: its title and description, and its panels' titles, descriptions, legends and column names. */
function textsOf(dashboard: Dashboard): string[] {
  const panels = dashboard.panels as RawPanel[];
  return [
    dashboard.title ?? '',
    dashboard.description ?? '',
    ...panels.flatMap((p) => [p.title, p.description ?? '', ...(p.targets ?? []).flatMap((t) => [t.legendFormat ?? '', ...(t.columns ?? []).map((c) => c.text)])]),
  ].filter((text) => text !== '');
}

describe('Grafana dashboards as code', () => {
  it('the JSON in deploy/grafana/dashboards is what the code generates (run npm run dashboards)', () => {
    const dir = join(GRAFANA, 'dashboards');
    expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(allDashboards()).sort());
    for (const [file, dashboard] of Object.entries(allDashboards())) {
      expect({ file, upToDate: readFileSync(join(dir, file), 'utf8') === dashboardJson(dashboard) }).toEqual({ file, upToDate: true });
    }
  });

  it('every panel has a query, on a data source that is provisioned', () => {
    const provisioned = (parse(readFileSync(join(PROVISIONING, 'datasources', 'datasources.yml'), 'utf8')) as { datasources: { uid: string; type: string }[] }).datasources;
    const uids = new Set(provisioned.map((d) => `${d.type}/${d.uid}`));
    for (const [file, dashboard] of Object.entries(allDashboards())) {
      for (const panel of (dashboard.panels ?? []) as { type: string; title: string; targets?: { datasource?: { type: string; uid: string } }[] }[]) {
        if (panel.type === 'row') continue;
        expect({ file, panel: panel.title, targets: (panel.targets ?? []).length > 0 }).toEqual({ file, panel: panel.title, targets: true });
        for (const t of panel.targets ?? []) expect({ file, panel: panel.title, ds: uids.has(`${t.datasource?.type}/${t.datasource?.uid}`) }).toEqual({ file, panel: panel.title, ds: true });
      }
    }
  });

  it('the five dashboards the analysts and operations need, the region ones also in English, with the region variable where it applies', () => {
    const d = allDashboards();
    expect(Object.keys(d).sort()).toEqual([...REGION_FILES.flatMap((f) => [f, english(f)]), 'pipeline-health.json'].sort());
    for (const file of REGION_FILES.flatMap((f) => [f, english(f)])) {
      expect(d[file]!.templating?.list?.map((v) => v.name)).toEqual(['region']);
    }
    expect(d['region-overview.json']!.templating?.list?.[0]?.label).toBe('Регион');
    expect(d['region-overview.en.json']!.templating?.list?.[0]?.label).toBe('Region');
    const infinity = panelQueries(d['organizations.json']!).infinity;
    expect(infinity).toHaveLength(1);
    expect(targetsOf(d['organizations.json']!)[0]!.filterExpression).toBe('[Зарегистрированные пользователи] < 2');
    expect(targetsOf(d['organizations.en.json']!)[0]!.filterExpression).toBe('[Registered users] < 2');
  });

  it('the region dashboards speak Russian by default, naming the indicators with their official wording', () => {
    const d = allDashboards();
    for (const file of REGION_FILES) {
      // Every text a reader sees, but the data source's own words (metric and field names, ids).
      for (const text of textsOf(d[file]!)) expect({ file, text, russian: /[а-яё]/i.test(text) }).toEqual({ file, text, russian: true });
      expect(d[file]!.tags).toContain('ru');
    }
    const titles = (d['region-overview.json']!.panels as RawPanel[]).map((p) => p.title);
    for (const { name } of INDICATORS) {
      expect(titles).toContain(name.ru);
      expect(titles).toContain(`${name.ru}: оценка`);
      expect(titles).toContain(`${name.ru}, по неделям`);
    }
    expect(INDICATORS.map((i) => i.name.ru)).toEqual([
      'Доля активных школ (есть 2 и более пользователей)',
      'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю',
      'Учителя, совершившие не менее 1 звонка за неделю',
    ]);
    // The bands in words, on the gauge (0, 1, 2) and on the API's band field.
    const mappingTexts = (file: string) => [...JSON.stringify(d[file]).matchAll(/"text":"([^"]*)","color":"(red|yellow|green)"/g)].map((m) => `${m[2]}=${m[1]}`);
    expect(new Set(mappingTexts('region-overview.json'))).toEqual(new Set(['red=ниже нормы', 'yellow=средний', 'green=хороший']));
    expect(new Set(mappingTexts('municipalities.json'))).toEqual(new Set(['red=ниже нормы', 'yellow=средний', 'green=хороший']));
    expect(new Set(mappingTexts('municipalities.en.json'))).toEqual(new Set(['red=below norm', 'yellow=average', 'green=good']));
  });

  it('the English dashboards are the Russian ones in other words: the same queries and layout, a uid of their own, each linking to the other', () => {
    const d = allDashboards();
    for (const file of REGION_FILES) {
      const [ru, en] = [d[file]!, d[english(file)]!];
      expect(en.uid).toBe(`${ru.uid}-en`);
      expect(panelQueries(en).prometheus.map((q) => q.expr)).toEqual(panelQueries(ru).prometheus.map((q) => q.expr));
      // The same KPI API URLs, but for the language of the names they ask the API for.
      expect(panelQueries(en).infinity.map((q) => withoutLang(q.url))).toEqual(panelQueries(ru).infinity.map((q) => withoutLang(q.url)));
      for (const [dashboard, lang] of [[ru, 'ru'], [en, 'en']] as const) {
        for (const { url } of panelQueries(dashboard).infinity) expect({ file, url, lang: /[?&]lang=(\w+)/.exec(url)?.[1] ?? lang }).toEqual({ file, url, lang });
      }
      expect((en.panels as RawPanel[]).map((p) => (p.targets ?? []).map((t) => t.root_selector))).toEqual((ru.panels as RawPanel[]).map((p) => (p.targets ?? []).map((t) => t.root_selector)));
      expect((en.panels as RawPanel[]).map((p) => [p.type, p.gridPos])).toEqual((ru.panels as RawPanel[]).map((p) => [p.type, p.gridPos]));
      expect(ru.links?.map((l) => [l.url, l.includeVars, l.keepTime])).toEqual([[`/d/${en.uid}`, true, true]]);
      expect(en.links?.map((l) => [l.url, l.includeVars, l.keepTime])).toEqual([[`/d/${ru.uid}`, true, true]]);
      for (const text of textsOf(en)) expect({ file: english(file), text, russian: /[а-яё]/i.test(text) }).toEqual({ file: english(file), text, russian: false });
    }
  });

  it('the onboarding funnel: the 8 steps of GET /v1/funnel for the region, named by the API in the dashboard language, with reached, share, at and stuck; then the stuck organizations', () => {
    const d = allDashboards();
    for (const [file, lang] of [['onboarding.json', 'ru'], ['onboarding.en.json', 'en']] as const) {
      const [steps, stuck] = d[file]!.panels as RawPanel[];
      expect(panelQueries(d[file]!).infinity.map((q) => q.url)).toEqual([`/v1/funnel?region=$region&lang=${lang}`, `/v1/funnel?region=$region&lang=${lang}`]);
      expect([steps!.type, stuck!.type]).toEqual(['table', 'table']);
      const [query] = steps!.targets!;
      // The region's row's counts per step, each named from the answer's steps, with the share of the region's organizations.
      expect(query!.root_selector).toContain('rows[0].steps.($n := step;');
      expect(query!.root_selector).toContain('$$.steps[step = $n].name');
      expect(query!.root_selector).toMatch(/^\[.*\]$/);
      expect(query!.columns!.map((c) => [c.selector, c.type])).toEqual([
        ['step', 'string'],
        ['reached', 'number'],
        ['share', 'number'],
        ['atStep', 'number'],
        ['stuck', 'number'],
      ]);
      // The share drawn as a bar gauge of 0 to 100%; stuck organizations in red.
      const share = steps!.fieldConfig!.overrides!.find((o) => o.matcher.options === query!.columns![2]!.text)!;
      expect(Object.fromEntries(share.properties.map((p) => [p.id, p.value]))).toMatchObject({ 'custom.cellOptions': { type: 'gauge', mode: 'basic' }, unit: 'percent', min: 0, max: 100 });
      const stuckColumn = steps!.fieldConfig!.overrides!.find((o) => o.matcher.options === query!.columns![4]!.text)!;
      expect(stuckColumn.properties.find((p) => p.id === 'thresholds')?.value).toEqual({ mode: 'absolute', steps: [{ value: null, color: 'text' }, { value: 1, color: 'red' }] });
      expect(stuck!.targets![0]!.root_selector).toMatch(/^\[stuck\.\(/);
      expect(stuck!.targets![0]!.columns!.map((c) => c.selector)).toEqual(['organization', 'municipality', 'step', 'days', 'orgId']);
    }
    const ru = d['onboarding.json']!.panels as RawPanel[];
    expect(ru.map((p) => p.title)).toEqual(['Воронка подключения, последняя завершённая неделя', 'Организации на шаге более 14 дней']);
    expect(ru[0]!.targets![0]!.columns!.map((c) => c.text)).toEqual(['Шаг подключения', 'Дошли до шага', 'Доля организаций, дошедших до шага, %', 'На шаге', 'На шаге более 14 дней']);
    expect(d['onboarding.json']!.title).toBe('Сферум: воронка подключения');
  });

  it('every field override and filter names a column its query makes, in both languages', () => {
    for (const [file, dashboard] of Object.entries(allDashboards())) {
      for (const panel of dashboard.panels as RawPanel[]) {
        const columns = new Set((panel.targets ?? []).flatMap((t) => (t.columns ?? []).map((c) => c.text)));
        for (const override of panel.fieldConfig?.overrides ?? []) {
          expect({ file, panel: panel.title, names: override.matcher.options, found: columns.has(override.matcher.options) }).toEqual({ file, panel: panel.title, names: override.matcher.options, found: true });
        }
        for (const t of panel.targets ?? []) {
          if (t.filterExpression === undefined) continue;
          const [, column] = /^\[([^\]]+)\] < 2$/.exec(t.filterExpression) ?? [];
          expect({ file, filter: t.filterExpression, found: column !== undefined && columns.has(column) }).toEqual({ file, filter: t.filterExpression, found: true });
        }
      }
    }
  });

  it('reads metric names out of PromQL', () => {
    expect(metricNamesOf('histogram_quantile(0.99, sum by (le) (rate(aggregator_ingest_to_stored_seconds_bucket[5m])))')).toEqual(['aggregator_ingest_to_stored_seconds_bucket']);
    expect(metricNamesOf('sum(aggregator_consumer_lag) > 0 and time() - max(aggregator_last_progress_timestamp_seconds) > 300')).toEqual([
      'aggregator_consumer_lag',
      'aggregator_last_progress_timestamp_seconds',
    ]);
    expect(metricNamesOf('kpi_value{region="$region", municipality="", kpi="active_schools", week="last"}')).toEqual(['kpi_value']);
    expect(metricFamilyOf('aggregator_ingest_to_stored_seconds_bucket')).toBe('aggregator_ingest_to_stored_seconds');
  });
});
