import { formatCsv, type CsvCell } from '@sferum/domain';
import ExcelJS from 'exceljs';

/**
 * The KPI table as the two export files. Text cells (the unit's name and
 * id, week, level, band words) are free text as far as a spreadsheet is
 * concerned; numbers are the service's own.
 */

/**
 * CSV with a BOM (spreadsheet programs then read Cyrillic right). Every
 * text cell a spreadsheet could read as a formula is neutralized by the
 * one CSV writer (libs/domain/src/registry/csv.ts); numbers, such as a
 * negative one, are written as numbers.
 */
export function csvExport(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return formatCsv([header, ...rows], { bom: true });
}

/**
 * XLSX. Its cells are safe as they are: ExcelJS stores a JavaScript string
 * as a text cell (a shared string), and a spreadsheet evaluates only the
 * formula element of a cell, which ExcelJS writes only for a value given
 * as `{ formula }`; no text is parsed on opening, whatever it begins with.
 * So names are written as they are, with no leading quote.
 */
export async function xlsxExport(sheetName: string, header: readonly string[], rows: readonly (readonly CsvCell[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...header]).font = { bold: true };
  for (const row of rows) sheet.addRow([...row]);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
