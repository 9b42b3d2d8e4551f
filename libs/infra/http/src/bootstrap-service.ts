import 'reflect-metadata';
import { inspect } from 'node:util';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@sferum/config';
import { errorMessage, maskCredentials } from '@sferum/util';
import { createLogger, type LogLevelName, type ReplyLike } from '@sferum/infra-observability';
import { KeyAuthenticator, type AuthenticatedRequest } from './api-key.guard';
import { contentCodings, decodedBody, type ContentCoding } from './content-encoding';
import { generateOpenApi, type ServiceApi } from './openapi/openapi-document';
import { nestRoutes, routeKey, type NestRoute, type RouteKey } from './openapi/nest-routes';
import { PROBLEM_CONTENT_TYPE, ProblemException, ProblemFilter, problemDocument } from './problem.filter';

export interface HttpSettings {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevelName;
  /** Largest request body accepted, bytes: of every route and content type but the text bodies of the routes listed below. */
  readonly bodyLimitBytes?: number;
  /**
   * Content types read as a plain string body (for example text/csv), with
   * their own size limit on the `routes` listed ("POST /v1/registry/organizations/import");
   * every other route reads such a body up to bodyLimitBytes. Without
   * `routes`, every route may read it up to its limit.
   */
  readonly textBodies?: readonly { readonly contentType: string; readonly limitBytes: number; readonly routes?: readonly RouteKey[] }[];
  /** More content types parsed as JSON (for example application/cloudevents+json), under bodyLimitBytes. */
  readonly jsonContentTypes?: readonly string[];
  /**
   * The API's description table: the OpenAPI 3.1 document generated from it
   * and the module's routes is served at /docs (UI) and /docs/json.
   */
  readonly openApi?: ServiceApi;
  /**
   * Nest's preview mode: no provider is instantiated and nothing connects;
   * the routes are there after app.init(), to be inspected or injected by
   * tests. Such an app cannot serve a handler that needs a provider.
   */
  readonly preview?: boolean;
}

/**
 * How long the server keeps an idle keep-alive connection, ms. A client
 * that reuses a connection the server is closing gets "other side closed",
 * so the server must idle longer than any client: undici (Node's fetch)
 * keeps an idle connection 4 s when the server sends no hint, proxies and
 * load balancers commonly 60 s. Node announces it (`Keep-Alive: timeout=75`),
 * undici then keeps the connection 2 s less, and Node 20.20 closes 1 s
 * after the announced time. Explicit, not a default: Fastify 5's is 72 s
 * but Node's own is 5 s, only 1 s above undici's. No larger headersTimeout
 * is needed: Node 20 times headers only while a request arrives, not on an
 * idle connection between requests.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 75_000;

/**
 * Creates a service's Nest application on Fastify: JSON logs, body limit,
 * SIGTERM/SIGINT close the app (clients in order) and exit 0. Not listening yet.
 */
