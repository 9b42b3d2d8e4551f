import { type JsonSchema } from '@sferum/contracts';
import fc from 'fast-check';
import { csvBody, type GeneratedBody } from './csv-bodies';
import { encodedBody } from './encodings';
import { type FuzzKeys, type FuzzWorld } from './fuzz-world';
import { HOSTILE_JSON_TEXTS, headerValue, hostileJson, hostileString, mutatedJson, percentEncode } from './hostile-values';
import { type FuzzRoute, type RouteParameter } from './openapi-routes';
import { validValue, type ValueContext } from './schema-values';

/** Which key a request presents, as the check of a 2xx reads it: a valid key of a role, or none that counts. */
export type KeyKind = 'none' | 'malformed' | 'unknown' | 'revoked' | 'reader' | 'admin' | 'source';
const VALID_KINDS = ['reader', 'admin', 'source'] as const;

export interface FuzzRequest {
  readonly route: FuzzRoute;
  readonly method: string;
  /** The path with its query, percent-encoded as sent. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body?: Buffer;
  /** Send the body in chunks (Transfer-Encoding: chunked) instead of with a Content-Length. */
  readonly chunked: boolean;
  readonly key: KeyKind;
  /** What the generators made: shown with a failure. */
  readonly note: string;
}

/** Path segments no client should send, as raw (already encoded) text. */
const RAW_SEGMENTS = ['..', '.', '%zz', '%', '%00', '%2F', '%2e%2e', '%C0%AE', 'a%ZZb', ';x=1', '%u0041', '~', '*', '%252F', '54%00', '54%20', '%E0%A4%A', 'x'.repeat(300)];
/** Query fragments no client should send, as raw text. */
const RAW_QUERY = ['region', '=54', 'region==54', '&&', 'region=%zz', 'region=%', 'week=%E0%A4%A', 'region[]=54', 'region[0]=54', 'region.x=1', '__proto__=x', '__proto__[polluted]=1', 'constructor[prototype][x]=1', 'a=1;b=2', '%00=1', '=', '+=+'];
const UNKNOWN_NAMES = ['foo', 'format', 'callback', 'debug', 'admin', 'sql', 'Region', 'REGION', 'region ', 'grouping', 'kpis', 'limit[]'];
const EXTRA_HEADERS: Readonly<Record<string, readonly string[]>> = {
  accept: ['*/*', 'application/json', 'text/html', 'application/problem+json', 'text/csv', 'image/png', ''],
  'accept-language': ['ru-RU,ru;q=0.9', 'en', '*', 'xx'],
  'x-forwarded-for': ['203.0.113.7', 'not-an-ip', '::1, 10.0.0.1', '1.2.3.4, '.repeat(200), '999.999.999.999', ''],
  'x-request-id': ['fuzz', 'x'.repeat(2_000)],
  cookie: ['a=b', 'session=' + 'x'.repeat(1_000), '=;=;'],
  origin: ['https://evil.example', 'null'],
  'if-none-match': ['*', '"x"'],
  range: ['bytes=0-1', 'bytes=-1', 'items=1-2'],
  'user-agent': ['fuzz/1.0', ''],
  'ce-traceparent': ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  'ce-data': ['{"a":1}'],
  'ce-datacontenttype': ['application/json'],
};
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/csv',
  'application/json',
  'application/cloudevents+xml',
  '',
  ';',
  'a/b/c',
  'application/json, text/csv',
  'text/csv; charset=utf-16',
  'application/json; charset=latin1',
];
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
/** Node refuses a request line and headers over 16 KiB with a bare 431 (before any route): stay below. */
const MAX_PATH_LENGTH = 9_000;

interface Part {
  readonly text: string;
  readonly note?: string;
}

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

