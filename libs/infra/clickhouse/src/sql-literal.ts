import { ISO_DATE_PATTERN, isIsoDate } from '@sferum/contracts';
/**
 * Literals embedded in ClickHouse SQL. ClickHouse 18.16 has no query
 * parameters, so every value that comes from input passes through one of
 * these functions: each validates its input and escapes what it embeds.
 */

export class SqlLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlLiteralError';
  }
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A quoted string literal: 'it\'s'. */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new SqlLiteralError(`expected a string, got ${typeof value}`);
  return `'${value.replace(/[\\'\0\n\r\t\b\f]/g, (c) => STRING_ESCAPES[c] ?? c)}'`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A database, table or column name; only plain identifiers are accepted. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new SqlLiteralError(`not a plain identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** A non-negative integer literal. */
export function sqlUInt(value: number | bigint): string {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new SqlLiteralError(`expected a non-negative integer, got ${value}`);
    return value.toString();
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SqlLiteralError(`expected a non-negative integer, got ${value}`);
  }
  return String(value);
}

/** A Date literal from "YYYY-MM-DD" (validated as a real calendar date). */
export function sqlDate(value: string): string {
  if (!ISO_DATE_PATTERN.test(value)) throw new SqlLiteralError(`expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  if (!isIsoDate(value)) throw new SqlLiteralError(`not a calendar date: ${value}`);
  return `toDate('${value}')`;
}

/** A DateTime literal (second precision, UTC) from epoch milliseconds. */
export function sqlDateTime(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs < 0 || epochMs >= Date.UTC(2106, 0, 1)) {
    throw new SqlLiteralError(`timestamp out of DateTime range: ${epochMs}`);
  }
  const text = new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `toDateTime('${text}', 'UTC')`;
}

/** A list literal: ('a', 'b'); an empty list is rejected (IN () is invalid SQL). */
export function sqlStringList(values: readonly string[]): string {
  if (values.length === 0) throw new SqlLiteralError('an empty list cannot be embedded');
  return `(${values.map(sqlString).join(', ')})`;
}

/** An array literal: ['a', 'b'] (empty allowed: []). */
export function sqlStringArray(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}
