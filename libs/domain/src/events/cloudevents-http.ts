/**
 * The receiving side of the CloudEvents HTTP protocol binding 1.0.2: which
 * content mode a request uses and the events it carries, as plain values for
 * the one validation and normalization path (EventValidator, normalizeEvent).
 * Whatever the mode, an event ends up as the same object a structured
 * request would carry, so its answer is the same.
 *
 * Modes, decided as the binding says (3.3): by the media type first, then by
 * the ce- headers:
 * - batched:    Content-Type application/cloudevents-batch+json, a JSON array;
 * - structured: Content-Type application/cloudevents+json, one JSON object;
 * - binary:     a ce-specversion header; the attributes are ce-* headers
 *               (percent-encoded, 3.1.3.2), the body is `data` and
 *               Content-Type its `datacontenttype`; one event a request;
 * - plain JSON: application/json without ce-specversion, an array (contract
 *               v1 before the binding modes; kept).
 */

export type HttpContentMode = 'binary' | 'structured' | 'batch' | 'json-array';

/** Request headers as Node gives them: lower-case names. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type HttpEvents =
  | { readonly ok: true; readonly mode: HttpContentMode; readonly events: readonly unknown[] }
  | { readonly ok: false; readonly status: 400 | 415; readonly detail: string };

export const STRUCTURED_MEDIA_TYPE = 'application/cloudevents+json';
export const BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';
export const JSON_MEDIA_TYPE = 'application/json';

const CE_PREFIX = 'ce-';
/** Attributes that binary mode carries outside the ce- headers: the body and Content-Type. */
const NOT_IN_HEADERS = new Set(['data', 'data_base64', 'datacontenttype']);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** The media type (lower case, no parameters) and charset of a Content-Type value. */
export function parseContentType(value: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = '', ...parameters] = (value ?? '').split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const at = parameter.indexOf('=');
    if (at < 0) continue;
    if (parameter.slice(0, at).trim().toLowerCase() === 'charset') {
      charset = parameter.slice(at + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

/**
 * The events of one POST /v1/events request, from its headers and its body
 * as the HTTP layer parsed it (JSON values for the JSON media types). A
 * request that cannot be read as any mode is a 400 or 415 with a detail
 * saying what to send instead.
 */
export function eventsOfHttpRequest(headers: HttpHeaders, body: unknown): HttpEvents {
  const contentType = single(headers['content-type']);
  const { mediaType, charset } = parseContentType(contentType);
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    return refuse(415, `charset=${charset}: JSON is read as UTF-8; send charset=utf-8 or no charset`);
  }
  if (mediaType === BATCH_MEDIA_TYPE) {
    if (!Array.isArray(body)) return refuse(400, `${BATCH_MEDIA_TYPE} must be a JSON array of events; send one event as ${STRUCTURED_MEDIA_TYPE}`);
    return { ok: true, mode: 'batch', events: body };
  }
  if (mediaType === STRUCTURED_MEDIA_TYPE) {
    if (Array.isArray(body)) return refuse(400, `${STRUCTURED_MEDIA_TYPE} carries one event; send a batch as ${BATCH_MEDIA_TYPE}`);
    return { ok: true, mode: 'structured', events: [body] };
  }
  if (mediaType.startsWith('application/cloudevents')) {
    return refuse(415, `${mediaType}: only the JSON event format is read; send ${STRUCTURED_MEDIA_TYPE} or ${BATCH_MEDIA_TYPE}`);
  }
  if (headers['ce-specversion'] !== undefined) return binaryEvent(headers, contentType, body);
  if (mediaType === JSON_MEDIA_TYPE) {
    if (!Array.isArray(body)) {
      return refuse(
        400,
        `${JSON_MEDIA_TYPE} without ce- headers must be a JSON array of events; send one event as ${STRUCTURED_MEDIA_TYPE}, or in binary mode with ce-specversion, ce-id, ce-source, ce-type and ce-time headers`,
      );
    }
    return { ok: true, mode: 'json-array', events: body };
  }
  return refuse(
    415,
    `send ${STRUCTURED_MEDIA_TYPE}, ${BATCH_MEDIA_TYPE} or ${JSON_MEDIA_TYPE} (an array), or one event in binary mode (ce-* headers, the data as ${JSON_MEDIA_TYPE})`,
  );
}

/** Binary mode (binding 3.1): the attributes from the ce- headers, data from the body. */
function binaryEvent(headers: HttpHeaders, contentType: string | undefined, body: unknown): HttpEvents {
  const event: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(CE_PREFIX) || raw === undefined) continue;
    const attribute = name.slice(CE_PREFIX.length);
    if (attribute.length === 0) return refuse(400, `${name}: a ce- header names an attribute, for example ce-id`);
    if (NOT_IN_HEADERS.has(attribute)) {
      return refuse(400, `${name}: in binary mode the body is the data and Content-Type its datacontenttype; send no ${name} header`);
    }
    if (typeof raw !== 'string') return refuse(400, `${name}: given more than once`);
    const value = percentDecoded(raw);
    if (value === undefined) return refuse(400, `${name}: not valid percent-encoding (CloudEvents HTTP binding 3.1.3.2: encode space, " and % as %20, %22, %25, other characters as UTF-8 %XX)`);
    event[attribute] = value;
  }
  if (contentType !== undefined) event['datacontenttype'] = contentType;
  if (body !== undefined) event['data'] = body;
  return { ok: true, mode: 'binary', events: [event] };
}

/** A header value with its %XX sequences decoded as UTF-8; undefined when they are malformed. */
export function percentDecoded(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

function refuse(status: 400 | 415, detail: string): HttpEvents {
  return { ok: false, status, detail };
}
