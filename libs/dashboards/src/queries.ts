/** What the dashboards and alerting rules ask for: Prometheus metric names and KPI API URLs. */
import { type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelQueries {
  readonly prometheus: { readonly panel: string; readonly expr: string }[];
  readonly infinity: { readonly panel: string; readonly url: string }[];
}

interface RawPanel {
  title?: string;
  targets?: { expr?: string; url?: string; datasource?: { type?: string } }[];
  panels?: RawPanel[];
}

export function panelQueries(dashboard: Dashboard): PanelQueries {
  const out: PanelQueries = { prometheus: [], infinity: [] };
  const visit = (panels: RawPanel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) {
        if (t.datasource?.type === 'prometheus' && t.expr !== undefined) out.prometheus.push({ panel: panel.title ?? '', expr: t.expr });
        if (t.datasource?.type === 'yesoreyeram-infinity-datasource' && t.url !== undefined) out.infinity.push({ panel: panel.title ?? '', url: t.url });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels as RawPanel[] | undefined);
  return out;
}

const PROMQL_WORDS = new Set([
  'sum', 'rate', 'increase', 'max', 'min', 'avg', 'count', 'by', 'without', 'histogram_quantile', 'deriv', 'time', 'and', 'or', 'unless',
  'on', 'ignoring', 'group_left', 'group_right', 'offset', 'label_values', 'humanizePercentage', 'le', 'bool', 'abs', 'clamp_min',
]);

/** Metric names in a PromQL expression (label names, label values, functions and keywords left out). */
export function metricNamesOf(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]');
  const withoutGrouping = withoutStrings.replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names = withoutGrouping.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n)))].sort();
}

/** The family a sample name belongs to: histograms expose name_bucket, name_sum, name_count. */
export function metricFamilyOf(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, '');
}