function authorization(keys: FuzzKeys, route: FuzzRoute): fc.Arbitrary<{ key: KeyKind; header?: string | string[] }> {
  const valid = (kind: (typeof VALID_KINDS)[number]) => {
    const key = keys[kind];
    return fc.constantFrom(`Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`, `bearer ${key}`, `Bearer   ${key}  `, `Basic ${Buffer.from(`fuzz:${key}`).toString('base64')}`).map((header) => ({ key: kind, header }));
  };
  const malformed = fc
    .constantFrom<string | string[]>(
      'Bearer',
      'Bearer ',
      'Bearer not-a-key',
      `Bearer sfk_${'a'.repeat(42)}!`,
      `Bearer ${keys.admin} extra`,
      `Bearer ${keys.admin.slice(0, -1)}`,
      keys.admin,
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      `Basic ${Buffer.from('user:').toString('base64')}`,
      'Token abc',
      `Bearer ${'x'.repeat(4_000)}`,
      'Bearer \u00e9\u00e9',
      ['Bearer junk', `Bearer ${keys.admin}`],
    )
    .map((header) => ({ key: 'malformed' as const, header }));
  const unknown = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((tail) => ({ key: 'unknown' as const, header: `Bearer sfk_${tail}` }));
  const revoked = fc.constant({ key: 'revoked' as const, header: `Bearer ${keys.revoked}` });
  const none = fc.constant({ key: 'none' as const });
  const accepted = (kind: string) => route.roles !== undefined && (route.roles.includes(kind) || (kind === 'admin' && route.roles.includes('reader')));
  return fc.oneof(
    { arbitrary: none, weight: route.roles === undefined ? 12 : 3 },
    { arbitrary: malformed, weight: 2 },
    { arbitrary: unknown, weight: 1 },
    { arbitrary: revoked, weight: 1 },
    ...VALID_KINDS.map((kind) => ({ arbitrary: valid(kind), weight: accepted(kind) ? 8 : 2 })),
  );
}

function parameterValue(parameter: RouteParameter, context: ValueContext): fc.Arbitrary<Part[]> {
  const valid = validValue(parameter.schema, context, parameter.name).map((value) =>
    (Array.isArray(value) ? value : [value]).map((v) => ({ text: `${percentEncode(parameter.name)}=${percentEncode(stringOf(v))}` })),
  );
  const hostile = hostileString().map((value) => [{ text: `${percentEncode(parameter.name)}=${percentEncode(value)}`, note: `${parameter.name}=${JSON.stringify(value.slice(0, 60))}` }]);
  const twice = fc
    .tuple(validValue(parameter.schema, context, parameter.name), fc.oneof(validValue(parameter.schema, context, parameter.name), hostileString()))
    .map(([a, b]) => [a, b].map((v) => ({ text: `${percentEncode(parameter.name)}=${percentEncode(stringOf(v))}`, note: `${parameter.name} twice` })));
  return fc.oneof(
    { arbitrary: fc.constant<Part[]>([]), weight: parameter.required ? 1 : 4 },
    { arbitrary: valid, weight: 10 },
    { arbitrary: hostile, weight: 2 },
    { arbitrary: twice, weight: 1 },
  );
}

function queryOf(route: FuzzRoute, context: ValueContext): fc.Arbitrary<Part[]> {
  const documented = route.parameters.filter((p) => p.in === 'query').map((p) => parameterValue(p, context));
  const extra = fc.oneof(
    fc.constantFrom(...RAW_QUERY).map((text) => ({ text, note: `raw query ${text}` })),
    fc.tuple(fc.constantFrom(...UNKNOWN_NAMES), fc.oneof(hostileString(), fc.constant('1'))).map(([name, value]) => ({ text: `${percentEncode(name)}=${percentEncode(value)}`, note: `unknown parameter ${name}` })),
  );
  return fc.tuple(fc.tuple(...documented), fc.oneof({ arbitrary: fc.constant([]), weight: 6 }, { arbitrary: fc.array(extra, { minLength: 1, maxLength: 3 }), weight: 1 })).map(([parts, extras]) => [...parts.flat(), ...extras]);
}

function pathOf(route: FuzzRoute, context: ValueContext): fc.Arbitrary<{ path: string; notes: string[] }> {
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const segment = (name: string) => {
    const parameter = route.parameters.find((p) => p.in === 'path' && p.name === name);
    return fc.oneof(
      { arbitrary: validValue(parameter?.schema, context, name).map((v): Part => ({ text: percentEncode(stringOf(v)) })), weight: 8 },
      { arbitrary: hostileString().map((v) => ({ text: percentEncode(v), note: `{${name}}=${JSON.stringify(v.slice(0, 60))}` })), weight: 2 },
      { arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((text) => ({ text, note: `{${name}} raw ${text.slice(0, 40)}` })), weight: 1 },
    );
  };
  return fc.tuple(...names.map(segment)).map((segments) => {
    let path = route.path;
    segments.forEach((s, i) => (path = path.replace(`{${names[i]!}}`, s.text)));
    return { path, notes: segments.flatMap((s) => (s.note === undefined ? [] : [s.note])) };
  });
}

