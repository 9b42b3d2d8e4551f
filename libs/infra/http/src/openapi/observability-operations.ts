import { objectSchema } from '@sferum/contracts';
import { type CheckResult } from '@sferum/infra-observability';
import { jsonResponse, type OperationDescription } from './openapi-document';
import { type RouteKey } from './nest-routes';

const CHECK_RESULT_SCHEMA = objectSchema<CheckResult>(
  {
    status: { enum: ['up', 'down'] },
    error: { type: 'string', description: 'why the check failed' },
    ms: { type: 'integer', minimum: 0, description: 'how long the check took' },
  },
  { optional: { error: true } },
);

const readiness = (status: 'ready' | 'not_ready') => ({
  type: 'object',
  required: ['status'],
  properties: {
    status: { const: status },
    checks: { type: 'object', additionalProperties: CHECK_RESULT_SCHEMA, description: 'each dependency check and its error: only with an admin key' },
  },
});

/** The routes of HealthModule and MetricsModule, the same in every service. */
export const OBSERVABILITY_OPERATIONS: Readonly<Partial<Record<RouteKey, OperationDescription>>> = {
  'GET /health/live': {
    summary: 'The process is up and its event loop turns',
    tags: ['operations'],
    responses: { 200: jsonResponse('live', { type: 'object', required: ['status'], properties: { status: { const: 'live' } } }) },
  },
  'GET /health/ready': {
    summary: 'Every dependency of the service answers',
    description: 'The status to anyone; which check failed, and its error, only with an admin key (Authorization: Bearer <key>), where the service has keys.',
    tags: ['operations'],
    responses: {
      200: jsonResponse('every check is up', readiness('ready')),
      503: jsonResponse('at least one check is down; with an admin key, the body names it', readiness('not_ready')),
    },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics of the service',
    tags: ['operations'],
    responses: { 200: { description: 'the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  },
};
