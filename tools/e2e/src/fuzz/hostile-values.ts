import fc from 'fast-check';

/**
 * Values a careless or hostile client sends: out-of-range numbers and
 * calendar values that only look right, text that is not what it seems
 * (NUL bytes, other digits, bidirectional marks, lone surrogates), strings
 * that mean something to SQL, a shell, a spreadsheet or a template, and
 * names that mean something to JavaScript objects. Every one of them must
 * be answered with a 4xx problem or a 2xx, never a 5xx.
 */
const LONG = 'x'.repeat(3_000);

export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\t', '0', '00', '-1', '-0', '1.5', '1e3', '1e309', '-1e309', '99999999999999999999999999999', '9007199254740993', '2147483648',
  '0x10', '0b1', '1_000', 'NaN', 'Infinity', '-Infinity', 'true', 'false', 'null', 'undefined', '[]', '{}', '[object Object]',
  // ISO weeks: in range and not, that do not exist, and near misses of the format.
  '2105-W53', '2106-W01', '1969-W52', '1970-W01', '0000-W01', '9999-W52', '2023-W54', '2023-W53', '2026-W53', '2027-W53', '2026-W00',
  '2026-W99', '2026-W5', '2026W47', '2026-w47', ' 2026-W47', '2026-W47 ', '２０２６-W47', '+2026-W47', '-2026-W47', '2026-W47-3', '20260-W47',
  // Calendar dates and instants that Date.parse accepts and a database does not, or that overflow a type.
  '2023-02-30', '2023-02-29', '2024-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '0000-01-01', '9999-12-31', '1969-12-31', '1900-01-01',
  '+275760-09-13', '2023-2-3', '2023-02-28T00:00:00Z', '2023-02-30T10:00:00Z', '2026-11-25T25:00:00Z', '2026-11-25T23:59:60Z',
  '2026-11-25T12:00:00+99:99', '2026-11-25T12:00:00', '2026-11-25T12:00:00.1234567890123Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z',
  '2106-02-07T06:28:16Z', '2283-11-11T23:47:16Z', '9999-12-31T23:59:59.999Z', '-000001-01-01T00:00:00Z', '2026-11-25 12:00:00+07',
  // Unicode and control characters.
  '\u0000', '54\u0000', 'nsk\u0000city', '\u0000\u0000\u0000', 'Новосибирск', '٥٤', '５４', '𝟓𝟒', '\u202e54', '\ufeff54', '\ud800', '\udfff54',
  'e\u0301', '🏫'.repeat(40), '\u00a0', '\u2028', 'a\u0000b\u0001c\u001f', '\u0085',
  // Meant for SQL, templates, paths, headers and spreadsheets.
  "' OR '1'='1", "54'; DROP TABLE region; --", "54' UNION SELECT 1 --", "54'--", '54)', "\\'", '\\', '%', '%00', '%zz', '${7*7}', '{{7*7}}',
  "'; SELECT sleep(3); --", '1; SELECT * FROM system.users', '<script>alert(1)</script>', '../../../etc/passwd', '..', '.', '/', '\r\nSet-Cookie: x=1',
  'a\nb', '=1+1', '=HYPERLINK("http://example.invalid","x")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1', "'=1",
  // Names with a meaning on JavaScript objects.
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  LONG,
  'é'.repeat(1_000),
];

export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String), weight: 1 },
    { arbitrary: fc.double().map(String), weight: 1 },
  );
}

/** JSON values of the wrong type or size, and objects with dangerous keys (built by JSON.parse: own properties). */
export function hostileJson(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 2, 2 ** 31, '', [], {}, [null], [[]], [{}]), weight: 4 },
    { arbitrary: hostileString(), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{"toString":1,"valueOf":"x","hasOwnProperty":null}',
        '{"a":{"b":{"c":{"d":{"e":{"f":{"g":[1,2,3]}}}}}}}',
      ).map((text) => JSON.parse(text) as unknown),
      weight: 1,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.array(fc.integer(), { minLength: 200, maxLength: 400 }), weight: 1 },
  );
}

