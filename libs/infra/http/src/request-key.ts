import { bearerKey } from '@sferum/domain';

/**
 * The challenge of a 401 on a page people open in a browser: a browser
 * cannot send a Bearer header when it follows a link, but it answers a
 * Basic challenge with a login prompt, and then sends the same credentials
 * with every request under the page's path (RFC 7617 section 2.2), so the
 * page's JSON and CSV links work too. The user name is not looked at; the
 * key is the password.
 */
export const BROWSER_CHALLENGE = 'Basic realm="Sferum report", charset="UTF-8"';
/** The challenge of a 401 everywhere else (RFC 6750). */
export const BEARER_CHALLENGE = 'Bearer';

/**
 * The key a request presents: `Authorization: Bearer <key>`, or, when
 * `basic` is allowed, `Authorization: Basic base64(<any user>:<key>)`.
 * Undefined when there is none or the header is malformed.
 */
export function presentedKey(authorization: string | string[] | undefined, options: { readonly basic: boolean }): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (header === undefined) return undefined;
  const bearer = bearerKey(header);
  if (bearer !== undefined || !options.basic) return bearer;
  return basicPassword(header);
}

/** The password of `Basic <base64(user:password)>` (RFC 7617), or undefined. */
function basicPassword(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (match === null) return undefined;
  const encoded = match[1]!;
  if (encoded.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const password = decoded.slice(colon + 1);
  return password.length > 0 ? password : undefined;
}
