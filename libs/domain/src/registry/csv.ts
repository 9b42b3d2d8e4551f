/**
 * RFC 4180 CSV: comma-separated, fields quoted with double quotes ("" inside
 * a quoted field is one quote), CRLF or LF line ends, an optional UTF-8 BOM.
 * Records carry the line they start on, so problems can name it.
 */

export interface CsvRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses a whole CSV text. Lines that are entirely empty are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(startLine, 'a quoted field is not closed');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        const next = text[i];
        if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvSyntaxError(line, 'text after a closing quote (a quote inside a field must be doubled: "")');
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field)');
          i++;
        }
        field = text.slice(start, i);
      }
      fields.push(field);
      if (i >= n) {
        endOfRecord = true;
      } else if (text[i] === ',') {
        i++;
      } else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
  }
  return records;
}

/**
 * The first characters that make a spreadsheet program read a cell as a
 * formula (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, tab and carriage
 * return. A name such as `=HYPERLINK("http://...")` in an export would run
 * when a coordinator opens the file.
 *
 * A cell starts at the start of a field, and also right after a semicolon:
 * a spreadsheet in a Russian locale splits a CSV on `;` (the locale's list
 * separator), where the quotes of a comma-separated file protect nothing
 * but a field that begins with one, so `Школа;=1+1` would give a cell `=1+1`.
 */
const FORMULA_START = /(^|;)(?=[=+\-@\t\r])/g;
const HAS_FORMULA_START = /(^|;)[=+\-@\t\r]/;

/** Whether a spreadsheet could read part of a text as a formula: it begins with `=`, `+`, `-`, `@`, a tab or CR, or has one right after a semicolon. */
export function opensAsFormula(text: string): boolean {
  return HAS_FORMULA_START.test(text);
}

/**
 * A text cell made safe to open (OWASP's advice): a single quote before
 * every place a formula could start, so that spreadsheets read text. A text
 * without such a place is returned as it is.
 */
export function neutralizeFormula(text: string): string {
  return opensAsFormula(text) ? text.replace(FORMULA_START, "$1'") : text;
}

/**
 * A cell of the CSVs the services write. A string is text that came from
 * outside the service (names, identifiers, and anything else a person or a
 * registry file chose): it is neutralized. A number is one the service
 * computed (a count, a percentage, a delta such as -5): written as it is,
 * never mistaken for a formula. null is an empty cell.
 */
export type CsvCell = string | number | null;

/**
 * Quoted: a quote, a separator (a semicolon too, for spreadsheets that split
 * on it), a line break, a tab, edge spaces, and a leading single quote. A
 * neutralized cell thus is always quoted (as OWASP advises), and writing it
 * again after it was read back gives the same bytes.
 */
const NEEDS_QUOTES = /[",;\r\n\t]|^\s|\s$|^'/;

/** One text field: neutralized, then quoted where NEEDS_QUOTES says. */
export function formatCsvField(value: string): string {
  const safe = neutralizeFormula(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One cell: text through formatCsvField, a finite number as JavaScript writes it, null empty. */
export function formatCsvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new TypeError(`a CSV number cell must be finite, got ${cell}`);
    return String(cell);
  }
  return formatCsvField(cell);
}

/** One CSV line with LF ending. */
export function formatCsvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(formatCsvCell).join(',')}\n`;
}

/** A whole CSV: the lines, with a UTF-8 BOM first when asked (spreadsheet programs then read Cyrillic right). */
export function formatCsv(rows: readonly (readonly CsvCell[])[], options: { readonly bom?: boolean } = {}): string {
  return `${options.bom === true ? '\ufeff' : ''}${rows.map(formatCsvLine).join('')}`;
}
