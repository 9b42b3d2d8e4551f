/**
 * The report page: server-rendered HTML of a region's week without
 * Grafana. The municipality traffic-light table, the region's three
 * indicators with their bands, and 12-week trend charts (uPlot, served by
 * the KPI service itself: no CDN) with the band edges in force each week;
 * the region's onboarding funnel at the week's end (a bar per step of the
 * share of organizations that reached it, with how many stand at it and
 * how many are stuck there) and the organizations stuck longest, the first
 * REPORT_STUCK_ROWS of them. Printable (A4 landscape). A small cell's
 * teacher shares are withheld: its cell says so in words, with no band
 * colour.
 *
 * In Russian by default (the ministries read it; the indicators under their
 * official names), in English with lang=en. Numbers, percentages and dates
 * are written for the page's readers: "16 010", "0,32 %", "16.11.2026".
 */
import { type Band } from '@sferum/contracts';
import {
  BAND_WORDS,
  categoryName,
  fewerTeachers,
  formatCount as count,
  formatDate as date,
  formatInstant as generated,
  formatLocalDay,
  formatPercent as percent,
  formatPercentDigits as percentOfDigits,
  FUNNEL_WORDS,
  type FunnelRow,
  funnelStepLabel,
  type KpiRow,
  percentRounded,
  REPORT_INDICATORS,
  type ReportFunnel,
  type ReportKpi,
  type ReportLang,
  smallCellWords,
} from '@sferum/domain';
import { BAND_COLOUR_CSS, BAND_COLOURS } from './band-colours';

// The indicators' official names, the band words and the number formats are
// the weekly report's too: libs/domain/src/kpi/report-format.ts holds them
// (REPORT_INDICATORS are the names the dashboards must match).

/** An indicator's band edges in force (percentages as the registry holds them: decimal strings, "0.5"). */
export interface ReportBandEdges {
  readonly lower: string;
  readonly upper: string;
}

export interface ReportTrendPoint {
  readonly week: string;
  readonly weekStart: string;
  readonly values: Record<string, number | null>;
  /** The edges in force on the week's Monday; null where no threshold was in force yet. */
  readonly edges: Record<string, ReportBandEdges | null>;
}

/** The region's funnel (GET /v1/funnel of the region and week): its one row, and its organizations stuck at their step, longest first. */
export interface ReportPageFunnel extends Omit<ReportFunnel, 'rows'> {
  readonly row: FunnelRow;
}

/** The page lists at most this many stuck organizations, then says how many more (the full list is the funnel's JSON). */
export const REPORT_STUCK_ROWS = 50;

export interface ReportInput {
  readonly lang: ReportLang;
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
  /** Oldest first, the report's week last: the region's value of each indicator per week, and the band edges it was judged by. */
  readonly trend: readonly ReportTrendPoint[];
  readonly funnel: ReportPageFunnel;
  /** An ISO instant. */
  readonly generatedAt: string;
  /** Base path of the page's assets. */
  readonly assets: string;
}

/** Every text of the page in one language. */
interface ReportWords {
  readonly title: (region: string, week: string) => string;
  readonly weekLine: (week: string, monday: string, timeZone: string) => string;
  readonly partial: string;
  readonly bands: Record<Band, string>;
  readonly noBand: string;
  readonly ofCount: (numerator: string, denominator: string) => string;
  readonly weekEarlier: (value: string) => string;
  readonly withheldValue: string;
  /** What a withheld cell says instead of a value. */
  readonly fewerTeachers: (minimum: number) => string;
  readonly smallCell: (minimum: number) => string;
  readonly smallCellTitle: (minimum: number, denominator: string) => string;
  readonly regionSection: string;
  readonly trendSection: string;
  readonly chartCaption: (indicator: string) => string;
  readonly lowerEdge: string;
  readonly upperEdge: string;
  readonly noEdges: string;
  readonly legend: (bands: string, minimum: number) => string;
  readonly municipality: string;
  readonly organizations: string;
  readonly registeredTeachers: string;
  readonly footer: (generated: string, denominator: 'registered' | 'headcount') => string;
  /** The link to the other language. */
  readonly otherLanguage: { readonly lang: ReportLang; readonly text: string };
}

