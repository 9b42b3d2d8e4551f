/**
 * Passwords of URLs kept out of every message: configuration errors, start-up
 * and connection errors, logs. DATABASE_URL, CLICKHOUSE_URL and webhook URLs
 * may carry credentials (postgres://user:secret@host/db), and a driver's
 * error can carry the connection string it was given.
 *
 *   postgres://user:secret@host/db        -> postgres://user:***@host/db
 *   postgres://host/db?password=secret    -> postgres://host/db?password=***
 *
 * The user name stays (it tells which account failed); everything between
 * its colon and the last "@" is masked, so a password holding "/", "@" or
 * "#" unencoded (an invalid URL, which is when it gets printed) is masked
 * whole.
 */

const MASK = '***';

/** Query parameters whose value is a secret (libpq's password and sslpassword, tokens, keys). */
const SECRET_PARAMETER = /([?&;][^=&;#\s"'<>`]*(?:password|passwd|pwd|secret|token|key)[^=&;#\s"'<>`]*=)[^&;#\s"'<>`]*/gi;

/** A URL written in a longer text: a scheme, "//", then anything but white space, quotes and angle brackets. */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]*/g;

/**
 * One value meant as a URL, valid or not (a configuration variable): its
 * password and secret query parameters masked. A value without "://" is
 * returned as it is.
 */
export function maskUrl(value: string): string {
  const schemeEnd = value.indexOf('://');
  if (schemeEnd < 0) return value;
  const start = schemeEnd + 3;
  let rest = value.slice(start);
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    if (colon >= 0) rest = `${userInfo.slice(0, colon + 1)}${MASK}${rest.slice(at)}`;
  }
  return value.slice(0, start) + rest.replace(SECRET_PARAMETER, `$1${MASK}`);
}

/** Every URL in a text (a message, a stack trace, JSON) masked as maskUrl does. */
export function maskCredentials(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, maskUrl) : text;
}
