import { type ReportTone, type WeeklyReport, type WeeklyReportGrid, type WeeklyReportSheet } from '@sferum/domain';
import ExcelJS from 'exceljs';
import { BAND_COLOURS, WITHHELD_COLOURS } from './band-colours';

/**
 * The weekly report as a workbook (ExcelJS, as the KPI exports:
 * services/kpi/src/kpi/kpi-export.ts), one sheet per category: its title
 * and week, the blocks of each section one a line, the municipalities'
 * table with a fill per band, the onboarding funnel (a table of the steps,
 * then every organization stuck at its step), the notes and when it was
 * made. Set up to print on A4 portrait, one page wide.
 *
 * Texts are written as text cells (a JavaScript string is a shared
 * string), so a municipality's name is never read as a formula whatever it
 * begins with (see kpi-export.ts); counts of the table are number cells, so
 * the sheet can still be summed and sorted.
 */

/**
 * Widths of the tables' columns (characters): the municipalities' (the
 * name, two counts, the three indicators), the funnel's steps (the step,
 * three counts) and its stuck organizations (the name, the days, the date,
 * the step, the municipality, the id) share them.
 */
const COLUMN_WIDTHS = [34, 13, 16, 26, 26, 26];
/** Characters of a merged line across the table, roughly: where a note wraps. */
const LINE_CHARACTERS = 130;
const LINE_HEIGHT_POINTS = 15;

/** "#c8e6c9" as ExcelJS's ARGB, "FFC8E6C9". */
function argb(hex: string): string {
  return `FF${hex.slice(1).toUpperCase()}`;
}

function solid(hex: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(hex) } };
}

/** The fill and font of a figure's tone: green, yellow or red by band, grey when withheld, none otherwise. */
function toneStyle(tone: ReportTone): { readonly fill?: ExcelJS.Fill; readonly font?: Partial<ExcelJS.Font> } {
  switch (tone) {
    case 'good':
    case 'average':
    case 'below_norm':
      return { fill: solid(BAND_COLOURS[tone].fill), font: { color: { argb: argb(BAND_COLOURS[tone].text) } } };
    case 'withheld':
      return { fill: solid(WITHHELD_COLOURS.fill), font: { italic: true, color: { argb: argb(WITHHELD_COLOURS.text) } } };
    case 'none':
      return {};
  }
}

function style(cell: ExcelJS.Cell, tone: ReportTone, font: Partial<ExcelJS.Font> = {}): void {
  const { fill, font: toneFont } = toneStyle(tone);
  if (fill !== undefined) cell.fill = fill;
  if (toneFont !== undefined || Object.keys(font).length > 0) cell.font = { ...toneFont, ...font };
}

const THIN: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };

/** A line of text across the table's width (merged, so that its fill and wrapping span it). */
function line(sheet: ExcelJS.Worksheet, text: string, tone: ReportTone = 'none', font: Partial<ExcelJS.Font> = {}, wrap = false): void {
  const row = sheet.addRow([text]);
  sheet.mergeCells(row.number, 1, row.number, COLUMN_WIDTHS.length);
  const cell = row.getCell(1);
  style(cell, tone, font);
  if (wrap) {
    cell.alignment = { wrapText: true, vertical: 'top' };
    row.height = Math.ceil(text.length / LINE_CHARACTERS) * LINE_HEIGHT_POINTS;
  }
}

function header(sheet: ExcelJS.Worksheet, report: WeeklyReport, title: string): void {
  line(sheet, title, 'none', { bold: true, size: 14 });
  for (const text of report.lines) line(sheet, text, 'none', { color: { argb: 'FF555555' } });
}

/**
 * A table: its header row, then a row per line, counts as number cells,
 * names left (wrapping: a step's name is long), the other figures right.
 */
function table(sheet: ExcelJS.Worksheet, grid: WeeklyReportGrid): void {
  const head = sheet.addRow([...grid.header]);
  head.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = solid('#f4f4f4');
    cell.border = THIN;
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  for (const tableRow of grid.rows) {
    const row = sheet.addRow(tableRow.cells.map((cell) => cell.count ?? cell.text));
    tableRow.cells.forEach((value, i) => {
      const cell = row.getCell(i + 1);
      style(cell, value.tone, tableRow.total ? { bold: true } : {});
      cell.border = THIN;
      if (value.count !== undefined) cell.numFmt = '#,##0';
      else if (i === 0 || value.name === true) cell.alignment = { wrapText: true, vertical: 'top' };
      else cell.alignment = { horizontal: 'right' };
    });
  }
}

function writeSheet(workbook: ExcelJS.Workbook, report: WeeklyReport, content: WeeklyReportSheet): void {
  const sheet = workbook.addWorksheet(content.sheetName, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = COLUMN_WIDTHS.map((width) => ({ width }));
  header(sheet, report, content.title);
  for (const section of content.sections) {
    sheet.addRow([]);
    line(sheet, section.heading, 'none', { bold: true, size: 12 });
    for (const block of section.blocks) line(sheet, block.text, block.tone);
  }
  sheet.addRow([]);
  line(sheet, content.table.heading, 'none', { bold: true, size: 12 });
  table(sheet, content.table);
  const { funnel } = content;
  sheet.addRow([]);
  line(sheet, funnel.heading, 'none', { bold: true, size: 12 });
  for (const text of funnel.lines) line(sheet, text);
  table(sheet, funnel.steps);
  sheet.addRow([]);
  line(sheet, funnel.stuck.heading, 'none', { bold: true });
  if (funnel.stuck.none !== null) line(sheet, funnel.stuck.none);
  else table(sheet, funnel.stuck);
  sheet.addRow([]);
  for (const note of content.notes) line(sheet, note, 'none', { size: 9, italic: true }, true);
  line(sheet, report.footer, 'none', { size: 9, color: { argb: 'FF666666' } });
}

export async function weeklyReportXlsx(report: WeeklyReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = report.title;
  workbook.creator = 'Sferum KPI';
  // The file says when the report was made by the service's clock, not when ExcelJS ran.
  workbook.created = workbook.modified = new Date(report.generatedAt);
  // A workbook needs a sheet: a region without organizations gets one that says so (its lines do).
  if (report.sheets.length === 0) header(workbook.addWorksheet(report.week), report, report.title);
  for (const content of report.sheets) writeSheet(workbook, report, content);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
