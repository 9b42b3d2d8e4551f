import { DATA_SCHEMAS, ENVELOPE_SCHEMA, EVENT_TYPES } from '@sferum/contracts';

const problem = {
  description: 'RFC 9457 problem details',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
    },
  },
};

const withoutId = <T extends { $id?: string }>(schema: T): Omit<T, '$id'> => {
  const { $id: _id, ...rest } = schema;
  return rest;
};

const eventSchema = {
  allOf: [{ $ref: '#/components/schemas/CloudEventEnvelope' }],
  oneOf: EVENT_TYPES.map((type) => ({
    properties: { type: { const: type }, data: { $ref: `#/components/schemas/${type}` } },
  })),
};

/** The public contract of the ingest service, served at /docs and /docs/json. */
export const INGEST_OPENAPI: Record<string, unknown> = {
  openapi: '3.1.0',
  info: {
    title: 'Sferum KPI ingest',
    version: '1',
    description: [
      'Upstream systems push user, message and call events as CloudEvents 1.0 (JSON).',
      '',
      'A 200 means every accepted event is durably in Kafka (acknowledged by all in-sync replicas).',
      'A 503 (with Retry-After) means none of the request is stored. Events are deduplicated downstream by',
      '(source, CloudEvent source, id), so a client may always retry a whole request safely.',
      'Message text is never accepted: an event whose data carries text, content or body is rejected.',
      'User, chat and call ids are pseudonymized (HMAC-SHA-256) before they reach Kafka.',
    ].join('\n'),
  },
  components: {
    securitySchemes: { sourceKey: { type: 'http', scheme: 'bearer', description: 'the key of a registered source' } },
    schemas: {
      CloudEventEnvelope: withoutId(ENVELOPE_SCHEMA),
      ...Object.fromEntries(EVENT_TYPES.map((type) => [type, withoutId(DATA_SCHEMAS[type])])),
      CloudEvent: eventSchema,
      IngestResult: {
        type: 'object',
        required: ['accepted', 'rejected', 'rejections'],
        properties: {
          accepted: { type: 'integer', description: 'events durably in Kafka' },
          rejected: { type: 'integer' },
          rejections: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                index: { type: 'integer', description: 'position in the batch' },
                id: { type: ['string', 'null'] },
                reason: { type: 'string', example: 'data.role: expected one of teacher, student, parent, admin' },
              },
            },
          },
        },
      },
    },
  },
  security: [{ sourceKey: [] }],
  paths: {
    '/v1/events': {
      post: {
        summary: 'Push events',
        requestBody: {
          required: true,
          content: {
            'application/cloudevents+json': { schema: { $ref: '#/components/schemas/CloudEvent' } },
            'application/cloudevents-batch+json': { schema: { type: 'array', maxItems: 5000, items: { $ref: '#/components/schemas/CloudEvent' } } },
            'application/json': { schema: { type: 'array', maxItems: 5000, items: { $ref: '#/components/schemas/CloudEvent' } } },
          },
        },
        responses: {
          '200': { description: 'per-event results; every accepted event is in Kafka', content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResult' } } } },
          '400': { ...problem, description: 'not JSON, empty, or the wrong shape for the content type' },
          '401': { ...problem, description: 'missing, unknown or revoked key' },
          '403': { ...problem, description: 'not a source key' },
          '413': { ...problem, description: 'over the body size (5 MiB) or batch size (5,000 events)' },
          '415': { ...problem, description: 'unsupported content type' },
          '422': { description: 'every event of the request was rejected', content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResult' } } } },
          '429': { ...problem, description: 'over the source rate limit; see Retry-After' },
          '503': { ...problem, description: 'Kafka did not acknowledge; nothing stored; see Retry-After' },
        },
      },
    },
  },
};
