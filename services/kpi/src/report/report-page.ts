/**
 * The report page: server-rendered HTML of a region's week without
 * Grafana. The municipality traffic-light table, the region's three
 * indicators with their bands, and 12-week trend charts (uPlot, served by
 * the KPI service itself: no CDN). Printable (A4 landscape). A small cell's
 * teacher shares are withheld: its cell says so in words, with no band
 * colour.
 */
import { type KpiRow } from '@sferum/domain';

export interface ReportInput {
  readonly region: { readonly code: string; readonly name: string; readonly timeZone: string };
  readonly week: string;
  readonly weekStart: string;
  readonly partial: boolean;
  readonly previousWeek: string;
  /** Absent when the next week has not started. */
  readonly nextWeek: string | null;
  readonly regionRow: KpiRow;
  readonly municipalities: readonly KpiRow[];
  /** The region's small-cell minimum (settings). */
  readonly minTeacherDenominator: number;
  /** Oldest first: the region's value of each indicator per week. */
  readonly trend: readonly { readonly week: string; readonly weekStart: string; readonly values: Record<string, number | null> }[];
  readonly generatedAt: string;
  /** Base path of the page's assets. */
  readonly assets: string;
}

export const REPORT_INDICATORS = [
  { kpi: 'active_schools', title: 'Active schools', ru: 'Активные школы' },
  { kpi: 'teachers_10_messages', title: 'Teachers with 10+ group messages', ru: 'Учителя с 10+ сообщениями' },
  { kpi: 'teachers_1_call', title: 'Teachers with 1+ call', ru: 'Учителя с 1+ звонком' },
] as const;

