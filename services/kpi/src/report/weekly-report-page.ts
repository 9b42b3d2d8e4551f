/**
 * The weekly report (libs/domain/src/kpi/weekly-report.ts) as a printable
 * page: the same report the workbook is written from, a section per
 * category (each printed from a new A4 portrait page), its blocks, the
 * municipalities' traffic-light table in the band colours of the report
 * page, the onboarding funnel (the steps' table; the stuck organizations,
 * the first WEEKLY_PAGE_STUCK_ROWS of them: the workbook has them all), the
 * notes. No script and no asset: it prints as it is.
 */
import { addWeeks, formatIsoWeek, parseIsoWeek, type ReportTone, type WeeklyReport, type WeeklyReportGrid, type WeeklyReportSheet, type WeeklyReportTableRow } from '@sferum/domain';
import { BAND_COLOUR_CSS } from './band-colours';
import { escapeHtml } from './report-page';

/** The CSS class of a tone: the report page's band classes, its grey for a withheld figure. */
function toneClass(tone: ReportTone): string {
  switch (tone) {
    case 'good':
    case 'average':
    case 'below_norm':
      return `band-${tone}`;
    case 'withheld':
      return 'suppressed';
    case 'none':
      return 'plain';
  }
}

const LINK_WORDS = { ru: { workbook: 'Скачать XLSX', other: 'English' }, en: { workbook: 'Download XLSX', other: 'Русский' } } as const;

