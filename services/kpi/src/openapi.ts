import { BANDS, KPI_IDS, ORG_CATEGORIES } from '@sferum/contracts';
import { GROUP_BYS } from '@sferum/domain';

const problem = { description: 'RFC 9457 problem details (application/problem+json)' };
const unitParameters = [
  { name: 'region', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{2}$' }, example: '54' },
  { name: 'groupBy', in: 'query', schema: { enum: GROUP_BYS }, description: 'one row per unit of this level' },
  { name: 'municipality', in: 'query', schema: { type: 'string' }, description: 'only this municipality' },
  { name: 'category', in: 'query', schema: { enum: ORG_CATEGORIES }, description: 'only organizations of this category' },
];
const week = { name: 'week', in: 'query', schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' }, example: '2023-W19', description: 'ISO week in the region zone; default: the last complete week' };

const kpiValue = {
  type: 'object',
  properties: {
    numerator: { type: 'integer' },
    denominator: { type: 'integer' },
    value: { type: ['number', 'null'], description: 'percent, rounded half-up to 2 decimals; null for an empty denominator' },
    band: { enum: [...BANDS, null], description: 'decided on the exact fraction with the thresholds in force on the week Monday' },
    previous: { type: ['number', 'null'], description: 'the value a week earlier' },
  },
};

/** The KPI service's API, served at /docs and /docs/json. */
export const KPI_OPENAPI: Record<string, unknown> = {
  openapi: '3.1.0',
  info: {
    title: 'Sferum KPI',
    version: '1',
    description:
      'Federal adoption indicators of the Sferum platform by region, municipality, category and organization, per ISO week in the region time zone. Nothing in any answer identifies a person. Read endpoints need a reader or admin key when the service runs with READ_KEYS_REQUIRED=true.',
  },
  components: { securitySchemes: { key: { type: 'http', scheme: 'bearer' } }, schemas: { KpiValue: kpiValue } },
  security: [{ key: [] }],
  paths: {
    '/v1/kpi': {
      get: {
        summary: 'Indicators and counters of the region, or one row per unit',
        parameters: [...unitParameters, week],
        responses: {
          '200': {
            description: 'rows with kpis (' + KPI_IDS.join(', ') + ') and counters',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    region: { type: 'string' },
                    week: { type: 'string' },
                    weekStart: { type: 'string', format: 'date' },
                    timeZone: { type: 'string' },
                    partial: { type: 'boolean', description: 'the week is not over yet' },
                    settings: { type: 'object' },
                    rows: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          level: { enum: ['region', ...GROUP_BYS] },
                          id: { type: 'string' },
                          name: { type: 'string' },
                          kpis: { type: 'object', additionalProperties: { $ref: '#/components/schemas/KpiValue' } },
                          counters: { type: 'object', additionalProperties: { type: 'integer' } },
                        },
                      },
                    },
                    unassigned: { type: 'object', properties: { events: { type: 'integer' } } },
                  },
                },
              },
            },
          },
          '400': problem,
          '401': problem,
        },
      },
    },
    '/v1/kpi/history': {
      get: {
        summary: 'Weekly series of one indicator',
        parameters: [
          ...unitParameters,
          { name: 'kpi', in: 'query', required: true, schema: { enum: KPI_IDS } },
          { name: 'from', in: 'query', required: true, schema: { type: 'string' }, example: '2023-W10' },
          { name: 'to', in: 'query', required: true, schema: { type: 'string' }, example: '2023-W19' },
        ],
        responses: { '200': { description: 'series per unit, at most 104 weeks' }, '400': problem },
      },
    },
    '/v1/kpi/export.csv': {
      get: {
        summary: 'The rows of /v1/kpi as CSV (UTF-8 with BOM); lang=ru for Russian headers',
        parameters: [...unitParameters, week, { name: 'lang', in: 'query', schema: { enum: ['en', 'ru'] } }],
        responses: { '200': { description: 'text/csv' }, '400': problem },
      },
    },
    '/v1/kpi/export.xlsx': {
      get: {
        summary: 'The rows of /v1/kpi as an Excel workbook',
        parameters: [...unitParameters, week, { name: 'lang', in: 'query', schema: { enum: ['en', 'ru'] } }],
        responses: { '200': { description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, '400': problem },
      },
    },
    '/v1/registry/regions': { get: { summary: 'Regions with their time zones', responses: { '200': { description: 'items' } } } },
    '/v1/registry/organizations/import': { post: { summary: 'Upsert organizations from CSV (admin key)', responses: { '200': { description: 'counts' }, '422': problem } } },
    '/v1/registry/organizations/export': { get: { summary: 'The registry CSV of a region', responses: { '200': { description: 'text/csv' } } } },
  },
};
