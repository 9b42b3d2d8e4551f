import { type ClickHouseError } from '@clickhouse/client';

/**
 * Why a ClickHouse statement failed, as far as a writer must know:
 *
 * - `refused`: ClickHouse refused the data itself (a value it cannot parse
 *   or convert, a view's throwIf). Sending the same rows again fails again,
 *   so a writer isolates the refused rows and sets them aside.
 * - `transient`: anything else (the network, timeouts, memory, too many
 *   parts, a restarting server, a missing table or column, an error that is
 *   not ClickHouse's at all). Retrying may succeed, and a failure of the
 *   schema or the server must never be taken for bad data: that would set
 *   aside every row. Unknown codes are therefore transient.
 */
export type ClickHouseFailure =
  | { readonly kind: 'refused'; readonly code: number; readonly name: string; readonly message: string }
  | { readonly kind: 'transient'; readonly code: number | undefined; readonly message: string };

/**
 * The exception codes that refuse the data of an INSERT (ClickHouse's
 * src/Common/ErrorCodes.cpp; the same numbers on 18.16 and today). Each is
 * raised by a value in a row, never by the server's state.
 */
export const DATA_REFUSAL_CODES: ReadonlyMap<number, string> = new Map([
  [6, 'CANNOT_PARSE_TEXT'],
  [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [130, 'CANNOT_READ_ARRAY_FROM_TEXT'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'],
  [376, 'CANNOT_PARSE_UUID'],
  [395, 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
  [407, 'DECIMAL_OVERFLOW'],
  [441, 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING'],
  [467, 'CANNOT_PARSE_BOOL'],
  [469, 'VIOLATED_CONSTRAINT'],
]);

/** Room for ClickHouse's message in a Kafka header or a log: it may quote a long piece of the input. */
const MAX_MESSAGE_LENGTH = 1_000;

/**
 * ClickHouse 18.16 answers "Code: 395, e.displayText() = DB::Exception: <message>, e.what() = DB::Exception",
 * which @clickhouse/client does not recognize (it expects the "(TYPE_NAME)" of
 * current servers), so its error is a plain Error with that text.
 */
const LEGACY_EXCEPTION = /^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = [\w:]+)?\s*$/s;
/** Current servers' text, in case it reaches us unparsed: "Code: 395. DB::Exception: <message>. (NAME) (version ...)". */
const CURRENT_EXCEPTION = /^Code: (\d+)\. (?:DB::Exception: )?(.*?)\s*$/s;

/** Classifies what a @clickhouse/client call threw. Pure: reads only the error. */
export function classifyClickHouseFailure(error: unknown): ClickHouseFailure {
  const { code, message } = clickhouseException(error);
  const name = code === undefined ? undefined : DATA_REFUSAL_CODES.get(code);
  const text = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}...` : message;
  return code !== undefined && name !== undefined ? { kind: 'refused', code, name, message: text } : { kind: 'transient', code, message: text };
}

function clickhouseException(error: unknown): { code: number | undefined; message: string } {
  if (isClickHouseError(error)) return { code: Number(error.code), message: error.message.trim() };
  const message = error instanceof Error ? error.message : String(error);
  const match = LEGACY_EXCEPTION.exec(message) ?? CURRENT_EXCEPTION.exec(message);
  if (match === null) return { code: undefined, message: message.trim() };
  return { code: Number(match[1]), message: (match[2] ?? '').trim() };
}

/**
 * A ClickHouseError of @clickhouse/client, told by its shape rather than by
 * `instanceof`: the package and @clickhouse/client-common each carry a copy
 * of the class (an embedded ClickHouse's connection throws the other one).
 * Its code is ClickHouse's number as text; a network error's is a name.
 */
function isClickHouseError(error: unknown): error is ClickHouseError {
  if (!(error instanceof Error)) return false;
  const { code, type } = error as Partial<ClickHouseError>;
  return typeof code === 'string' && /^\d+$/.test(code) && typeof type === 'string';
}
