import 'reflect-metadata';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Body, Controller, Get, Header, HttpCode, Module, Param, Post, Put, Res, UseGuards, type DynamicModule } from '@nestjs/common';
import { ApiKeyGuard, AuthModule, BrowserPage, RequireKey, type AuthOptions } from '../api-key.guard';
import { BROWSER_CHALLENGE } from '../request-key';
import { nestRoutes, routeKey } from './nest-routes';
import { generateOpenApi, jsonResponse, problemResponse, schemaRef, undescribedStatuses, type ServiceApi } from './openapi-document';

@Controller('v1/things')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
class ThingsController {
  @Get()
  list(): string[] {
    return [];
  }

  @Get(':id')
  one(@Param('id') id: string): string {
    return id;
  }

  @Post()
  @RequireKey('admin')
  create(@Body() body: unknown): unknown {
    return body;
  }

  @Put('import/:batch')
  @RequireKey('admin')
  @HttpCode(202)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  replace(@Param('batch') batch: string): string {
    return batch;
  }
}

@Controller()
class PingController {
  @Get('ping')
  ping(@Res() reply: { send(body: string): void }): void {
    reply.send('pong');
  }
}

@Controller('page')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
@BrowserPage()
class PageController {
  @Get()
  page(): string {
    return '<html></html>';
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

@Module({})
class ThingsModule {
  static forRoot(auth: AuthOptions): DynamicModule {
    return { module: ThingsModule, imports: [PingModule, AuthModule.forRoot(auth)], controllers: [ThingsController, PageController] };
  }
}

const THING = { type: 'object', properties: { id: { type: 'string' } } };

const API: ServiceApi = {
  info: { title: 'things', version: '1' },
  schemas: { Thing: THING },
  operations: {
    'GET /v1/things': { summary: 'all things', responses: { 200: jsonResponse('things', { type: 'array', items: schemaRef('Thing') }) } },
    'GET /v1/things/{id}': {
      summary: 'one thing',
      parameters: [{ name: 'id', in: 'path', description: 'its id', schema: { type: 'string', pattern: '^t' } }],
      responses: { 200: jsonResponse('the thing', schemaRef('Thing')), 404: problemResponse('no such thing') },
    },
    'POST /v1/things': { summary: 'a new thing', responses: { 201: jsonResponse('made', schemaRef('Thing')), 400: problemResponse('not a thing') } },
    'PUT /v1/things/import/{batch}': { summary: 'a batch', responses: { 202: { description: 'taken', content: { 'text/csv': {} } } } },
    'GET /page': { summary: 'a page', responses: { 200: { description: 'the page' } } },
    'GET /ping': { summary: 'pong', responses: { 200: { description: 'pong' } } },
  },
};

const routes = nestRoutes(ThingsModule.forRoot({ readKeysRequired: true, rateLimit: { perMinute: 600, burst: 100 } }));
const READER = { roles: ['reader'], open: false, basic: true, browserPage: false };
const ADMIN = { roles: ['admin'], open: false, basic: false, browserPage: false };

describe('nestRoutes', () => {
  it("reads every route of a module and of its imports from Nest's metadata", () => {
    expect(routes.map((route) => ({ ...route, controller: route.controller.name }))).toEqual([
      { method: 'get', url: '/v1/things', path: '/v1/things', pathParameters: [], controller: 'ThingsController', handler: 'list', keyRoles: ['reader'], keyAccess: READER, rateLimited: true, successStatus: 200, contentType: undefined, writesReply: false },
      { method: 'get', url: '/v1/things/:id', path: '/v1/things/{id}', pathParameters: ['id'], controller: 'ThingsController', handler: 'one', keyRoles: ['reader'], keyAccess: READER, rateLimited: true, successStatus: 200, contentType: undefined, writesReply: false },
      { method: 'post', url: '/v1/things', path: '/v1/things', pathParameters: [], controller: 'ThingsController', handler: 'create', keyRoles: ['admin'], keyAccess: ADMIN, rateLimited: true, successStatus: 201, contentType: undefined, writesReply: false },
      {
        method: 'put',
        url: '/v1/things/import/:batch',
        path: '/v1/things/import/{batch}',
        pathParameters: ['batch'],
        controller: 'ThingsController',
        handler: 'replace',
        keyRoles: ['admin'],
        keyAccess: ADMIN,
        rateLimited: true,
        successStatus: 202,
        contentType: 'text/csv; charset=utf-8',
        writesReply: false,
      },
      { method: 'get', url: '/page', path: '/page', pathParameters: [], controller: 'PageController', handler: 'page', keyRoles: ['reader'], keyAccess: { ...READER, browserPage: true }, rateLimited: true, successStatus: 200, contentType: undefined, writesReply: false },
      { method: 'get', url: '/ping', path: '/ping', pathParameters: [], controller: 'PingController', handler: 'ping', keyRoles: undefined, keyAccess: undefined, rateLimited: false, successStatus: 200, contentType: undefined, writesReply: true },
    ]);
    expect(routes.map(routeKey)).toEqual(['GET /v1/things', 'GET /v1/things/{id}', 'POST /v1/things', 'PUT /v1/things/import/{batch}', 'GET /page', 'GET /ping']);
  });

  it('reads the access of a service whose reads are open from its AuthModule, and refuses a keyed route without one', () => {
    const open = nestRoutes(ThingsModule.forRoot({ readKeysRequired: false }));
    expect(open.map((route) => [routeKey(route), route.keyAccess?.open, route.rateLimited])).toEqual([
      ['GET /v1/things', true, false],
      ['GET /v1/things/{id}', true, false],
      ['POST /v1/things', false, false],
      ['PUT /v1/things/import/{batch}', false, false],
      ['GET /page', true, false],
      ['GET /ping', undefined, false],
    ]);
    @Module({ controllers: [ThingsController] })
    class NoAuthModule {}
    expect(() => nestRoutes(NoAuthModule)).toThrow('ThingsController.list asks a key, but the module imports no AuthModule');
  });
});

describe('generateOpenApi', () => {
  const { document, problems } = generateOpenApi(routes, API);
  const operation = (path: string, method: string) => document.paths[path]?.[method] as Record<string, unknown>;

  it('finds nothing to say of a complete description', () => {
    expect(problems).toEqual([]);
  });

  it('adds what the route tells: path parameters, key roles, and the statuses of keys, bodies and failures', () => {
    expect(operation('/v1/things/{id}', 'get')['parameters']).toEqual([
      { name: 'id', in: 'path', required: true, description: 'its id', schema: { type: 'string', pattern: '^t' } },
    ]);
    // A read takes the key as a Bearer token, or from a browser as the password of Basic credentials; a write only as a Bearer token.
    expect(operation('/v1/things/{id}', 'get')['security']).toEqual([{ key: ['reader'] }, { browser: ['reader'] }]);
    expect(Object.keys(operation('/v1/things/{id}', 'get')['responses'] as object)).toEqual(['200', '401', '403', '404', '429', '500', '503']);
    expect(operation('/v1/things', 'post')['security']).toEqual([{ key: ['admin'] }]);
    expect(Object.keys(operation('/v1/things', 'post')['responses'] as object)).toEqual(['201', '400', '401', '403', '413', '415', '429', '500', '503']);
    expect(operation('/v1/things', 'get')['responses']).toHaveProperty(['401', 'headers', 'WWW-Authenticate', 'schema', 'const'], 'Bearer');
    expect(operation('/page', 'get')['responses']).toHaveProperty(['401', 'headers', 'WWW-Authenticate', 'schema', 'const'], BROWSER_CHALLENGE);
    // The description's own wording wins over the derived one.
    expect(operation('/v1/things', 'post')['responses']).toHaveProperty(['400', 'description'], 'not a thing');
    expect(operation('/ping', 'get')['security']).toEqual([]);
    expect(Object.keys(operation('/ping', 'get')['responses'] as object)).toEqual(['200', '500']);
    expect(document.components.securitySchemes).toHaveProperty(['key', 'scheme'], 'bearer');
    expect(document.components.securitySchemes).toHaveProperty(['browser', 'scheme'], 'basic');
  });

  it('lets reads go without a key, and never answers 401 to them, where the service opens its reads', () => {
    const open = generateOpenApi(nestRoutes(ThingsModule.forRoot({ readKeysRequired: false })), API).document;
    const read = open.paths['/v1/things/{id}']?.['get'] as Record<string, unknown>;
    expect(read['security']).toEqual([{ key: ['reader'] }, { browser: ['reader'] }, {}]);
    expect(Object.keys(read['responses'] as object)).toEqual(['200', '404', '500']);
    expect(open.paths['/v1/things']?.['post']?.['security']).toEqual([{ key: ['admin'] }]);
  });

  it('is valid OpenAPI 3.1, as the validator that rejects a broken one says', async () => {
    const validate = (value: unknown) => SwaggerParser.validate(structuredClone(value) as Parameters<typeof SwaggerParser.validate>[0]);
    await expect(validate(document)).resolves.toBeDefined();
    const broken = structuredClone(document);
    delete (broken.paths['/ping']!['get']!['responses'] as Record<string, { description?: string }>)['200']!.description;
    await expect(validate(broken)).rejects.toThrow(/description/);
  });

  it('tells a route without a description, and still lists it', () => {
    const { ['GET /ping']: _ping, ...rest } = API.operations;
    const result = generateOpenApi(routes, { ...API, operations: rest });
    expect(result.problems).toEqual(['GET /ping (PingController.ping): the route has no description']);
    expect(result.document.paths['/ping']?.['get']).toHaveProperty('summary', 'PingController.ping (not described)');
  });

  it('tells a description of a route that does not exist, and leaves it out', () => {
    const result = generateOpenApi(routes, { ...API, operations: { ...API.operations, 'DELETE /v1/things/{id}': { summary: 'gone', responses: { 204: { description: 'gone' } } } } });
    expect(result.problems).toEqual(['DELETE /v1/things/{id}: described, but no such route']);
    expect(result.document.paths['/v1/things/{id}']).not.toHaveProperty('delete');
  });

  it("tells a success status the route answers that is not described (POST without @HttpCode is 201)", () => {
    const result = generateOpenApi(routes, {
      ...API,
      operations: { ...API.operations, 'POST /v1/things': { summary: 'a new thing', responses: { 200: jsonResponse('made', schemaRef('Thing')) } } },
    });
    expect(result.problems).toEqual(['POST /v1/things (ThingsController.create): answers 201 (its default status), which is not described']);
  });

  it('tells a content type other than the one the route sends, a path parameter it lacks, and a reference to nothing', () => {
    const result = generateOpenApi(routes, {
      ...API,
      operations: {
        ...API.operations,
        'PUT /v1/things/import/{batch}': {
          summary: 'a batch',
          parameters: [{ name: 'id', in: 'path' }],
          responses: { 202: jsonResponse('taken', schemaRef('Batch')) },
        },
      },
    });
    expect(result.problems).toEqual([
      'PUT /v1/things/import/{batch} (ThingsController.replace): sends Content-Type text/csv, but 202 is described as application/json',
      'PUT /v1/things/import/{batch} (ThingsController.replace): describes a path parameter "id" the route does not have',
      '#/components/schemas/Batch: referenced, but no such component',
    ]);
  });

  it('tells a status found elsewhere (in the handler code) that is not described', () => {
    expect(undescribedStatuses(document, new Map([['GET /v1/things/{id}', [200, 404]], ['POST /v1/things', [201, 409]], ['GET /nothing', [200]]]))).toEqual([
      'POST /v1/things: can answer 409, which is not described',
      'GET /nothing: no such operation',
    ]);
  });
});
