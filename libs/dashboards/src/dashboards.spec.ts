import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { allDashboards, dashboardJson, INDICATORS } from './dashboards';
import { metricFamilyOf, metricNamesOf, panelQueries } from './queries';

const GRAFANA = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const PROVISIONING = join(GRAFANA, 'provisioning');

/** The dashboards of a region, in Russian; `english(file)` is the same one in English. */
const REGION_FILES = ['region-overview.json', 'municipalities.json', 'organizations.json'];
const english = (file: string) => file.replace(/\.json$/, '.en.json');

interface RawPanel {
  type: string;
  title: string;
  description?: string;
  gridPos?: unknown;
  targets?: { legendFormat?: string; filterExpression?: string; columns?: { text: string }[] }[];
  fieldConfig?: { overrides?: { matcher: { options: string } }[] };
}

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

  it('the four dashboards the analysts and operations need, the region ones also in English, with the region variable where it applies', () => {
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
      expect(panelQueries(en).infinity.map((q) => q.url)).toEqual(panelQueries(ru).infinity.map((q) => q.url));
      expect((en.panels as RawPanel[]).map((p) => [p.type, p.gridPos])).toEqual((ru.panels as RawPanel[]).map((p) => [p.type, p.gridPos]));
      expect(ru.links?.map((l) => [l.url, l.includeVars, l.keepTime])).toEqual([[`/d/${en.uid}`, true, true]]);
      expect(en.links?.map((l) => [l.url, l.includeVars, l.keepTime])).toEqual([[`/d/${ru.uid}`, true, true]]);
      for (const text of textsOf(en)) expect({ file: english(file), text, russian: /[а-яё]/i.test(text) }).toEqual({ file: english(file), text, russian: false });
    }
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
