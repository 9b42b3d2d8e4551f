import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allDashboards, dashboardJson } from './dashboards';
import { metricFamilyOf, metricNamesOf, panelQueries } from './queries';

const GRAFANA = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const PROVISIONING = join(GRAFANA, 'provisioning');

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

  it('the four dashboards the analysts and operations need, with the region variable where it applies', () => {
    const d = allDashboards();
    expect(Object.keys(d).sort()).toEqual(['municipalities.json', 'organizations.json', 'pipeline-health.json', 'region-overview.json']);
    for (const file of ['region-overview.json', 'municipalities.json', 'organizations.json']) {
      expect(d[file]!.templating?.list?.map((v) => v.name)).toEqual(['region']);
    }
    const infinity = panelQueries(d['organizations.json']!).infinity;
    expect(infinity).toHaveLength(1);
    expect((d['organizations.json']!.panels![0] as unknown as { targets: { filterExpression: string }[] }).targets[0]!.filterExpression).toBe('registered_users < 2');
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
