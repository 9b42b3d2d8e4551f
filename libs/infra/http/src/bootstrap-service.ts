import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@sferum/config';
import { createLogger, type LogLevelName } from '@sferum/infra-observability';

export interface HttpSettings {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevelName;
  /** Largest request body accepted, bytes. */
  readonly bodyLimitBytes?: number;
}

/**
 * Creates a service's Nest application on Fastify: JSON logs, body limit,
 * shutdown hooks (SIGTERM/SIGINT close clients in order). Not listening yet.
 */
export async function createServiceApp(module: Type | DynamicModule, settings: HttpSettings): Promise<NestFastifyApplication> {
  const logger = createLogger(settings.service, settings.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: settings.bodyLimitBytes ?? 1024 * 1024, trustProxy: true }),
    { logger, bufferLogs: true, abortOnError: false },
  );
  app.enableShutdownHooks();
  return app;
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
