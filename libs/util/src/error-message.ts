import { maskCredentials } from './mask-credentials';

/**
 * The message of anything thrown: an Error's message, else the value as
 * text; the password of any URL in it masked (a driver's error can carry the
 * connection string it was given, and these messages are logged).
 */
export function errorMessage(error: unknown): string {
  return maskCredentials(error instanceof Error ? error.message : String(error));
}