/** A table's rows: a name's cell (the first, or one marked as a name), a count's, or a figure's with its tone. */
function tableRows(rows: readonly WeeklyReportTableRow[]): string {
  return rows
    .map(
      (row) =>
        `<tr data-id="${escapeHtml(row.id)}"${row.total ? ' class="total"' : ''}>${row.cells
          .map((cell, i) =>
            i === 0 || cell.name === true
              ? `<td class="name">${escapeHtml(cell.text)}</td>`
              : cell.count !== undefined
                ? `<td class="num count">${escapeHtml(cell.text)}</td>`
                : `<td class="num ${toneClass(cell.tone)}" data-tone="${cell.tone}">${escapeHtml(cell.text)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n        ');
}

function table(grid: WeeklyReportGrid, className: string, category: string, rows: readonly WeeklyReportTableRow[] = grid.rows): string {
  return `<table class="${className}" data-category="${category}">
      <thead><tr>${grid.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
      <tbody>
        ${tableRows(rows)}
      </tbody>
    </table>`;
}

/** The category's funnel: its lines, the steps, the stuck organizations (at most the page's share of them, then how many more). */
function funnel(content: WeeklyReportSheet): string {
  const { funnel: f, category } = content;
  const stuck =
    f.stuck.none !== null
      ? `<p class="none">${escapeHtml(f.stuck.none)}</p>`
      : `${table(f.stuck, 'funnel-stuck', category, f.stuck.rows.slice(0, f.stuck.pageRows))}${f.stuck.pageMore === null ? '' : `\n    <p class="more">${escapeHtml(f.stuck.pageMore)}</p>`}`;
  return `<h3>${escapeHtml(f.heading)}</h3>
    <div class="funnel" data-category="${category}">
    ${f.lines.map((text) => `<p class="funnel-line">${escapeHtml(text)}</p>`).join('\n    ')}
    ${table(f.steps, 'funnel-steps', category)}
    <h4>${escapeHtml(f.stuck.heading)}</h4>
    ${stuck}
    </div>`;
}

function sheet(content: WeeklyReportSheet): string {
  const sections = content.sections
    .map(
      (section) =>
        `<h3>${escapeHtml(section.heading)}</h3>\n    <ul class="blocks" data-section="${section.id}">${section.blocks
          .map((block) => `<li class="${toneClass(block.tone)}" data-block="${escapeHtml(block.id)}" data-tone="${block.tone}">${escapeHtml(block.text)}</li>`)
          .join('')}</ul>`,
    )
    .join('\n    ');
  return `<section class="sheet" data-category="${content.category}">
    <h2>${escapeHtml(content.title)}</h2>
    ${sections}
    <h3>${escapeHtml(content.table.heading)}</h3>
    ${table(content.table, 'municipalities', content.category)}
    ${funnel(content)}
    <ul class="notes">${content.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>
  </section>`;
}

export function renderWeeklyReport(report: WeeklyReport): string {
  const { lang } = report;
  const links = LINK_WORDS[lang];
  const other = lang === 'ru' ? 'en' : 'ru';
  const query = (week: string, pageLang: string) => `region=${encodeURIComponent(report.region)}&amp;week=${encodeURIComponent(week)}${pageLang === 'ru' ? '' : `&amp;lang=${pageLang}`}`;
  const week = parseIsoWeek(report.week);
  const previous = formatIsoWeek(addWeeks(week, -1));
  // A week that is over has a next one that has begun: the link shows it so far.
  const next = report.partial ? null : formatIsoWeek(addWeeks(week, 1));
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(report.title)}</title>
  <style>
    ${BAND_COLOUR_CSS}
    body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 190mm; color: #1a1a1a; }
    h1 { font-size: 20px; margin: 0 0 4px; }
    h2 { font-size: 17px; margin: 0 0 8px; }
    h3 { font-size: 14px; margin: 14px 0 4px; }
    h4 { font-size: 13px; margin: 10px 0 4px; }
    .funnel-line { margin: 0 0 4px; }
    table.funnel-steps td.name { width: 55%; }
    table.funnel-stuck { font-size: 12px; }
    table.funnel-stuck td:first-child { width: 26%; }
    table.funnel-stuck td:nth-child(4) { width: 30%; }
    table.funnel-stuck td.num { white-space: nowrap; }
    table.funnel-stuck td:last-child { white-space: nowrap; color: #555; font-size: 11px; }
    .more, .none { color: #555; font-style: italic; margin: 4px 0; }
    .sub { color: #555; margin: 0; }
    nav { margin: 8px 0 16px; }
    nav a { margin-right: 16px; }
    .sheet + .sheet { margin-top: 32px; }
    ul.blocks { list-style: none; margin: 0; padding: 0; }
    ul.blocks li { padding: 2px 8px; margin: 2px 0; border-radius: 4px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; }
    th { background: #f4f4f4; text-align: left; font-size: 12px; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.count { white-space: nowrap; }
    tr.total td { font-weight: 700; }
    .band-good { background: var(--good-bg); color: var(--good); }
    .band-average { background: var(--average-bg); color: var(--average); }
    .band-below_norm { background: var(--low-bg); color: var(--low); }
    .suppressed { background: var(--withheld-bg); color: var(--withheld); font-style: italic; }
    ul.notes { color: #555; font-size: 11px; padding-left: 16px; }
    footer { margin-top: 16px; color: #666; font-size: 11px; }
    @page { size: A4 portrait; margin: 12mm; }
    @media print {
      body { margin: 0; max-width: none; font-size: 11px; }
      nav { display: none; }
      .sheet + .sheet { break-before: page; margin-top: 0; }
      tr, ul.blocks li { break-inside: avoid; }
      .band-good, .band-average, .band-below_norm, .suppressed { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
  </style>
</head>
<body>
  <header>
    <h1>${escapeHtml(report.title)}</h1>
    ${report.lines.map((text) => `<p class="sub">${escapeHtml(text)}</p>`).join('\n    ')}
    <nav><a href="?${query(previous, lang)}" rel="prev">← ${previous}</a>${next === null ? '' : `<a href="?${query(next, lang)}" rel="next">${next} →</a>`}<a href="/v1/report.xlsx?${query(report.week, lang)}" download>${links.workbook}</a><a href="?${query(report.week, other)}" hreflang="${other}" lang="${other}" rel="alternate">${links.other}</a></nav>
  </header>
  ${report.sheets.map(sheet).join('\n  ')}
  <footer>${escapeHtml(report.footer)}</footer>
</body>
</html>
`;
}
