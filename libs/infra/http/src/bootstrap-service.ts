import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@sferum/config';
import { errorMessage } from '@sferum/util';
import { createLogger, type LogLevelName } from '@sferum/infra-observability';
import { contentCodings, decodedBody, type ContentCoding } from './content-encoding';
import { generateOpenApi, type ServiceApi } from './openapi/openapi-document';
import { nestRoutes } from './openapi/nest-routes';
import { ProblemFilter } from './problem.filter';

export interface HttpSettings {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevelName;
  /** Largest request body accepted, bytes. */
  readonly bodyLimitBytes?: number;
  /** Content types read as a plain string body (for example text/csv), with their own size limit. */
  readonly textBodies?: readonly { readonly contentType: string; readonly limitBytes: number }[];
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
    new FastifyAdapter({ bodyLimit: settings.bodyLimitBytes ?? 1024 * 1024, trustProxy: true, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }),
    { logger, bufferLogs: true, abortOnError: false, preview: settings.preview ?? false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  for (const text of settings.textBodies ?? []) {
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
  // Content-Encoding (gzip, deflate, br): decoded as a stream before the
  // parsers, the body limit applied to the decoded size too (a gzip bomb is
  // a 413, not an out-of-memory); another coding is a 415.
  const bodyLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  const textLimits = new Map((settings.textBodies ?? []).map((text) => [text.contentType.toLowerCase(), text.limitBytes]));
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    let codings: ContentCoding[];
    try {
      codings = contentCodings(request.headers['content-encoding']);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (codings.length === 0) {
      done(null, payload);
      return;
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    done(null, decodedBody(payload, codings, textLimits.get(mediaType) ?? bodyLimit));
  });
  app.useGlobalFilters(new ProblemFilter());
  if (settings.openApi !== undefined) {
    // Generated from the routes as Nest declares them: what it cannot match
    // (a route without a description, a description without a route) is
    // logged here and fails the service's openapi spec.
    const { document, problems } = generateOpenApi(nestRoutes(module), settings.openApi);
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
 */
export function runService(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    console.error(error);
    process.exit(1);
  });
}
