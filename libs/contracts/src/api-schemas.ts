/**
 * JSON Schemas of the HTTP answers shared by the services, the schema
 * components of their OpenAPI documents (served at /docs/json).
 */
import { type EventRejection, type IngestResult } from './events/event-types';
import { objectSchema, type JsonSchema } from './json-schema';

/** RFC 9457 problem details: the body of every error answer, as application/problem+json. */
export const PROBLEM_SCHEMA: JsonSchema = {
  title: 'Problem details (RFC 9457)',
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'about:blank: the status says what happened' },
    title: { type: 'string', description: 'the reason phrase of the status', examples: ['Bad Request'] },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'what was wrong, in words a person can act on' },
    parameter: { type: 'string', description: 'the query parameter at fault, when there is one' },
  },
  // Extensions, such as the row problems of a registry import.
  additionalProperties: true,
};

export const EVENT_REJECTION_SCHEMA = objectSchema<EventRejection>({
  index: { type: 'integer', minimum: 0, description: 'position in the batch' },
  id: { type: ['string', 'null'], description: 'the CloudEvent id, when the event had one' },
  reason: { type: 'string', examples: ['data.role: expected one of teacher, student, parent, admin'] },
});

export const INGEST_RESULT_SCHEMA = objectSchema<IngestResult>(
  {
    accepted: { type: 'integer', minimum: 0, description: 'events durably in Kafka' },
    rejected: { type: 'integer', minimum: 0 },
    rejections: { type: 'array', items: EVENT_REJECTION_SCHEMA },
  },
  { title: 'The answer of POST /v1/events' },
);