/** Bodies that are not the JSON they claim to be, or JSON no reasonable parser expects. */
export const HOSTILE_JSON_TEXTS: readonly (string | Buffer)[] = [
  '',
  ' ',
  'null',
  '[',
  '{"',
  '{"a":1,}',
  '[1,]',
  "{'a':1}",
  'NaN',
  '\u0000',
  '{"a":"\u0000"}',
  '\ufeff{}',
  '\ufeff[]',
  '1'.padEnd(5_000, '0'),
  '1e400',
  '-',
  '{"a":1}{"b":2}',
  '{"a":1}\n{"b":2}\n',
  '<?xml version="1.0"?><a/>',
  'a=1&b=2',
  '"just a string"',
  '['.repeat(100_000) + ']'.repeat(100_000),
  '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
  `{"a":"${'\\u0000'.repeat(2_000)}"}`,
  `{"${'k'.repeat(10_000)}":1}`,
  `[${'{},'.repeat(20_000)}{}]`,
  Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // {"a":"<invalid UTF-8>"}
  Buffer.from([0x5b, 0xed, 0xa0, 0x80, 0x5d]), // a UTF-8-encoded surrogate
];

type Mutation = 'replace' | 'delete' | 'add' | 'stringify' | 'wrap';
const MUTATIONS: readonly Mutation[] = ['replace', 'replace', 'replace', 'delete', 'add', 'stringify', 'wrap'];
const ADDED_KEYS = ['text', 'content', 'body', 'traceparent', 'extra', '__proto__', 'constructor', '', ' ', 'id\u0000'];

/**
 * A valid value with one thing wrong at a random place: a value replaced by
 * a hostile one, a required key deleted, an unknown key added, a number
 * sent as a string, a value wrapped in an array.
 */
export function mutatedJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom(...MUTATIONS), hostileJson(), fc.constantFrom(...ADDED_KEYS))
    .map(([value, at, mutation, replacement, key]) => mutate(structuredClone(value), at, mutation, replacement, key));
}

function mutate(value: unknown, at: number, mutation: Mutation, replacement: unknown, key: string): unknown {
  const places: { parent: Record<string, unknown> | unknown[] | undefined; key: string | number; value: unknown }[] = [{ parent: undefined, key: '', value }];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, inner] of Object.entries(node)) {
      places.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(k) : k, value: inner });
      walk(inner);
    }
  };
  walk(value);
  const place = places[at % places.length]!;
  const set = (next: unknown): unknown => {
    if (place.parent === undefined) return next;
    (place.parent as Record<string | number, unknown>)[place.key] = next;
    return value;
  };
  switch (mutation) {
    case 'replace':
      return set(replacement);
    case 'delete':
      if (place.parent === undefined) return replacement;
      if (Array.isArray(place.parent)) place.parent.splice(place.key as number, 1);
      else delete place.parent[place.key as string];
      return value;
    case 'add':
      if (typeof place.value === 'object' && place.value !== null && !Array.isArray(place.value)) {
        Object.defineProperty(place.value, key, { value: replacement, enumerable: true, writable: true, configurable: true });
        return value;
      }
      return set(replacement);
    case 'stringify':
      return set(typeof place.value === 'string' ? Number(place.value) : JSON.stringify(place.value) ?? 'undefined');
    case 'wrap':
      return set([place.value]);
  }
}

/** Bytes as a percent-encoded URL component (UTF-8; a lone surrogate becomes U+FFFD, as TextEncoder writes it). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A header value as Node's client sends it: UTF-8 bytes written one per
 * character (a server reads them as Latin-1, as HTTP says), with the three
 * characters no header can carry (CR, LF, NUL) and other controls replaced.
 */
export function headerValue(value: string): string {
  return Buffer.from(value, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}
