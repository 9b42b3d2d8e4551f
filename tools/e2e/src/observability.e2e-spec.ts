import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allDashboards, metricFamilyOf, metricNamesOf, panelQueries } from '@sferum/dashboards';
import { REPO_ROOT } from '@sferum/testing';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * Every metric a Grafana panel or a Prometheus rule names is one the
 * services expose, and every KPI API URL a panel asks for answers.
 * (A renamed metric or endpoint would otherwise leave an empty panel or an
 * alert that can never fire.) The services are this suite's own processes
 * (the dashboards' region, 54, as their home region).
 */
describe('dashboards and alerting rules name what exists', () => {
  let pipeline: IsolatedPipeline;
  let exposed: Set<string>;
  let texts: string[];

  beforeAll(async () => {
    pipeline = await startIsolatedPipeline({ name: 'observability', homeRegion: '54' });
    exposed = new Set<string>(['up']); // Prometheus's own, for every target
    texts = [];
    for (const url of Object.values(pipeline.urls)) {
      const text = await (await fetch(`${url}/metrics`)).text();
      texts.push(text);
      for (const m of text.matchAll(/^# TYPE (\S+) \S+$/gm)) exposed.add(m[1]!);
    }
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  const rules = (parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/rules/sferum.rules.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap(
    (g) => g.rules,
  );

  it('the services expose the KPI, pipeline and alert metrics', () => {
    for (const name of ['kpi_value', 'kpi_band', 'kpi_alert_active', 'ingest_events_total', 'aggregator_consumer_lag', 'aggregator_ingest_to_stored_seconds']) {
      expect({ name, exposed: exposed.has(name) }).toEqual({ name, exposed: true });
    }
  });

  it('no series is per organization: /metrics, open to Prometheus, names no organization', () => {
    const labels = new Set(texts.flatMap((text) => [...text.matchAll(/^[a-z_:][\w:]*\{([^}]*)\}/gm)].flatMap((m) => [...m[1]!.matchAll(/(\w+)="/g)].map((l) => l[1]!))));
    expect(labels.size).toBeGreaterThan(3);
    expect([...labels].filter((label) => /org/i.test(label))).toEqual([]);
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
        // With a reader key, as Grafana's data source sends it (deploy/grafana/provisioning).
        const response = await fetch(`${pipeline.urls.kpi}${url}`, { headers: bearer(pipeline.readerKey) });
        expect({ file, panel: q.panel, url, status: response.status }).toEqual({ file, panel: q.panel, url, status: 200 });
      }
    }
  });
});
