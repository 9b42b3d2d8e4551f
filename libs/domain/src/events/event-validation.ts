import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { DATA_SCHEMAS, ENVELOPE_SCHEMA, EVENT_TYPES, FORBIDDEN_DATA_FIELDS, type AnyCloudEventV1, type EventType } from '@sferum/contracts';

/** Why an event was rejected: a low-cardinality code (metrics) and a reason a person can act on. */
export interface Rejection {
  readonly code: RejectionCode;
  readonly reason: string;
}

export type RejectionCode = 'not_an_object' | 'schema' | 'message_text' | 'time' | 'region_not_allowed';

/**
 * Validates CloudEvents of contract v1 against the compiled JSON Schemas
 * (ajv compiles each schema once to a function; nothing is reflected per
 * request). Reports the first problem of an event as "path: what was
 * expected", for example "data.role: expected one of teacher, student, parent, admin".
 */
export class EventValidator {
  private readonly envelope: ValidateFunction;
  private readonly data: Record<EventType, ValidateFunction>;

  constructor() {
    const ajv = new Ajv({ allErrors: false, strict: true, useDefaults: false });
    this.envelope = ajv.compile(ENVELOPE_SCHEMA);
    this.data = Object.fromEntries(EVENT_TYPES.map((type) => [type, ajv.compile(DATA_SCHEMAS[type])])) as Record<EventType, ValidateFunction>;
  }

  validate(event: unknown): { ok: true; event: AnyCloudEventV1 } | { ok: false; rejection: Rejection } {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, rejection: { code: 'not_an_object', reason: 'an event must be a JSON object' } };
    }
    const data = (event as { data?: unknown }).data;
    if (typeof data === 'object' && data !== null) {
      const carried = FORBIDDEN_DATA_FIELDS.find((field) => field in data);
      if (carried !== undefined) {
        return {
          ok: false,
          rejection: {
            code: 'message_text',
            reason: `data.${carried}: message text is never accepted; send only ids, chatKind and messageKind`,
          },
        };
      }
    }
    if (!this.envelope(event)) return { ok: false, rejection: { code: 'schema', reason: describe(this.envelope.errors, '') } };
    const typed = event as AnyCloudEventV1;
    const validateData = this.data[typed.type];
    if (!validateData(typed.data)) return { ok: false, rejection: { code: 'schema', reason: describe(validateData.errors, 'data') } };
    return { ok: true, event: typed };
  }
}

function describe(errors: ErrorObject[] | null | undefined, root: string): string {
  const error = errors?.[0];
  if (error === undefined) return 'invalid event';
  const path = [root, ...error.instancePath.split('/').filter((p) => p.length > 0)].filter((p) => p.length > 0).join('.');
  const at = (field: string) => [path, field].filter((p) => p.length > 0).join('.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at(String(params['missingProperty']))}: required`;
    case 'additionalProperties':
      return `${at(String(params['additionalProperty']))}: unknown field`;
    case 'enum':
      return `${path || 'value'}: expected one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'const':
      return `${path || 'value'}: expected "${String(params['allowedValue'])}"`;
    case 'type':
      return `${path || 'event'}: expected ${String(params['type'])}`;
    case 'pattern':
      return `${path}: expected 1 to 128 characters of A-Z a-z 0-9 . _ : -`;
    case 'minLength':
      return `${path}: must not be empty`;
    case 'maxLength':
      return `${path}: must be at most ${String(params['limit'])} characters`;
    default:
      return `${path || 'event'}: ${error.message ?? 'invalid'}`;
  }
}
