import Ajv from 'ajv';
import { INGEST_RESULT_SCHEMA, PROBLEM_SCHEMA } from './api-schemas';
import { type IngestResult } from './events/event-types';
import { objectSchema } from './json-schema';

describe('API schemas', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });

  it('objectSchema requires every property not named optional, and closes the shape', () => {
    expect(objectSchema<{ a: number; b?: string }>({ a: { type: 'integer' }, b: { type: 'string' } }, { optional: { b: true } })).toEqual({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'integer' }, b: { type: 'string' } },
      additionalProperties: false,
    });
  });

  it('the ingest answer schema accepts what POST /v1/events answers, and nothing else', () => {
    const validate = ajv.compile(INGEST_RESULT_SCHEMA);
    const answer: IngestResult = { accepted: 1, rejected: 1, rejections: [{ index: 1, id: null, reason: 'data.role: expected one of teacher' }] };
    expect(validate(answer)).toBe(true);
    expect(validate({ accepted: 1, rejected: 0 })).toBe(false);
    expect(validate({ ...answer, extra: true })).toBe(false);
    expect(validate({ ...answer, rejections: [{ index: -1, id: 'x', reason: 'r' }] })).toBe(false);
  });

  it('the problem schema accepts a problem with extensions', () => {
    const validate = ajv.compile(PROBLEM_SCHEMA);
    expect(validate({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'region: required', parameter: 'region' })).toBe(true);
    expect(validate({ type: 'about:blank', title: 'OK', status: 200 })).toBe(false);
  });
});
