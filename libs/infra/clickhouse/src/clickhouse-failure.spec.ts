import { ClickHouseError } from '@clickhouse/client';
import { classifyClickHouseFailure } from './clickhouse-failure';

/** What @clickhouse/client throws for a current server's exception (it parses code, message and type). */
const current = (code: number, type: string, message: string) => new ClickHouseError({ code: String(code), type, message });
/** What it throws for ClickHouse 18.16, whose text it cannot parse: a plain Error with the body (as seen on 18.16.1). */
const legacy = (code: number, message: string) => new Error(`Code: ${code}, e.displayText() = DB::Exception: ${message}, e.what() = DB::Exception\n`);
const network = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifyClickHouseFailure', () => {
  it.each([
    [6, 'CANNOT_PARSE_TEXT'],
    [26, 'CANNOT_PARSE_QUOTED_STRING'],
    [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
    [38, 'CANNOT_PARSE_DATE'],
    [41, 'CANNOT_PARSE_DATETIME'],
    [53, 'TYPE_MISMATCH'],
    [69, 'ARGUMENT_OUT_OF_BOUND'],
    [70, 'CANNOT_CONVERT_TYPE'],
    [72, 'CANNOT_PARSE_NUMBER'],
    [117, 'INCORRECT_DATA'],
    [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
    [395, 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
  ])('code %i (%s) refuses the data, from a current server and from 18.16', (code, name) => {
    expect(classifyClickHouseFailure(current(code, name, 'bad value'))).toEqual({ kind: 'refused', code, name, message: 'bad value' });
    expect(classifyClickHouseFailure(legacy(code, 'bad value'))).toEqual({ kind: 'refused', code, name, message: 'bad value' });
  });

  it('keeps 18.16 message text whole, including the view that threw and the row it names', () => {
    const error = new Error(
      "Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero: while pushing to view db.poison, e.what() = DB::Exception\n",
    );
    expect(classifyClickHouseFailure(error)).toEqual({
      kind: 'refused',
      code: 395,
      name: 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO',
      message: "Value passed to 'throwIf' function is non zero: while pushing to view db.poison",
    });
    const parse = new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected " before: Z"}\\n: (at row 2)\n, e.what() = DB::Exception\n');
    expect(classifyClickHouseFailure(parse)).toMatchObject({ kind: 'refused', code: 27, message: 'Cannot parse input: expected " before: Z"}\\n: (at row 2)' });
  });

  it('knows the client error by its shape: the copy of the class in @clickhouse/client-common counts too', () => {
    const copy = Object.assign(new Error('Cannot read DateTime: unexpected date: 2023-2-30: (at row 1)'), { code: '41', type: 'CANNOT_PARSE_DATETIME' });
    expect(classifyClickHouseFailure(copy)).toMatchObject({ kind: 'refused', code: 41, name: 'CANNOT_PARSE_DATETIME' });
  });

  it('reads the text of a current server that reached it unparsed', () => {
    const error = new Error("Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 24.8.1.1)");
    expect(classifyClickHouseFailure(error)).toMatchObject({ kind: 'refused', code: 395 });
  });

  it.each([
    ['memory', current(241, 'MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded')],
    ['too many parts', current(252, 'TOO_MANY_PARTS', 'Too many parts (300). Merges are processing significantly slower than inserts')],
    ['a timeout', current(159, 'TIMEOUT_EXCEEDED', 'Timeout exceeded')],
    ['a socket timeout', legacy(209, 'Timeout exceeded while reading from socket')],
    ['a network error inside ClickHouse', legacy(210, 'Connection refused')],
    ['too many queries', current(202, 'TOO_MANY_SIMULTANEOUS_QUERIES', 'Too many simultaneous queries')],
    ['a cancelled query', current(394, 'QUERY_WAS_CANCELLED', 'Query was cancelled')],
    ['a read-only table', current(242, 'TABLE_IS_READ_ONLY', 'Table is in readonly mode')],
    ['a missing table (schema, not data)', legacy(60, "Table db.activity_events doesn't exist.")],
    ['a missing column (schema, not data)', legacy(16, 'No such column event_id in table db.activity_events')],
    ['a code nobody listed', current(999_999, 'SOMETHING_NEW', 'new')],
    ['a refused connection', network('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8123')],
    ['a reset connection', network('ECONNRESET', 'socket hang up')],
    ['a client timeout', new Error('Timeout error.')],
    ['a proxy page', new Error('<html><body>502 Bad Gateway</body></html>')],
    ['something not an Error', 'oops'],
  ])('%s is transient', (_, error) => {
    expect(classifyClickHouseFailure(error).kind).toBe('transient');
  });

  it('keeps the code of a transient failure when there is one', () => {
    expect(classifyClickHouseFailure(current(241, 'MEMORY_LIMIT_EXCEEDED', 'Memory limit exceeded'))).toEqual({ kind: 'transient', code: 241, message: 'Memory limit exceeded' });
    expect(classifyClickHouseFailure(network('ECONNREFUSED', 'connect ECONNREFUSED'))).toEqual({ kind: 'transient', code: undefined, message: 'connect ECONNREFUSED' });
  });

  it('cuts a long message (it may quote a long piece of the input)', () => {
    const failure = classifyClickHouseFailure(legacy(27, `Cannot parse input: ${'x'.repeat(5_000)}`));
    expect(failure.message.length).toBeLessThanOrEqual(1_003);
    expect(failure.message.endsWith('...')).toBe(true);
  });
});