/** The header parameters the route documents (binary-mode ce-* attributes of the ingest): values of the attribute they carry. */
function documentedHeaders(route: FuzzRoute, context: ValueContext): fc.Arbitrary<Record<string, string>> {
  const parameters = route.parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() !== 'content-encoding');
  if (parameters.length === 0) return fc.constant({});
  const value = (p: RouteParameter) => {
    const attribute = p.name.toLowerCase().replace(/^ce-/, '');
    const valid = validValue(p.schema, context, attribute === 'specversion' ? undefined : attribute).map((v) => bindingEncode(attribute === 'specversion' ? '1.0' : stringOf(v)));
    return fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: hostileString().map(bindingEncode), weight: 1 }, { arbitrary: fc.constantFrom('%zz', '%', '%E0%A4', '%00'), weight: 1 });
  };
  const present = fc
    .record(Object.fromEntries(parameters.map((p) => [p.name.toLowerCase(), value(p)])), { requiredKeys: [] })
    .map((headers) => Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)));
  return fc.oneof({ arbitrary: fc.constant<Record<string, string>>({}), weight: 3 }, { arbitrary: present, weight: 1 });
}

/** A header value as the CloudEvents HTTP binding writes it (3.1.3.2): space, '"', '%' and non-printable or non-ASCII bytes as %XX of UTF-8. */
function bindingEncode(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function extraHeaders(): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(EXTRA_HEADERS);
  return fc.oneof(
    { arbitrary: fc.constant({}), weight: 5 },
    {
      arbitrary: fc.subarray(entries, { minLength: 1, maxLength: 3 }).chain((chosen) =>
        fc.tuple(...chosen.map(([name, values]) => fc.oneof(fc.constantFrom(...values), hostileString()).map((v) => [name, headerValue(v)] as const))),
      ).map((pairs) => Object.fromEntries(pairs)),
      weight: 1,
    },
  );
}

/** A JSON body for a schema: valid, valid with one thing wrong, of the wrong type, or not JSON at all. */
function jsonBody(schema: JsonSchema | undefined, context: ValueContext): fc.Arbitrary<GeneratedBody> {
  const valid = validValue(schema, context);
  const json = (note: string) => (value: unknown) => ({ body: Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'), note });
  const resolved = schema === undefined ? undefined : context.resolve(schema);
  const many =
    resolved?.['type'] === 'array'
      ? [
          { arbitrary: fc.array(validValue(resolved['items'] as JsonSchema | undefined, context), { minLength: 100, maxLength: 300 }).map(json('100 to 300 valid items')), weight: 1 },
          { arbitrary: fc.constant(null).map(() => ({ body: Buffer.from(`[${'{},'.repeat(5_000)}{}]`), note: '5,001 empty items' })), weight: 1 },
        ]
      : [];
  return fc.oneof(
    { arbitrary: valid.map(json('valid JSON')), weight: 10 },
    { arbitrary: mutatedJson(valid).map(json('valid JSON with one thing wrong')), weight: 6 },
    { arbitrary: hostileJson().map(json('JSON of the wrong shape')), weight: 2 },
    { arbitrary: fc.constantFrom(...HOSTILE_JSON_TEXTS).map((text) => ({ body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), note: `not JSON: ${JSON.stringify(String(text).slice(0, 40))}` })), weight: 2 },
    ...many,
  );
}

/**
 * Binary content mode, when the route documents a ce-specversion header: a
 * valid structured event of the route's CloudEvents body, its attributes
 * moved into ce-* headers and its data sent as the body (a coherent event,
 * as the SDKs send it).
 */
function binaryMode(route: FuzzRoute, context: ValueContext): fc.Arbitrary<{ headers: Record<string, string>; body: GeneratedBody; contentType: string }> | undefined {
  if (!route.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'ce-specversion')) return undefined;
  const structured = route.bodies.find((b) => /cloudevents\+json$/i.test(b.mediaType));
  const dataType = route.bodies.find((b) => b.mediaType === 'application/json');
  if (structured === undefined || dataType === undefined) return undefined;
  return validValue(structured.schema, context).map((event) => {
    const { data, datacontenttype: _datacontenttype, ...attributes } = event as Record<string, unknown>;
    const headers = Object.fromEntries(Object.entries(attributes).map(([name, v]) => [`ce-${name}`, bindingEncode(stringOf(v))]));
    return { headers, body: { body: Buffer.from(JSON.stringify(data) ?? 'null'), note: 'binary mode' }, contentType: dataType.mediaType };
  });
}

