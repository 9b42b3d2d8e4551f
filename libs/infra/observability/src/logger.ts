import { ConsoleLogger, type LogLevel } from '@nestjs/common';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const NEST_LEVELS: Record<LogLevelName, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** One JSON object a line on stdout: what log shippers expect. */
export function createLogger(service: string, level: LogLevelName): ConsoleLogger {
  return new ConsoleLogger(service, { json: true, logLevels: NEST_LEVELS[level], colors: false });
}