export async function createServiceApp(module: Type | DynamicModule, settings: HttpSettings): Promise<NestFastifyApplication> {
  const logger = createLogger(settings.service, settings.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({
      bodyLimit: settings.bodyLimitBytes ?? 1024 * 1024,
      trustProxy: true,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Errors Fastify raises before routing (a path with bad percent-encoding):
      // a problem document like every other error, not Fastify's own JSON.
      frameworkErrors: (error: { readonly statusCode?: number; readonly message: string }, _request: unknown, fastifyReply: unknown) => {
        const reply = fastifyReply as ReplyLike;
        const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
        reply.status(status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemDocument(status, { detail: error.message })));
      },
    }),
    { logger, bufferLogs: true, abortOnError: false, preview: settings.preview ?? false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const routes = nestRoutes(module);
  // Fastify's route table names a route by its URL pattern (/v1/registry/regions/:code); HEAD is its twin of GET.
  const byFastifyRoute = new Map(routes.map((route) => [`${route.method.toUpperCase()} ${route.url}`, route]));
  const routeOf = (request: FastifyRequest): NestRoute | undefined =>
    byFastifyRoute.get(`${request.method === 'HEAD' ? 'GET' : request.method} ${request.routeOptions.url ?? ''}`);
  for (const text of settings.textBodies ?? []) {
    for (const key of text.routes ?? []) {
      if (!routes.some((route) => routeKey(route) === key)) throw new Error(`textBodies: ${text.contentType} is allowed on ${key}, which no route answers`);
    }
    fastify.addContentTypeParser(text.contentType, { parseAs: 'string', bodyLimit: text.limitBytes }, (_request, body, done) => {
      done(null, body);
    });
  }
  for (const type of settings.jsonContentTypes ?? []) {
    fastify.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        // The same error Fastify raises for application/json: answered 400.
        done(Object.assign(new Error(`the body is not valid JSON: ${(error as Error).message}`), {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        }), undefined);
      }
    });
  }
  if (settings.preview !== true && routes.some((route) => route.keyAccess !== undefined)) checkKeysBeforeBodies(app, routeOf);
  // The size limit of a request's body: its route's for its content type.
  // Fastify holds each content type to its parser's limit on every route;
  // this holds the other routes to the small limit before a byte is read.
  const bodyLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  const textBodies = (settings.textBodies ?? []).map((text) => ({ ...text, contentType: text.contentType.toLowerCase() }));
  const bodyLimitOf = (request: FastifyRequest): number => {
    const mediaType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const text = textBodies.find((t) => t.contentType === mediaType);
    if (text === undefined) return bodyLimit;
    if (text.routes === undefined) return text.limitBytes;
    const route = routeOf(request);
    return route !== undefined && text.routes.includes(routeKey(route)) ? text.limitBytes : bodyLimit;
  };
  // Content-Encoding (gzip, deflate, br): decoded as a stream before the
  // parsers, the body limit applied to the decoded size too (a gzip bomb is
  // a 413, not an out-of-memory); another coding is a 415. A body of unknown
  // length is counted against the limit as it arrives.
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    let codings: ContentCoding[];
    try {
      codings = contentCodings(request.headers['content-encoding']);
    } catch (error) {
      done(error as Error);
      return;
    }
    const limit = bodyLimitOf(request);
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      // Answered from the declared length; the connection is then closed rather than the body read through.
      void reply.header('Connection', 'close');
      done(new ProblemException(413, `the body is larger than the limit of ${limit} bytes of this route`));
      return;
    }
    const unknownLength = declared === undefined && request.headers['transfer-encoding'] !== undefined;
    done(null, codings.length > 0 || unknownLength ? decodedBody(payload, codings, limit) : payload);
  });
  app.useGlobalFilters(new ProblemFilter());
  if (settings.openApi !== undefined) {
    // Generated from the routes as Nest declares them: what it cannot match
    // (a route without a description, a description without a route) is
    // logged here and fails the service's openapi spec.
    const { document, problems } = generateOpenApi(routes, settings.openApi);
    for (const problem of problems) new Logger('openapi').warn(problem);
    SwaggerModule.setup('docs', app, document as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs/json' });
  }
  // app.close() runs the lifecycle hooks (onApplicationShutdown closes the
  // clients). Signals are handled here, not by Nest's enableShutdownHooks,
  // which re-raises the signal: the exit status then tells a clean stop
  // (0) from a kill.
  if (settings.preview !== true) handleStopSignals(app, settings.service);
  return app;
}

/** What the hooks read of Fastify's request (the package is Nest's adapter's dependency, not ours). */
interface FastifyRequest {
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly routeOptions: { readonly url?: string | undefined };
}

/** A refused request declaring a body larger than this is answered on a connection then closed, not read to its end. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * Keys are checked when a request's headers have arrived, before its body
 * is read or parsed (a Fastify onRequest hook): an unauthenticated client
 * cannot make the service read or parse a large body. The check is the
 * KeyAuthenticator's, for the access the route's metadata asks (the guard
 * then finds the request admitted). A refused request with a large body
 * gets `Connection: close`: the rest of the body is never read.
 */
function checkKeysBeforeBodies(app: NestFastifyApplication, routeOf: (request: FastifyRequest) => NestRoute | undefined): void {
  // A route asks a key only in a module tree with AuthModule (nestRoutes refuses one without), which provides this.
  const authenticator = app.get(KeyAuthenticator, { strict: false });
  app.getHttpAdapter().getInstance().addHook('onRequest', async (request, reply) => {
    const access = routeOf(request)?.keyAccess;
    if (access === undefined) return;
    try {
      await authenticator.admit(access, request as unknown as AuthenticatedRequest);
    } catch (error) {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > DRAIN_LIMIT_BYTES || request.headers['transfer-encoding'] !== undefined) void reply.header('Connection', 'close');
      throw error;
    }
  });
}

/** How long a stop may take before the process gives up and exits 1. */
const STOP_TIMEOUT_MS = 25_000;

function handleStopSignals(app: INestApplication, service: string): void {
  const logger = new Logger(service);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    const timer = setTimeout(() => {
      logger.error(`did not stop within ${STOP_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => {
        logger.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`error while stopping: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export async function listen(app: INestApplication, settings: HttpSettings): Promise<void> {
  await app.listen(settings.port, settings.host);
  new Logger(settings.service).log(`listening on http://${settings.host}:${settings.port}`);
}

/**
 * Runs a service's start function; a configuration error is printed as the
 * list of bad variables (no stack trace) and exits with status 78 (EX_CONFIG).
 * Any other error is printed whole but with the password of any URL in it
 * masked: a driver's error may hold the connection string.
 */
export function runService(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    console.error(maskCredentials(inspect(error)));
    process.exit(1);
  });
}
