import 'reflect-metadata';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DATA_SCHEMAS, ENVELOPE_SCHEMA, EVENT_TYPES, INGEST_RESULT_SCHEMA } from '@sferum/contracts';
import { createServiceApp, generateOpenApi, nestRoutes, routeKey, undescribedStatuses, type RouteKey } from '@sferum/infra-http';
import { handlerStatuses, REPO_ROOT } from '@sferum/testing';
import { loadIngestConfig } from './ingest.config';
import { IngestModule } from './ingest.module';
import { ingestApi } from './openapi';

/**
 * The document at /docs/json against the service as Nest builds it, without
 * servers: routes from the controllers' metadata and from Fastify's route
 * table (Nest's preview mode: no provider is created, nothing connects),
 * statuses from the handlers' code.
 */
describe('the ingest OpenAPI document', () => {
  const config = loadIngestConfig({ PSEUDONYM_KEY: 'openapi-spec-key-'.padEnd(48, 'k') });
  const module = IngestModule.forRoot(config);
  const routes = nestRoutes(module);
  const api = ingestApi(config);
  const { document, problems } = generateOpenApi(routes, api);
  let app: NestFastifyApplication;
  const served: string[] = [];

  beforeAll(async () => {
    app = await createServiceApp(module, { service: 'ingest', host: '127.0.0.1', port: 0, logLevel: 'error', openApi: api, preview: true });
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
    expect(Object.keys(document.paths)).toContain('/v1/events');
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
      rootFiles: [join(REPO_ROOT, 'services/ingest/src/ingest.module.ts')],
      handlers: routes.map((route) => `${route.controller.name}.${route.handler}`),
    });
    const statuses = new Map<RouteKey, number[]>(routes.map((route) => [routeKey(route), [...found.get(`${route.controller.name}.${route.handler}`)!.statuses]]));
    expect([...found.values()].flatMap((handler) => handler.unresolved)).toEqual([]);
    expect(undescribedStatuses(document, statuses)).toEqual([]);
    // The analysis finds what it must: the problems of the handler and of the service it calls.
    expect(statuses.get('POST /v1/events')).toEqual(expect.arrayContaining([200, 400, 403, 413, 415, 422, 429, 503]));
  }, 60_000);

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0])).resolves.toBeDefined();
  });

  it('is the document served at /docs/json', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('publishes the contract schemas themselves, not copies', () => {
    const schemas = document.components.schemas;
    for (const type of EVENT_TYPES) expect(schemas[type]).toBe(DATA_SCHEMAS[type]);
    expect(schemas['CloudEventEnvelope']).toBe(ENVELOPE_SCHEMA);
    expect(schemas['IngestResult']).toBe(INGEST_RESULT_SCHEMA);
  });
});
