import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allDashboards, metricFamilyOf, metricNamesOf, panelQueries } from '@sferum/dashboards';
import { ROOT, SERVICE_URLS } from './services';

/**
 * Every metric a Grafana panel or a Prometheus rule names is one the
 * running services expose, and every KPI API URL a panel asks for answers.
 * (A renamed metric or endpoint would otherwise leave an empty panel or an
 * alert that can never fire.)
 */
describe('dashboards and alerting rules name what exists', () => {
  let exposed: Set<string>;

  beforeAll(async () => {
    exposed = new Set<string>(['up']); // Prometheus's own, for every target
    for (const url of Object.values(SERVICE_URLS)) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const m of text.matchAll(/^# TYPE (\S+) \S+$/gm)) exposed.add(m[1]!);
    }
  });

  const rules = (parse(readFileSync(join(ROOT, 'deploy/prometheus/rules/sferum.rules.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap(
    (g) => g.rules,
  );

  it('the services expose the KPI, pipeline and alert metrics', () => {
    for (const name of ['kpi_value', 'kpi_band', 'kpi_alert_active', 'ingest_events_total', 'aggregator_consumer_lag', 'aggregator_ingest_to_stored_seconds']) {
      expect({ name, exposed: exposed.has(name) }).toEqual({ name, exposed: true });
    }
  });

  it('every metric of every alerting rule is exposed', () => {
    expect(rules.length).toBeGreaterThan(10);
    const missing = rules.flatMap((r) => metricNamesOf(r.expr).filter((n) => !exposed.has(metricFamilyOf(n))).map((n) => `${r.alert}: ${n}`));
    expect(missing).toEqual([]);
  });

  it('every metric of every dashboard panel is exposed, and every KPI API URL answers 200', async () => {
    for (const [file, dashboard] of Object.entries(allDashboards())) {
      const { prometheus, infinity } = panelQueries(dashboard);
      const missing = prometheus.flatMap((q) => metricNamesOf(q.expr).filter((n) => !exposed.has(metricFamilyOf(n))).map((n) => `${file} / ${q.panel}: ${n}`));
      expect(missing).toEqual([]);
      for (const q of infinity) {
        const url = q.url
          .replace('$region', '54')
          .replace('${__from:date:GGGG-[W]WW}', '2026-W36')
          .replace('${__to:date:GGGG-[W]WW}', '2026-W47');
        expect(url).not.toContain('$');
        const response = await fetch(`${SERVICE_URLS.kpi}${url}`);
        expect({ file, panel: q.panel, url, status: response.status }).toEqual({ file, panel: q.panel, url, status: 200 });
      }
    }
  });
});
