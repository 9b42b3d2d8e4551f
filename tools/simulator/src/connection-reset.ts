/**
 * A pooled keep-alive connection can be closed by the server at the moment
 * the client reuses it: client and server each time the idle connection
 * with their own clock, and a client whose event loop was busy (the
 * simulator generating events) may not yet have read the server's FIN. The
 * request then fails before any answer, in Node's fetch (undici) as
 * "other side closed" (UND_ERR_SOCKET) or as ECONNRESET / EPIPE. Sent once
 * more it goes on a new connection. Only for requests that are safe to
 * repeat: the first may have reached the server.
 */
const RESET_CODES: ReadonlySet<string> = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/**
 * Whether `error` (or one of its causes) says the connection closed under
 * the request. Read by shape, not `instanceof`: fetch's errors may come
 * from another realm (as under Jest).
 */
export function isConnectionReset(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if ((typeof code === 'string' && RESET_CODES.has(code)) || message === 'other side closed') return true;
    current = cause;
  }
  return false;
}

/**
 * Runs `send`; when it fails with a reset connection, runs it once more
 * (at once: the cause is a stale connection, not an outage) and calls
 * `onRetry` first. Any other failure, or a second reset, is thrown.
 */
export async function retryOnceOnReset<T>(send: () => Promise<T>, onRetry?: (error: unknown) => void): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isConnectionReset(error)) throw error;
    onRetry?.(error);
    return send();
  }
}
