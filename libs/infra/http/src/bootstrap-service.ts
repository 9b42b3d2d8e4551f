import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@sferum/config';
import { createLogger, type LogLevelName } from '@sferum/infra-observability';
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
  /** An OpenAPI document served at /docs (UI) and /docs/json. */
  readonly openApi?: Record<string, unknown>;
}

/**
 * Creates a service's Nest application on Fastify: JSON logs, body limit,
 * SIGTERM/SIGINT close the app (clients in order) and exit 0. Not listening yet.
 */
export async function createServiceApp(module: Type | DynamicModule, settings: HttpSettings): Promise<NestFastifyApplication> {
  const logger = createLogger(settings.service, settings.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: settings.bodyLimitBytes ?? 1024 * 1024, trustProxy: true }),
    { logger, bufferLogs: true, abortOnError: false },
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
  app.useGlobalFilters(new ProblemFilter());
  if (settings.openApi !== undefined) {
    SwaggerModule.setup('docs', app, settings.openApi as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs/json' });
  }
  // app.close() runs the lifecycle hooks (onApplicationShutdown closes the
  // clients). Signals are handled here, not by Nest's enableShutdownHooks,
  // which re-raises the signal: the exit status then tells a clean stop
  // (0) from a kill.
  handleStopSignals(app, settings.service);
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
        logger.error(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
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
