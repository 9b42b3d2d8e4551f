import { CloudEvent, HTTP } from 'cloudevents';
import { eventsOfHttpRequest, parseContentType, percentDecoded, type HttpHeaders } from './cloudevents-http';
import { EventValidator } from './event-validation';

const validator = new EventValidator();

const attributes = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'urn:sferum:bus',
  type: 'ru.sferum.message.sent',
  time: '2023-05-14T16:59:59.000Z',
};
const data = { userId: 'teacher-1', chatId: 'chat-9', chatKind: 'group', orgId: 'nsk-1' };

/** Node's view of a request: lower-case header names. */
const lower = (headers: Record<string, string | string[] | undefined>): HttpHeaders =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/** The body as the HTTP layer hands it over: JSON media types parsed. */
const parsed = (body: unknown): unknown => (typeof body === 'string' ? JSON.parse(body) : body);

const eventsOf = (headers: Record<string, string | string[] | undefined>, body: unknown) => {
  const result = eventsOfHttpRequest(lower(headers), body);
  if (!result.ok) throw new Error(`refused: ${result.detail}`);
  return result;
};

const reasonOf = (event: unknown): string => {
  const valid = validator.validate(event);
  return valid.ok ? 'valid' : valid.rejection.reason;
};

describe('CloudEvents HTTP binding: content modes', () => {
  it('binary mode (the SDK): attributes from the ce- headers, data from the body, Content-Type as datacontenttype', () => {
    const message = HTTP.binary(new CloudEvent({ ...attributes, data }));
    const result = eventsOf(message.headers, parsed(message.body));
    expect(result.mode).toBe('binary');
    expect(result.events).toEqual([{ ...attributes, datacontenttype: 'application/json; charset=utf-8', data }]);
    expect(reasonOf(result.events[0])).toBe('valid');
  });

  it('structured mode (the SDK), with or without a charset', () => {
    const message = HTTP.structured(new CloudEvent({ ...attributes, data }));
    expect(message.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    const withCharset = eventsOf(message.headers, parsed(message.body));
    const without = eventsOf({ 'content-type': 'application/cloudevents+json' }, parsed(message.body));
    expect(withCharset).toEqual({ ok: true, mode: 'structured', events: [{ ...attributes, data }] });
    expect(without).toEqual(withCharset);
  });

  it('batched mode and the plain JSON array', () => {
    const events = [{ ...attributes, data }, { ...attributes, id: 'evt-2', data }];
    expect(eventsOf({ 'content-type': 'application/cloudevents-batch+json' }, events)).toEqual({ ok: true, mode: 'batch', events });
    expect(eventsOf({ 'content-type': 'application/json' }, events)).toEqual({ ok: true, mode: 'json-array', events });
  });

  it('decides application/json by ce-specversion: binary (one event) with it, an array without', () => {
    const headers = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': 's', 'ce-type': attributes.type, 'ce-time': attributes.time };
    const binary = eventsOf(headers, [1, 2]);
    expect(binary.mode).toBe('binary');
    expect(binary.events).toHaveLength(1);
    // An array as data is the event's problem, answered per event as in every mode.
    expect(reasonOf(binary.events[0])).toBe('data: expected object');
    expect(eventsOfHttpRequest({ 'content-type': 'application/json' }, data)).toMatchObject({ ok: false, status: 400 });
  });

  it('the media type decides before the ce- headers (binding 3.3): structured with stray ce- headers stays structured', () => {
    const result = eventsOf({ 'content-type': 'application/cloudevents+json', 'ce-specversion': '1.0', 'ce-id': 'other' }, { ...attributes, data });
    expect(result).toEqual({ ok: true, mode: 'structured', events: [{ ...attributes, data }] });
  });

  it('percent-decodes binary header values as UTF-8 (binding 3.1.3.2)', () => {
    const result = eventsOf(
      { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'a%20b%25c', 'ce-source': 'urn:%D1%88%D0%BA%D0%BE%D0%BB%D0%B0' },
      data,
    );
    expect(result.events[0]).toMatchObject({ id: 'a b%c', source: 'urn:школа' });
    expect(percentDecoded('plain')).toBe('plain');
    expect(percentDecoded('%E0%A4%A')).toBeUndefined();
    expect(eventsOfHttpRequest({ 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': '100%' }, data)).toMatchObject({
      ok: false,
      status: 400,
      detail: expect.stringContaining('ce-id: not valid percent-encoding'),
    });
  });

  it('refuses what no mode can read: 415 for other media types and charsets, 400 for the wrong shape or a body attribute in a header', () => {
    const refused = (headers: Record<string, string>, body: unknown) => eventsOfHttpRequest(lower(headers), body);
    expect(refused({ 'content-type': 'text/plain' }, 'x')).toMatchObject({ ok: false, status: 415 });
    expect(refused({}, undefined)).toMatchObject({ ok: false, status: 415 });
    expect(refused({ 'content-type': 'application/cloudevents+xml' }, '<x/>')).toMatchObject({ ok: false, status: 415 });
    expect(refused({ 'content-type': 'application/cloudevents+json; charset=iso-8859-1' }, {})).toMatchObject({ ok: false, status: 415 });
    expect(refused({ 'content-type': 'application/cloudevents+json' }, [])).toMatchObject({ ok: false, status: 400 });
    expect(refused({ 'content-type': 'application/cloudevents-batch+json' }, {})).toMatchObject({ ok: false, status: 400 });
    for (const header of ['ce-data', 'ce-datacontenttype', 'ce-data_base64', 'ce-']) {
      expect(refused({ 'content-type': 'application/json', 'ce-specversion': '1.0', [header]: 'x' }, data)).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('an extension attribute is refused the same way in every mode: "<name>: unknown field"', () => {
    const event = new CloudEvent({ ...attributes, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', data });
    const binary = HTTP.binary(event);
    expect(binary.headers['ce-traceparent']).toBeDefined();
    const structured = HTTP.structured(event);
    const reasons = [
      eventsOf(binary.headers, parsed(binary.body)).events[0],
      eventsOf(structured.headers, parsed(structured.body)).events[0],
      eventsOf({ 'content-type': 'application/cloudevents-batch+json' }, [parsed(structured.body)]).events[0],
    ].map(reasonOf);
    expect(reasons).toEqual(['traceparent: unknown field', 'traceparent: unknown field', 'traceparent: unknown field']);
  });

  it('reads media types case-insensitively with their charset', () => {
    expect(parseContentType('Application/CloudEvents+JSON; Charset="UTF-8"')).toEqual({ mediaType: 'application/cloudevents+json', charset: 'utf-8' });
    expect(parseContentType(undefined)).toEqual({ mediaType: '', charset: undefined });
  });
});
