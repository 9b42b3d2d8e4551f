import { SqlLiteralError, sqlDate, sqlDateTime, sqlIdentifier, sqlString, sqlStringArray, sqlStringList, sqlUInt } from './sql-literal';

describe('sqlString', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["\\'; DROP TABLE x; --", "'\\\\\\'; DROP TABLE x; --'"],
    ['line\nbreak\ttab\r', "'line\\nbreak\\ttab\\r'"],
    ['nul\0byte', "'nul\\0byte'"],
    ['Новосибирск', "'Новосибирск'"],
    ['', "''"],
  ])('escapes %j', (input, expected) => {
    expect(sqlString(input)).toBe(expected);
  });

  it('rejects non-strings smuggled through untyped input', () => {
    expect(() => sqlString(42 as unknown as string)).toThrow(SqlLiteralError);
  });
});

describe('sqlIdentifier', () => {
  it('quotes plain identifiers', () => {
    expect(sqlIdentifier('weekly_user_activity')).toBe('`weekly_user_activity`');
  });
  it.each(['1abc', 'a-b', 'a`b', 'a b', '', 'x'.repeat(129), 'db.table'])('rejects %j', (name) => {
    expect(() => sqlIdentifier(name)).toThrow(SqlLiteralError);
  });
});

describe('numbers and dates', () => {
  it('unsigned integers', () => {
    expect(sqlUInt(0)).toBe('0');
    expect(sqlUInt(2n ** 63n)).toBe('9223372036854775808');
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => sqlUInt(bad)).toThrow(SqlLiteralError);
    }
    expect(() => sqlUInt(-1n)).toThrow(SqlLiteralError);
  });

  it('dates are validated as calendar dates', () => {
    expect(sqlDate('2023-05-08')).toBe("toDate('2023-05-08')");
    for (const bad of ['2023-02-30', '2023-5-8', "2023-05-08') OR (1=1", '']) {
      expect(() => sqlDate(bad)).toThrow(SqlLiteralError);
    }
  });

  it('date-times are whole seconds in UTC', () => {
    expect(sqlDateTime(Date.parse('2023-05-14T16:59:59.999Z'))).toBe("toDateTime('2023-05-14 16:59:59', 'UTC')");
    expect(() => sqlDateTime(-1)).toThrow(SqlLiteralError);
    expect(() => sqlDateTime(Number.NaN)).toThrow(SqlLiteralError);
  });

  it('string lists', () => {
    expect(sqlStringList(['a', "b'c"])).toBe("('a', 'b\\'c')");
    expect(() => sqlStringList([])).toThrow(SqlLiteralError);
    expect(sqlStringArray(['a', "b'c"])).toBe("['a', 'b\\'c']");
    expect(sqlStringArray([])).toBe('[]');
  });
});
