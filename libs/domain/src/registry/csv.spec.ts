import fc from 'fast-check';
import { formatCsv, formatCsvCell, formatCsvField, formatCsvLine, neutralizeFormula, opensAsFormula, parseCsv } from './csv';

describe('CSV cells a spreadsheet could run as formulas', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","Отчёт")', `"'=HYPERLINK(""http://evil.example"",""Отчёт"")"`],
    ['+7 (383) 000-00-00', `"'+7 (383) 000-00-00"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('%j gets a leading single quote and is quoted', (text, written) => {
    expect(opensAsFormula(text)).toBe(true);
    expect(formatCsvField(text)).toBe(written);
    // It reads back as the text with the quote: a spreadsheet shows text.
    expect(parseCsv(`${written}\n`)[0]?.fields).toEqual([`'${text}`]);
  });

  it('neutralizes a formula after a semicolon, where a spreadsheet splitting on ";" starts a cell', () => {
    expect(opensAsFormula('Школа;=1+1')).toBe(true);
    expect(neutralizeFormula('Школа;=1+1;@x')).toBe("Школа;'=1+1;'@x");
    expect(formatCsvField('Школа;=1+1')).toBe(`"Школа;'=1+1"`);
  });

  it.each(['Школа № 1', 'МБОУ "СОШ № 5"', 'a=b', 'Школа - филиал', 'x@y', "'=already text", '', 'Школа; филиал', '1-я школа'])(
    'leaves %j as it is (quoted only where RFC 4180 or a semicolon needs it)',
    (text) => {
      expect(opensAsFormula(text)).toBe(false);
      expect(neutralizeFormula(text)).toBe(text);
      expect(parseCsv(`${formatCsvField(text)},end\n`)[0]?.fields).toEqual([text, 'end']);
    },
  );

  it('quotes a semicolon, so a spreadsheet splitting on ";" keeps a first-column text whole', () => {
    expect(formatCsvField('Школа; филиал')).toBe('"Школа; филиал"');
  });

  it('quotes a leading single quote: a neutralized cell read back is written to the same bytes', () => {
    const once = formatCsvField('=1+1');
    const readBack = parseCsv(`${once}\n`)[0]!.fields[0]!;
    expect(readBack).toBe("'=1+1");
    expect(formatCsvField(readBack)).toBe(once);
    expect(formatCsvField('Школа')).toBe('Школа');
  });

  it('writes numbers the service computed as numbers: -5 is not a formula', () => {
    expect(formatCsvLine(['-5', -5, 0, 12.5, null, '-x'])).toBe(`"'-5",-5,0,12.5,,"'-x"\n`);
    expect(() => formatCsvCell(Number.NaN)).toThrow(TypeError);
    expect(() => formatCsvCell(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('writes a whole file, with a BOM when asked', () => {
    const rows = [['name', 'value'], ['=1+1', -1]];
    expect(formatCsv(rows)).toBe(`name,value\n"'=1+1",-1\n`);
    expect(formatCsv(rows, { bom: true })).toBe(`\ufeffname,value\n"'=1+1",-1\n`);
  });

  it('no written text cell opens as a formula, and each reads back as itself or with its formula starts quoted', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ';', ',', '"', "'", 'a', 'Ш', ' '), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 5 }), (cells) => {
        const [record] = parseCsv(formatCsvLine(cells));
        expect(record?.fields).toEqual(cells.map(neutralizeFormula));
        for (const field of record?.fields ?? []) expect(opensAsFormula(field)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });
});
