import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type ReplyLike } from '@sferum/infra-observability';

/** RFC 9457 problem details: what every error of the APIs looks like. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

/** An HTTP error whose body is a problem document, with optional extensions. */
export class ProblemException extends HttpException {
  constructor(status: number, detail: string, extensions: Record<string, unknown> = {}, readonly headers: Record<string, string> = {}) {
    super({ detail, ...extensions }, status);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem document of a status (its title) with the body's detail and extensions. */
export function problemDocument(status: number, body: Record<string, unknown>): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, ...body };
}

/** The media type of every error answer. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: Record<string, unknown> = {};
    let headers: Record<string, string> = {};
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      if (exception instanceof ProblemException) {
        body = response as Record<string, unknown>;
        headers = exception.headers;
      } else if (typeof response === 'string') {
        body = { detail: response };
      } else {
        const message = (response as { message?: unknown }).message;
        body = {
          detail: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message,
        };
      }
    } else if (isFastifyError(exception)) {
      // Errors raised by Fastify before a handler ran: body too large, bad JSON, unknown type.
      status = exception.statusCode;
      body = { detail: exception.message };
    } else if (isDependencyUnavailable(exception)) {
      // ClickHouse or PostgreSQL out of reach: the request may succeed later.
      this.logger.warn(`a dependency is unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      status = HttpStatus.SERVICE_UNAVAILABLE;
      body = { detail: 'a database this service reads is unavailable; retry later' };
      headers = { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_S) };
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      body = { detail: 'an unexpected error; it has been logged' };
    }
    const problem = problemDocument(status, body);
    let chain = reply.status(status).header('Content-Type', PROBLEM_CONTENT_TYPE);
    for (const [name, value] of Object.entries(headers)) chain = chain.header(name, value);
    chain.send(JSON.stringify(problem));
  }
}

function isFastifyError(error: unknown): error is { statusCode: number; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
    (error as { statusCode: number }).statusCode >= 400 &&
    (error as { statusCode: number }).statusCode < 500 &&
    typeof (error as { code?: unknown }).code === 'string' &&
    String((error as { code: string }).code).startsWith('FST_')
  );
}

/** Seconds a client is asked to wait when a database is out of reach. */
const DEPENDENCY_RETRY_AFTER_S = 5;

/** Socket errors of a database connection that is refused, reset or timed out. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * Whether an error says a database could not be reached (a socket error, or
 * the ClickHouse client's "Timeout error." and "socket hang up"), directly or
 * as the cause of another error: answered 503 with Retry-After, not 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && /^(Timeout error\.?|socket hang up)$/i.test(message.trim())) return true;
    current = cause;
  }
  return false;
}
