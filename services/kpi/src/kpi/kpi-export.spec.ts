import { parseCsv } from '@sferum/domain';
import ExcelJS from 'exceljs';
import { csvExport, xlsxExport } from './kpi-export';

const HEADER = ['week', 'level', 'id', 'name', 'delta', 'count'];
const DANGEROUS = ['=1+1', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1', 'Школа;=1+1'];
const rows = DANGEROUS.map((name, i) => ['2023-W19', 'organization', `o${i}`, name, -5, i]);

describe('KPI exports', () => {
  it('CSV: a BOM, every text cell a spreadsheet could run neutralized, numbers as numbers', () => {
    const text = csvExport(HEADER, rows);
    expect(text.startsWith('\ufeffweek,level,id,name,delta,count\n')).toBe(true);
    const [, ...lines] = parseCsv(text);
    expect(lines.map((l) => l.fields[3])).toEqual(["'=1+1", "'+1", "'-1+1", "'@SUM(A1)", "'\t=1", "'\r=1", "Школа;'=1+1"]);
    expect(text.split('\n')[1]).toBe(`2023-W19,organization,o0,"'=1+1",-5,0`);
  });

  it('XLSX: names as exact text cells, numbers as numbers, no formula anywhere', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsxExport('54 2023-W19', HEADER, rows)) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const names: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      expect(row.getCell(4).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(5).value).toBe(-5);
      names.push(row.getCell(4).value);
      row.eachCell((cell) => expect(cell.formula).toBeUndefined());
    });
    // XML reads a carriage return back as a line feed; the text is otherwise exact.
    expect(names).toEqual(DANGEROUS.map((name) => name.replace(/\r/g, '\n')));
  });
});