/** "Менее 5 педагогов": the words of a small cell at the start of a sentence. */
function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const WORDS: Record<ReportLang, ReportWords> = {
  ru: {
    title: (region, week) => `${region}: неделя ${week} — показатели «Сферума»`,
    weekLine: (week, monday, timeZone) => `Неделя ${week} (с понедельника ${monday}), часовой пояс ${timeZone}`,
    partial: 'неделя ещё не закончилась: данные на текущий момент',
    bands: BAND_WORDS.ru,
    noBand: 'без оценки',
    ofCount: (numerator, denominator) => `${numerator} из ${denominator}`,
    weekEarlier: (value) => `неделей ранее ${value}`,
    withheldValue: 'не показано',
    fewerTeachers: (minimum) => fewerTeachers(minimum, 'ru'),
    smallCell: (minimum) => smallCellWords(minimum, 'ru'),
    smallCellTitle: (minimum, denominator) => `${smallCellWords(minimum, 'ru')} (в знаменателе ${denominator}), поэтому доля не показывается`,
    regionSection: 'Регион',
    trendSection: 'Динамика',
    chartCaption: (indicator) => `${indicator}, 12 недель`,
    lowerEdge: 'нижняя граница',
    upperEdge: 'верхняя граница',
    noEdges: 'пороги не заданы',
    legend: (bands, minimum) =>
      `Оценка: ${bands} (значение не выше нижней границы — «ниже нормы», не ниже верхней — «хороший»; пороги, действующие на понедельник недели). ` +
      `<span class="suppressed">${upperFirst(fewerTeachers(minimum, 'ru'))}</span>: малая группа, доли учителей не показываются, чтобы по ним нельзя было узнать неделю отдельного человека.`,
    municipality: 'Муниципальное образование',
    organizations: 'Организации',
    registeredTeachers: 'Зарегистрированные учителя',
    footer: (generated, denominator) =>
      `Показатели «Сферума» · сформировано ${generated} · доли учителей от ${denominator === 'registered' ? 'числа зарегистрированных учителей' : 'штатной численности учителей'}`,
    otherLanguage: { lang: 'en', text: 'English' },
  },
  en: {
    title: (region, week) => `${region}: ${week} — Sferum KPI`,
    weekLine: (week, monday, timeZone) => `Week ${week} from Monday ${monday}, ${timeZone}`,
    partial: 'the week is not over: figures so far',
    bands: BAND_WORDS.en,
    noBand: 'no band',
    ofCount: (numerator, denominator) => `${numerator} of ${denominator}`,
    weekEarlier: (value) => `a week earlier ${value}`,
    withheldValue: 'withheld',
    fewerTeachers: (minimum) => fewerTeachers(minimum, 'en'),
    smallCell: (minimum) => smallCellWords(minimum, 'en'),
    smallCellTitle: (minimum, denominator) => `${smallCellWords(minimum, 'en')} (${denominator} in the teacher denominator), so the share is not shown`,
    regionSection: 'Region',
    trendSection: 'Trend',
    chartCaption: (indicator) => `${indicator}, 12 weeks`,
    lowerEdge: 'lower edge',
    upperEdge: 'upper edge',
    noEdges: 'no thresholds in force',
    legend: (bands, minimum) =>
      `Bands: ${bands} (value at or below the lower edge is below norm, at or above the upper edge is good; the thresholds in force on the week's Monday). ` +
      `<span class="suppressed">${upperFirst(fewerTeachers(minimum, 'en'))}</span>: a small cell, whose teacher shares are not shown so that no one's week can be read from them.`,
    municipality: 'Municipality',
    organizations: 'Organizations',
    registeredTeachers: 'Registered teachers',
    footer: (generated, denominator) => `Sferum KPI · generated ${generated} · teacher shares over ${denominator === 'registered' ? 'registered teachers' : 'the teacher headcount'}`,
    otherLanguage: { lang: 'ru', text: 'Русский' },
  },
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function withheldMinimum(row: KpiRow, minimum: number): number {
  return row.minTeacherDenominator ?? minimum;
}

function kpiCell(row: KpiRow, kpi: ReportKpi, minimum: number, lang: ReportLang): string {
  const words = WORDS[lang];
  const k = row.kpis[kpi];
  if (k.suppressed !== undefined) {
    const title = words.smallCellTitle(withheldMinimum(row, minimum), count(k.denominator, lang));
    return `<td class="num band suppressed" data-kpi="${kpi}" data-value="" data-band="" data-suppressed="${k.suppressed}" title="${escapeHtml(title)}">${escapeHtml(words.fewerTeachers(withheldMinimum(row, minimum)))}</td>`;
  }
  const band = k.band ?? 'none';
  const title = `${count(k.numerator, lang)} / ${count(k.denominator, lang)}${k.band === null ? '' : `, ${words.bands[k.band]}`}${k.previous === null ? '' : `; ${words.weekEarlier(percent(k.previous, lang))}`}`;
  return `<td class="num band band-${band}" data-kpi="${kpi}" data-value="${k.value ?? ''}" data-band="${k.band ?? ''}" title="${escapeHtml(title)}">${percent(k.value, lang)}</td>`;
}

function card(input: ReportInput, kpi: ReportKpi, name: string): string {
  const { lang } = input;
  const words = WORDS[lang];
  const k = input.regionRow.kpis[kpi];
  if (k.suppressed !== undefined) {
    return `<div class="card suppressed" data-kpi="${kpi}" data-suppressed="${k.suppressed}"><div class="card-title">${escapeHtml(name)}</div><div class="card-value">${escapeHtml(words.withheldValue)}</div><div class="card-band">${escapeHtml(words.smallCell(withheldMinimum(input.regionRow, input.minTeacherDenominator)))}</div></div>`;
  }
  const band = k.band === null ? words.noBand : words.bands[k.band];
  return `<div class="card band-${k.band ?? 'none'}" data-kpi="${kpi}" data-band="${k.band ?? ''}"><div class="card-title">${escapeHtml(name)}</div><div class="card-value">${percent(k.value, lang)}</div><div class="card-band">${escapeHtml(band)} · ${escapeHtml(words.ofCount(count(k.numerator, lang), count(k.denominator, lang)))}</div></div>`;
}

/** The edges of the report's week (the last point of the trend). */
function edgesOfWeek(input: ReportInput, kpi: ReportKpi): ReportBandEdges | null {
  return input.trend.at(-1)?.edges[kpi] ?? null;
}

/** A week's edge as the chart draws it: a number, null where none was in force. */
function edgeNumber(point: ReportTrendPoint, kpi: ReportKpi, edge: keyof ReportBandEdges): number | null {
  const edges = point.edges[kpi];
  return edges === null || edges === undefined ? null : Number(edges[edge]);
}

/**
 * A trend chart's frame: the edges of the report's week as data-lower and
 * data-upper (empty when none is in force) and in words under the chart;
 * the script draws the chart into it, with each week's edges as lines.
 */
function chart(input: ReportInput, kpi: ReportKpi, name: string): string {
  const { lang } = input;
  const words = WORDS[lang];
  const edges = edgesOfWeek(input, kpi);
  const legend =
    edges === null
      ? `<span class="edge-none">${escapeHtml(words.noEdges)}</span>`
      : `<span class="edge edge-lower">${escapeHtml(words.lowerEdge)} ${percentOfDigits(escapeHtml(edges.lower), lang)}</span><span class="edge edge-upper">${escapeHtml(words.upperEdge)} ${percentOfDigits(escapeHtml(edges.upper), lang)}</span>`;
  return `<figure class="chart" data-kpi="${kpi}" data-lower="${escapeHtml(edges?.lower ?? '')}" data-upper="${escapeHtml(edges?.upper ?? '')}"><figcaption>${escapeHtml(words.chartCaption(name))}</figcaption><div id="chart-${kpi}"></div><p class="edges">${legend}</p></figure>`;
}

/**
 * The funnel's section: a line of totals and when it is taken; per step a
 * bar of the share of the region's organizations that reached it (an
 * inline SVG: no asset, prints as drawn), how many reached it, stand at it
 * and have stood there for more than stuckDays days; then the stuck
 * organizations, longest first, at most REPORT_STUCK_ROWS of them, and how
 * many more with a link to them all.
 */
function funnelSection(input: ReportInput, fullList: string): string {
  const { lang, funnel } = input;
  const words = FUNNEL_WORDS[lang];
  const { row } = funnel;
  const steps = row.steps
    .map((s) => {
      const share = percentRounded(s.reached, row.organizations);
      const title = `${WORDS[lang].ofCount(count(s.reached, lang), count(row.organizations, lang))} (${percent(share, lang)})`;
      return (
        `<tr data-step="${s.step}" data-id="${s.id}"><td class="name">${escapeHtml(funnelStepLabel(s.step, s.id, lang))}</td>` +
        `<td class="bar" title="${escapeHtml(title)}"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="bar-track" width="100" height="10"/><rect class="bar-fill" width="${share ?? 0}" height="10"/></svg><span class="bar-share">${percent(share, lang)}</span></td>` +
        `<td class="num" data-count="reached">${count(s.reached, lang)}</td><td class="num" data-count="atStep">${count(s.atStep, lang)}</td>` +
        `<td class="num${s.stuck > 0 ? ' stuck-some' : ''}" data-count="stuck">${count(s.stuck, lang)}</td></tr>`
      );
    })
    .join('\n        ');
  const shown = funnel.stuck.slice(0, REPORT_STUCK_ROWS);
  const more = funnel.stuck.length - shown.length;
  const stuckRows = shown
    .map(
      (o) =>
        `<tr data-id="${escapeHtml(o.orgId)}" data-step="${o.step}"><td class="name">${escapeHtml(o.orgName)}</td><td>${escapeHtml(o.municipalityName)}</td><td>${escapeHtml(categoryName(o.category, lang))}</td>` +
        `<td>${escapeHtml(funnelStepLabel(o.step, o.stepId, lang))}</td><td class="num">${formatLocalDay(o.since, input.region.timeZone, lang)}</td><td class="num" data-count="days">${count(o.days, lang)}</td></tr>`,
    )
    .join('\n        ');
  const stuck =
    funnel.stuck.length === 0
      ? `<p class="none">${escapeHtml(words.noneStuck(funnel.stuckDays))}</p>`
      : `<table id="funnel-stuck">
    <thead>
      <tr><th>${words.organization}</th><th>${words.municipality}</th><th>${words.category}</th><th>${words.step}</th><th>${words.since}</th><th>${words.days}</th></tr>
    </thead>
    <tbody>
        ${stuckRows}
    </tbody>
  </table>${more > 0 ? `\n  <p class="more">${escapeHtml(words.more(more))}: <a href="${fullList}">JSON</a></p>` : ''}`;
  return `<section class="funnel" id="funnel" aria-labelledby="funnel-heading">
  <h2 id="funnel-heading">${escapeHtml(words.heading)}</h2>
  <p class="sub">${escapeHtml(words.summary(count(row.organizations, lang), count(row.notStarted, lang), count(row.completed, lang)))} · ${escapeHtml(words.at(generated(funnel.at, input.region.timeZone, lang), funnel.partial))}</p>
  <table id="funnel-steps">
    <thead>
      <tr><th>${words.step}</th><th>${words.share}</th><th>${words.reached}</th><th>${words.atStep}</th><th>${escapeHtml(words.stuck(funnel.stuckDays))}</th></tr>
    </thead>
    <tbody>
        ${steps}
    </tbody>
  </table>
  <h3 id="funnel-stuck-heading">${escapeHtml(words.stuckHeading(funnel.stuckDays, count(funnel.stuck.length, lang)))}</h3>
  ${stuck}
  <p class="funnel-note">${escapeHtml(words.note(funnel.stuckDays))}</p>
  </section>`;
}

export function renderReport(input: ReportInput): string {
  const { region, lang } = input;
  const words = WORDS[lang];
  const query = (week: string, pageLang: ReportLang) =>
    `?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(week)}${pageLang === 'ru' ? '' : `&amp;lang=${pageLang}`}`;
  const link = (week: string) => query(week, lang);
  const cards = REPORT_INDICATORS.map(({ kpi, name }) => card(input, kpi, name[lang])).join('\n      ');
  const rows = input.municipalities
    .map(
      (m) =>
        `<tr data-id="${escapeHtml(m.id)}"><td class="name">${escapeHtml(m.name)}</td><td class="num">${count(m.counters.orgs, lang)}</td><td class="num">${count(m.counters.registered_teachers, lang)}</td>${REPORT_INDICATORS.map(({ kpi }) => kpiCell(m, kpi, input.minTeacherDenominator, lang)).join('')}</tr>`,
    )
    .join('\n        ');
  const charts = REPORT_INDICATORS.map(({ kpi, name }) => chart(input, kpi, name[lang])).join('\n      ');
  const bands = `<span class="band-good">${words.bands.good}</span><span class="band-average">${words.bands.average}</span><span class="band-below_norm">${words.bands.below_norm}</span>`;
  const other = words.otherLanguage;
  // What the script draws: per indicator, each week's value and edges (numbers), and the labels of the edge lines.
  const series = REPORT_INDICATORS.map(({ kpi }) => ({
    kpi,
    values: input.trend.map((p) => p.values[kpi] ?? null),
    lower: input.trend.map((p) => edgeNumber(p, kpi, 'lower')),
    upper: input.trend.map((p) => edgeNumber(p, kpi, 'upper')),
  }));
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(words.title(region.name, input.week))}</title>
  <link rel="stylesheet" href="${input.assets}/uPlot.min.css">
  <style>
    ${BAND_COLOUR_CSS}
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
    .chart { margin: 0; border: 1px solid #eee; padding: 6px; width: 360px; }
    .chart figcaption { font-size: 12px; color: #555; min-height: 3em; }
    .edges { font-size: 12px; margin: 2px 0 0; }
    .edge { margin-right: 12px; }
    .edge::before { content: ""; display: inline-block; width: 18px; margin-right: 4px; vertical-align: middle; border-top: 2px dashed; }
    .edge-lower { color: var(--low); }
    .edge-upper { color: var(--good); }
    .edge-none { color: #555; font-style: italic; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border: 1px solid #ddd; padding: 4px 8px; }
    th { background: #f4f4f4; text-align: left; position: sticky; top: 0; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .band-good { background: var(--good-bg); color: var(--good); }
    .band-average { background: var(--average-bg); color: var(--average); }
    .band-below_norm { background: var(--low-bg); color: var(--low); }
    .suppressed { color: #555; font-style: italic; }
    .legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 4px; }
    .funnel { margin-top: 20px; }
    .funnel h2 { font-size: 18px; margin: 0 0 4px; }
    .funnel h3 { font-size: 15px; margin: 14px 0 4px; }
    #funnel-steps td.name { width: 36%; }
    #funnel-steps td.bar { width: 30%; white-space: nowrap; }
    #funnel-steps td.bar svg { width: calc(100% - 64px); height: 14px; vertical-align: middle; }
    .bar-track { fill: #e3ecf7; }
    .bar-fill { fill: #1565c0; }
    .bar-share { display: inline-block; width: 60px; text-align: right; font-variant-numeric: tabular-nums; }
    td.stuck-some { color: var(--low); font-weight: 600; }
    .more, .none, .funnel-note { color: #555; font-size: 12px; }
    .none { font-style: italic; }
    footer { margin-top: 16px; color: #666; font-size: 12px; }
    @page { size: A4 landscape; margin: 12mm; }
    @media print {
      body { margin: 0; font-size: 11px; }
      nav { display: none; }
      .chart { break-inside: avoid; }
      tr { break-inside: avoid; }
      .band-good, .band-average, .band-below_norm, #funnel-steps svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      .funnel { break-before: page; }
    }
  </style>
</head>
<body>
  <header>
    <h1>${escapeHtml(region.name)} <small>(${escapeHtml(region.code)})</small></h1>
    <p class="sub">${escapeHtml(words.weekLine(input.week, date(input.weekStart, lang), region.timeZone))}${input.partial ? ` · <span class="partial">${escapeHtml(words.partial)}</span>` : ''}</p>
    <nav><a href="${link(input.previousWeek)}" rel="prev">← ${escapeHtml(input.previousWeek)}</a>${input.nextWeek === null ? '' : `<a href="${link(input.nextWeek)}" rel="next">${escapeHtml(input.nextWeek)} →</a>`}<a href="/v1/kpi?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(input.week)}&amp;groupBy=municipality">JSON</a><a href="/v1/kpi/export.csv?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(input.week)}&amp;groupBy=municipality">CSV</a><a href="${query(input.week, other.lang)}" hreflang="${other.lang}" lang="${other.lang}" rel="alternate">${other.text}</a></nav>
  </header>
  <section class="cards" aria-label="${words.regionSection}">
      ${cards}
  </section>
  <section class="charts" aria-label="${words.trendSection}">
      ${charts}
  </section>
  <p class="legend">${words.legend(bands, input.minTeacherDenominator)}</p>
  <table id="municipalities">
    <thead>
      <tr><th>${words.municipality}</th><th>${words.organizations}</th><th>${words.registeredTeachers}</th>${REPORT_INDICATORS.map(({ name }) => `<th>${escapeHtml(name[lang])}</th>`).join('')}</tr>
    </thead>
    <tbody>
        ${rows}
    </tbody>
  </table>
  ${funnelSection(input, `/v1/funnel?region=${encodeURIComponent(region.code)}&amp;week=${encodeURIComponent(input.week)}${lang === 'ru' ? '' : `&amp;lang=${lang}`}`)}
  <footer>${escapeHtml(words.footer(generated(input.generatedAt, region.timeZone, lang), input.regionRow.orgsWithoutHeadcount === undefined ? 'registered' : 'headcount'))}</footer>
  <script src="${input.assets}/uPlot.iife.min.js"></script>
  <script>
    const LANG = ${scriptJson(lang)};
    const WEEK_STARTS = ${scriptJson(input.trend.map((p) => p.weekStart))};
    const SERIES = ${scriptJson(series)};
    const EDGE_LABELS = ${scriptJson({ lower: words.lowerEdge, upper: words.upperEdge })};
    const EDGE_COLOURS = { lower: '${BAND_COLOURS.below_norm.text}', upper: '${BAND_COLOURS.good.text}' };
    const xs = WEEK_STARTS.map((d) => Date.parse(d + 'T00:00:00Z') / 1000);
    // Axis labels as the page's readers write them: 16.11 and 0,5 in Russian; 11-16 and 0.5 in English.
    const dayOf = (t) => { const iso = new Date(t * 1000).toISOString(); return LANG === 'ru' ? iso.slice(8, 10) + '.' + iso.slice(5, 7) : iso.slice(5, 10); };
    const numberOf = (v) => (LANG === 'ru' ? String(v).replace('.', ',') : String(v));
    const percentOf = (v) => numberOf(v) + (LANG === 'ru' ? '\\u00a0%' : '%');
    const lastOf = (values) => { for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]; return null; };
    // Each edge's label on the chart, above its line (the edge of the report's week): the lower one at
    // the left, the upper one at the right, so that they never overlap when the edges are close (0,5 % and 1 %).
    const labelEdges = (u, s) => {
      const ctx = u.ctx;
      const px = uPlot.pxRatio;
      ctx.save();
      ctx.font = (11 * px) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'bottom';
      for (const edge of ['lower', 'upper']) {
        const value = lastOf(s[edge]);
        if (value === null) continue;
        ctx.fillStyle = EDGE_COLOURS[edge];
        ctx.textAlign = edge === 'lower' ? 'left' : 'right';
        const x = edge === 'lower' ? u.bbox.left + 4 * px : u.bbox.left + u.bbox.width - 4 * px;
        ctx.fillText(EDGE_LABELS[edge] + ' ' + percentOf(value), x, u.valToPos(value, 'y', true) - 2 * px);
      }
      ctx.restore();
      u.root.closest('figure').dataset.drawn = 'true';
    };
    for (const s of SERIES) {
      const el = document.getElementById('chart-' + s.kpi);
      const edge = (which) => ({ label: EDGE_LABELS[which], stroke: EDGE_COLOURS[which], width: 2, dash: [6, 4], points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) });
      new uPlot({
        width: 360, height: 170, legend: { show: false },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
        axes: [{ values: (u, ticks) => ticks.map(dayOf) }, { size: 44, values: (u, ticks) => ticks.map(numberOf) }],
        series: [{}, { label: s.kpi, stroke: '#1565c0', width: 2, points: { show: true, size: 5 } }, edge('lower'), edge('upper')],
        // Between the edges: the "average" band, lightly shaded.
        bands: [{ series: [3, 2], fill: 'rgba(255, 243, 160, 0.45)' }],
        hooks: { draw: [(u) => labelEdges(u, s)] },
      }, [xs, s.values, s.lower, s.upper], el);
    }
    document.body.dataset.chartsReady = 'true';
  </script>
</body>
</html>
`;
}