const BAND_NAMES: Record<string, string> = { good: 'good', average: 'average', below_norm: 'below norm' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function percent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}%`;
}

/** What a withheld cell says instead of a value. */
function withheldText(row: KpiRow, minimum: number): string {
  return `fewer than ${row.minTeacherDenominator ?? minimum} teachers`;
}

function kpiCell(row: KpiRow, kpi: string, minimum: number): string {
  const k = row.kpis[kpi as keyof KpiRow['kpis']];
  if (k.suppressed !== undefined) {
    const title = `small cell: ${withheldText(row, minimum)} (${k.denominator} in the teacher denominator), so the share is not shown`;
    return `<td class="num band suppressed" data-kpi="${kpi}" data-value="" data-band="" data-suppressed="${k.suppressed}" title="${escapeHtml(title)}">${escapeHtml(withheldText(row, minimum))}</td>`;
  }
  const band = k.band ?? 'none';
  const title = `${k.numerator} / ${k.denominator}${k.band === null ? '' : `, ${BAND_NAMES[k.band]}`}${k.previous === null ? '' : `; a week earlier ${percent(k.previous)}`}`;
  return `<td class="num band band-${band}" data-kpi="${kpi}" data-value="${k.value ?? ''}" data-band="${k.band ?? ''}" title="${escapeHtml(title)}">${percent(k.value)}</td>`;
}

export function renderReport(input: ReportInput): string {
  const { region } = input;
  const link = (week: string) => `?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(week)}`;
  const cards = REPORT_INDICATORS.map(({ kpi, title }) => {
    const k = input.regionRow.kpis[kpi];
    if (k.suppressed !== undefined) {
      return `<div class="card suppressed" data-kpi="${kpi}" data-suppressed="${k.suppressed}"><div class="card-title">${escapeHtml(title)}</div><div class="card-value">withheld</div><div class="card-band">small cell: ${escapeHtml(withheldText(input.regionRow, input.minTeacherDenominator))}</div></div>`;
    }
    return `<div class="card band-${k.band ?? 'none'}" data-kpi="${kpi}"><div class="card-title">${escapeHtml(title)}</div><div class="card-value">${percent(k.value)}</div><div class="card-band">${k.band === null ? 'no band' : BAND_NAMES[k.band]} · ${k.numerator} of ${k.denominator}</div></div>`;
  }).join('\n      ');
  const rows = input.municipalities
    .map(
      (m) =>
        `<tr data-id="${escapeHtml(m.id)}"><td class="name">${escapeHtml(m.name)}</td><td class="num">${m.counters.orgs}</td><td class="num">${m.counters.registered_teachers}</td>${REPORT_INDICATORS.map(({ kpi }) => kpiCell(m, kpi, input.minTeacherDenominator)).join('')}</tr>`,
    )
    .join('\n        ');
  const charts = REPORT_INDICATORS.map(({ kpi, title }) => `<figure class="chart"><figcaption>${escapeHtml(title)}, 12 weeks</figcaption><div id="chart-${kpi}"></div></figure>`).join('\n      ');
  return `<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(`${region.name}: ${input.week} — Sferum KPI`)}</title>
  <link rel="stylesheet" href="${input.assets}/uPlot.min.css">
  <style>
    :root { --good: #2e7d32; --good-bg: #c8e6c9; --average: #8d6e00; --average-bg: #fff3a0; --low: #b71c1c; --low-bg: #ffcdd2; }
    body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1a1a1a; }
    h1 { font-size: 22px; margin: 0 0 4px; }
    .sub { color: #555; margin: 0 0 12px; }
    .partial { color: var(--low); font-weight: 600; }
    nav a { margin-right: 16px; }
    .cards { display: flex; gap: 12px; margin: 16px 0; }
    .card { flex: 1; border-radius: 6px; padding: 10px 14px; border: 1px solid #ddd; }
    .card-title { font-weight: 600; }
    .card-value { font-size: 28px; font-weight: 700; }
    .charts { display: flex; gap: 12px; flex-wrap: wrap; margin: 0 0 16px; }
    .chart { margin: 0; border: 1px solid #eee; padding: 6px; }
    .chart figcaption { font-size: 12px; color: #555; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border: 1px solid #ddd; padding: 4px 8px; }
    th { background: #f4f4f4; text-align: left; position: sticky; top: 0; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .band-good { background: var(--good-bg); color: var(--good); }
    .band-average { background: var(--average-bg); color: var(--average); }
    .band-below_norm { background: var(--low-bg); color: var(--low); }
    .suppressed { color: #555; font-style: italic; }
    .legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 4px; }
    footer { margin-top: 16px; color: #666; font-size: 12px; }
    @page { size: A4 landscape; margin: 12mm; }
    @media print {
      body { margin: 0; font-size: 11px; }
      nav { display: none; }
      .chart { break-inside: avoid; }
      tr { break-inside: avoid; }
      .band-good, .band-average, .band-below_norm { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
  </style>
</head>
<body>
  <header>
    <h1>${escapeHtml(region.name)} <small>(${escapeHtml(region.code)})</small></h1>
    <p class="sub">Week ${escapeHtml(input.week)} from Monday ${escapeHtml(input.weekStart)}, ${escapeHtml(region.timeZone)}${input.partial ? ' · <span class="partial">the week is not over: figures so far</span>' : ''}</p>
    <nav><a href="${link(input.previousWeek)}" rel="prev">← ${escapeHtml(input.previousWeek)}</a>${input.nextWeek === null ? '' : `<a href="${link(input.nextWeek)}" rel="next">${escapeHtml(input.nextWeek)} →</a>`}<a href="/v1/kpi?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(input.week)}&amp;groupBy=municipality">JSON</a><a href="/v1/kpi/export.csv?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(input.week)}&amp;groupBy=municipality">CSV</a></nav>
  </header>
  <section class="cards" aria-label="Region">
      ${cards}
  </section>
  <section class="charts" aria-label="Trend">
      ${charts}
  </section>
  <p class="legend">Bands: <span class="band-good">good</span><span class="band-average">average</span><span class="band-below_norm">below norm</span> (value at or below the lower edge is below norm, at or above the upper edge is good; the thresholds in force on the week's Monday). <span class="suppressed">Fewer than ${input.minTeacherDenominator} teachers</span>: a small cell, whose teacher shares are not shown so that no one's week can be read from them.</p>
  <table id="municipalities">
    <thead>
      <tr><th>Municipality</th><th>Organizations</th><th>Registered teachers</th>${REPORT_INDICATORS.map(({ title }) => `<th>${escapeHtml(title)}</th>`).join('')}</tr>
    </thead>
    <tbody>
        ${rows}
    </tbody>
  </table>
  <footer>Sferum KPI · generated ${escapeHtml(input.generatedAt)} · teacher shares over ${escapeHtml(input.regionRow.orgsWithoutHeadcount === undefined ? 'registered teachers' : 'the teacher headcount')}</footer>
  <script src="${input.assets}/uPlot.iife.min.js"></script>
  <script>
    const TREND = ${scriptJson(input.trend)};
    const KPIS = ${scriptJson(REPORT_INDICATORS.map((i) => i.kpi))};
    const xs = TREND.map((p) => Date.parse(p.weekStart + 'T00:00:00Z') / 1000);
    for (const kpi of KPIS) {
      const el = document.getElementById('chart-' + kpi);
      new uPlot({
        width: 360, height: 170, legend: { show: false },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
        axes: [{ values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)) }, { size: 44 }],
        series: [{}, { label: kpi, stroke: '#1565c0', width: 2, points: { show: true, size: 5 } }],
      }, [xs, TREND.map((p) => p.values[kpi])], el);
    }
    document.body.dataset.chartsReady = 'true';
  </script>
</body>
</html>
`;
}
