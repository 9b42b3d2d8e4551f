import { DATA_SCHEMAS, ENVELOPE_SCHEMA, EVENT_TYPES, INGEST_RESULT_SCHEMA } from '@sferum/contracts';
import { BATCH_MEDIA_TYPE, JSON_MEDIA_TYPE, STRUCTURED_MEDIA_TYPE } from '@sferum/domain';
import { jsonResponse, OBSERVABILITY_OPERATIONS, problemResponse, RETRY_AFTER_HEADER, schemaRef, type ServiceApi } from '@sferum/infra-http';
import { type IngestConfig } from './ingest.config';

/** What of the configuration the document states. */
export type IngestLimits = Pick<IngestConfig, 'MAX_BODY_BYTES' | 'MAX_BATCH_EVENTS'>;

const BINARY_HEADERS = [
  ['ce-specversion', '1.0: the request is in binary mode (one event; its data is the body)'],
  ['ce-id', 'the event id (binary mode)'],
  ['ce-source', 'the event source (binary mode)'],
  ['ce-type', 'the event type (binary mode)'],
  ['ce-time', 'RFC 3339 with an offset (binary mode)'],
] as const;

/**
 * The ingest service's API, without what its routes say themselves (the
 * paths, the key each needs, the success status): the OpenAPI 3.1 document
 * is generated from this and the routes, served at /docs and /docs/json.
 * Schemas are the contract's own (libs/contracts), not copies.
 */
export function ingestApi(limits: IngestLimits): ServiceApi {
  const batch = { type: 'array', minItems: 1, maxItems: limits.MAX_BATCH_EVENTS, items: schemaRef('CloudEvent') };
  return {
    info: {
      title: 'Sferum KPI ingest',
      version: '1',
      description: [
        'Upstream systems push user, message and call events as CloudEvents 1.0 (JSON), in any content mode of the HTTP binding.',
        '',
        'A 200 means every accepted event is durably in Kafka (acknowledged by all in-sync replicas).',
        'A 503 (with Retry-After) means none of the request is stored. Events are deduplicated downstream by',
        '(source, CloudEvent source, id), so a client may always retry a whole request safely.',
        'Message text is never accepted: an event whose data carries text, content or body is rejected.',
        'User, chat and call ids are pseudonymized (HMAC-SHA-256) before they reach Kafka.',
      ].join('\n'),
    },
    schemas: {
      CloudEventEnvelope: ENVELOPE_SCHEMA,
      ...Object.fromEntries(EVENT_TYPES.map((type) => [type, DATA_SCHEMAS[type]])),
      CloudEvent: {
        description: 'An event of contract v1: the envelope, with the data schema of its type',
        allOf: [schemaRef('CloudEventEnvelope')],
        oneOf: EVENT_TYPES.map((type) => ({ properties: { type: { const: type }, data: schemaRef(type) } })),
      },
      IngestResult: INGEST_RESULT_SCHEMA,
    },
    operations: {
      'POST /v1/events': {
        summary: 'Push events',
        tags: ['events'],
        description: [
          `Content modes: structured (${STRUCTURED_MEDIA_TYPE}, one event), batched (${BATCH_MEDIA_TYPE}),`,
          `binary (ce-* headers, the body is the data as ${JSON_MEDIA_TYPE}, one event) and a plain ${JSON_MEDIA_TYPE} array;`,
          `any of them may be gzip, deflate or br compressed (Content-Encoding). At most ${limits.MAX_BATCH_EVENTS} events`,
          `and ${limits.MAX_BODY_BYTES} bytes (decoded) a request.`,
        ].join(' '),
        parameters: [
          ...BINARY_HEADERS.map(([name, description]) => ({ name, in: 'header' as const, description, schema: { type: 'string' } })),
          { name: 'Content-Encoding', in: 'header', description: 'a compressed body', schema: { enum: ['gzip', 'deflate', 'br', 'identity'] } },
        ],
        requestBody: {
          required: true,
          content: {
            [STRUCTURED_MEDIA_TYPE]: { schema: schemaRef('CloudEvent') },
            [BATCH_MEDIA_TYPE]: { schema: batch },
            [JSON_MEDIA_TYPE]: {
              schema: {
                oneOf: [
                  { ...batch, description: 'a batch of events' },
                  { description: 'binary mode (a ce-specversion header): the data of one event', anyOf: EVENT_TYPES.map((type) => schemaRef(type)) },
                ],
              },
            },
          },
        },
        responses: {
          200: jsonResponse('per-event results; every accepted event is in Kafka', schemaRef('IngestResult')),
          400: problemResponse('not JSON, empty, not UTF-8, or not a content mode the body fits (for example an array as one event)'),
          401: problemResponse('missing, unknown or revoked key'),
          403: problemResponse('not a source key'),
          413: problemResponse(`over ${limits.MAX_BODY_BYTES} bytes (decoded) or over ${limits.MAX_BATCH_EVENTS} events`),
          415: problemResponse('a content type or content encoding the route does not read'),
          422: jsonResponse('every event of the request was rejected; nothing stored', schemaRef('IngestResult')),
          429: problemResponse('over the source rate limit; nothing stored', RETRY_AFTER_HEADER),
          503: problemResponse('Kafka did not acknowledge; nothing stored', RETRY_AFTER_HEADER),
        },
      },
      ...OBSERVABILITY_OPERATIONS,
    },
  };
}
