import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { maskCredentials } from '@sferum/util';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const NEST_LEVELS: Record<LogLevelName, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/**
 * Nest's console logger with the password of any URL masked in what it
 * prints (messages, stacks, errors): every log line of a service passes
 * here, including Nest's own report of a provider that failed to start.
 */
class MaskingLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(masked(message), ...rest.map(masked));
  }
  override error(message: unknown, ...rest: unknown[]): void {
    super.error(masked(message), ...rest.map(masked));
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(masked(message), ...rest.map(masked));
  }
  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(masked(message), ...rest.map(masked));
  }
  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(masked(message), ...rest.map(masked));
  }
  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(masked(message), ...rest.map(masked));
  }
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskCredentials(value);
  if (value instanceof Error) {
    const copy = new Error(maskCredentials(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : maskCredentials(value.stack);
    return copy;
  }
  return value;
}

/** One JSON object a line on stdout: what log shippers expect. */
export function createLogger(service: string, level: LogLevelName): ConsoleLogger {
  return new MaskingLogger(service, { json: true, logLevels: NEST_LEVELS[level], colors: false });
}