function contentTypeOf(mediaType: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(mediaType, mediaType, mediaType, `${mediaType}; charset=utf-8`, `${mediaType};charset=UTF-8`, mediaType.toUpperCase(), `${mediaType};`), weight: 12 },
    { arbitrary: fc.constantFrom(`${mediaType}; charset=latin1`, `${mediaType}; charset=utf-16`, `${mediaType}; boundary=x; charset="utf-8"`), weight: 1 },
    { arbitrary: fc.constantFrom<string | undefined>(...WRONG_CONTENT_TYPES, undefined), weight: 2 },
  );
}

interface BodyChoice {
  readonly body?: GeneratedBody;
  readonly contentType?: string;
  readonly headers: Record<string, string>;
}

function bodyOf(route: FuzzRoute, world: FuzzWorld, context: ValueContext): fc.Arbitrary<BodyChoice> {
  const forMedia = (mediaType: string, schema: JsonSchema | undefined): fc.Arbitrary<GeneratedBody> =>
    /csv/i.test(mediaType) ? csvBody(world) : /json/i.test(mediaType) ? jsonBody(schema, context) : hostileString().map((s) => ({ body: Buffer.from(s), note: 'text' }));
  const stray = fc.oneof(jsonBody(undefined, context), csvBody(world));
  const none = fc.constant<BodyChoice>({ headers: {} });
  if (route.bodies.length === 0) {
    return fc.oneof(
      { arbitrary: none, weight: 20 },
      { arbitrary: fc.tuple(stray, fc.constantFrom('application/json', 'text/csv', 'text/plain')).map(([body, contentType]) => ({ body, contentType, headers: {} })), weight: 1 },
    );
  }
  const documented = route.bodies.map((b) => ({
    arbitrary: fc.tuple(forMedia(b.mediaType, b.schema), contentTypeOf(b.mediaType)).map(([body, contentType]) => ({ body, headers: {}, ...(contentType === undefined ? {} : { contentType }) })),
    weight: 8,
  }));
  const binary = binaryMode(route, context);
  return fc.oneof(
    ...documented,
    ...(binary === undefined ? [] : [{ arbitrary: binary, weight: 6 }]),
    { arbitrary: none, weight: 1 },
    { arbitrary: fc.tuple(stray, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([body, contentType]) => ({ body, contentType, headers: {} })), weight: 1 },
  );
}

/** Generated requests to one route: its path, query, headers, key and body, each valid-looking most of the time and hostile some of the time. */
export function requestsTo(route: FuzzRoute, world: FuzzWorld, context: ValueContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathOf(route, context),
      query: queryOf(route, context),
      auth: authorization(world.keys, route),
      documentedHeaders: documentedHeaders(route, context),
      extraHeaders: extraHeaders(),
      body: bodyOf(route, world, context),
      method: fc.oneof({ arbitrary: fc.constant(route.method), weight: 30 }, { arbitrary: fc.constantFrom(...OTHER_METHODS.filter((m) => m !== route.method)), weight: 1 }),
      chunked: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
    })
    .chain((r) =>
      (r.body.body === undefined ? fc.constant(undefined) : encodedBody(r.body.body.body)).map((encoded) => {
        const parts: Part[] = [];
        let length = r.path.path.length;
        for (const part of r.query) {
          if (length + part.text.length + 1 > MAX_PATH_LENGTH) break;
          parts.push(part);
          length += part.text.length + 1;
        }
        const headers: Record<string, string | string[]> = { ...r.extraHeaders, ...r.documentedHeaders, ...r.body.headers };
        if (r.auth.header !== undefined) headers['authorization'] = Array.isArray(r.auth.header) ? r.auth.header.map(headerValue) : headerValue(r.auth.header);
        if (r.body.contentType !== undefined) headers['content-type'] = headerValue(r.body.contentType);
        if (encoded?.contentEncoding !== undefined) headers['content-encoding'] = [encoded.contentEncoding].flat().map(headerValue);
        const notes = [
          ...r.path.notes,
          ...parts.flatMap((p) => (p.note === undefined ? [] : [p.note])),
          `key ${r.auth.key}`,
          ...(r.body.body === undefined ? [] : [`body: ${r.body.body.note}`, `encoding: ${encoded?.note ?? 'plain'}`]),
          ...(r.method === route.method ? [] : [`method ${r.method}`]),
        ];
        return {
          route,
          method: r.method,
          path: parts.length === 0 ? r.path.path : `${r.path.path}?${parts.map((p) => p.text).join('&')}`,
          headers,
          ...(encoded === undefined ? {} : { body: encoded.body }),
          chunked: r.chunked && encoded !== undefined,
          key: r.auth.key,
          note: notes.join('; '),
        };
      }),
    );
}
