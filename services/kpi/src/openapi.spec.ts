import 'reflect-metadata';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEFAULT_KPI_SETTINGS, PROBLEM_SCHEMA } from '@sferum/contracts';
import { buildKpiRows, FEDERAL_THRESHOLDS_2023, NO_EVENT_FACTS, NO_REGISTRY_FACTS, NO_REGISTRY_ONBOARDING } from '@sferum/domain';
import { createServiceApp, generateOpenApi, nestRoutes, routeKey, undescribedStatuses, type RouteKey } from '@sferum/infra-http';
import { handlerStatuses, REPO_ROOT } from '@sferum/testing';
import { loadKpiConfig } from './kpi.config';
import { KpiModule } from './kpi.module';
import { KPI_API } from './openapi';

/**
 * The document at /docs/json against the service as Nest builds it, without
 * servers: routes from the controllers' metadata and from Fastify's route
 * table (Nest's preview mode: no provider is created, nothing connects),
 * statuses from the handlers' code.
 */
describe('the KPI OpenAPI document', () => {
  const config = loadKpiConfig({});
  const module = KpiModule.forRoot(config);
  const routes = nestRoutes(module);
  const { document, problems } = generateOpenApi(routes, KPI_API);
  let app: NestFastifyApplication;
  const served: string[] = [];

  beforeAll(async () => {
    app = await createServiceApp(module, { service: 'kpi', host: '127.0.0.1', port: 0, logLevel: 'error', openApi: KPI_API, preview: true });
    app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) served.push(`${method} ${route.url}`);
    });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('describes every route, and no route that does not exist', () => {
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/kpi', '/v1/registry/regions/{code}/settings', '/v1/alerts', '/report']));
  });

  it('has the routes Fastify serves, no more and no fewer', () => {
    // HEAD is Fastify's own twin of every GET; /docs is the document itself.
    const fastify = served.filter((route) => !route.startsWith('HEAD ') && !/^GET \/docs(\/|$)/.test(route));
    expect(new Set(fastify)).toEqual(new Set(routes.map((route) => `${route.method.toUpperCase()} ${route.url}`)));
    expect(fastify).toHaveLength(routes.length);
  });

  it('describes every status a handler can answer', async () => {
    const found = await handlerStatuses({
      tsconfig: join(REPO_ROOT, 'tsconfig.json'),
      rootFiles: [join(REPO_ROOT, 'services/kpi/src/kpi.module.ts')],
      handlers: routes.map((route) => `${route.controller.name}.${route.handler}`),
    });
    const statuses = new Map<RouteKey, number[]>(routes.map((route) => [routeKey(route), [...found.get(`${route.controller.name}.${route.handler}`)!.statuses]]));
    expect([...found.values()].flatMap((handler) => handler.unresolved)).toEqual([]);
    expect(undescribedStatuses(document, statuses)).toEqual([]);
    // The analysis finds what it must: problems thrown by helpers of other files, and by the handler itself.
    expect(statuses.get('GET /v1/kpi')).toEqual(expect.arrayContaining([400]));
    expect(statuses.get('POST /v1/registry/organizations/import')).toEqual(expect.arrayContaining([400, 415, 422]));
    expect(statuses.get('GET /health/ready')).toEqual(expect.arrayContaining([200, 503]));
  }, 60_000);

  it('asks a key where the routes do, with their roles', () => {
    const operation = (path: string, method: string) => document.paths[path]?.[method];
    expect(operation('/v1/kpi', 'get')?.['security']).toEqual([{ key: ['reader'] }, { browser: ['reader'] }]);
    expect(operation('/v1/registry/organizations/import', 'post')?.['security']).toEqual([{ key: ['admin'] }]);
    expect(operation('/health/ready', 'get')?.['security']).toEqual([]);
    expect(Object.keys(operation('/v1/registry/thresholds/{kpi}', 'put')?.['responses'] as object)).toEqual(['200', '400', '401', '403', '413', '415', '429', '500', '503']);
  });

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0])).resolves.toBeDefined();
  });

  it('is the document served at /docs/json', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(JSON.stringify(document)));
    expect(document.components.schemas['Problem']).toBe(PROBLEM_SCHEMA);
  });

  it('its KPI schemas accept a small cell (suppressed, withheld figures null) and a unit shown, and the settings with their minimum', () => {
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateFormats: false });
    ajv.addSchema({ $id: 'kpi-api', components: JSON.parse(JSON.stringify(document.components)) as unknown });
    const valid = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`kpi-api#/components/schemas/${name}`)!;
      return validate(value) ? true : validate.errors;
    };
    const teachers = (n: number) => ({ registeredUsers: n, registeredTeachers: n, registeredStudents: 0, registeredParents: 0, registeredTeachersWithoutHeadcount: n, teachers3Messages: n, teachers10Messages: n, teachers1Call: n, activeTeachers: n });
    const org = (orgId: string) => ({ orgId, orgName: orgId, municipalityId: 'm', municipalityName: 'm', category: 'general' as const, teacherHeadcount: null, facts: NO_REGISTRY_FACTS, onboarding: NO_REGISTRY_ONBOARDING });
    const rows = buildKpiRows({
      region: { code: '54', name: 'Новосибирская область' },
      organizations: [org('o4'), org('o5')],
      current: new Map([['org:o4', teachers(4)], ['org:o5', teachers(5)]]),
      previous: new Map(),
      activeOrgs: new Set(['o4', 'o5']),
      previousActiveOrgs: new Set(),
      orgFacts: NO_EVENT_FACTS,
      previousOrgFacts: NO_EVENT_FACTS,
      groupBy: 'organization',
      scope: {},
      teacherDenominator: 'registered',
      minTeacherDenominator: DEFAULT_KPI_SETTINGS.minTeacherDenominator,
      thresholds: FEDERAL_THRESHOLDS_2023,
      weekMonday: '2023-05-08',
      previousWeekMonday: '2023-05-01',
    });
    expect(rows.map((r) => r.suppressed)).toEqual(['small_cell', undefined]);
    for (const row of rows) expect(valid('KpiRow', row)).toBe(true);
    expect(valid('KpiRow', { ...rows[1], suppressed: 'hidden' })).not.toBe(true);
    expect(valid('HistoryPoint', { period: 'week', week: '2023-W19', weekStart: '2023-05-08', partial: false, numerator: null, denominator: 4, value: null, band: null, suppressed: 'small_cell' })).toBe(true);
    expect(valid('HistoryPoint', { period: 'month', month: '2023-04', monthStart: '2023-04-01', partial: false, numerator: 1, denominator: 4, value: 25, band: null })).toBe(true);
    expect(valid('HistoryPoint', { period: 'month', month: '2023-W19', partial: false, numerator: 1, denominator: 4, value: 25, band: null })).not.toBe(true);
    expect(valid('KpiSettings', DEFAULT_KPI_SETTINGS)).toBe(true);
    expect(valid('KpiSettings', { ...DEFAULT_KPI_SETTINGS, minTeacherDenominator: 0 })).not.toBe(true);
  });
});
