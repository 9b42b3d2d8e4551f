/**
 * Bearer keys. A key is 32 random bytes, shown once at creation; only its
 * SHA-256 is stored (a key this random needs no slow hash). The first
 * characters are kept as a prefix to tell keys apart in listings.
 */
import { createHash, randomBytes } from 'node:crypto';

const KEY_PATTERN = /^sfk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  readonly key: string;
  readonly hash: string;
  readonly prefix: string;
}

export function generateApiKey(): NewApiKey {
  const key = `sfk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Cheap shape check before any lookup. */
export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** The key of an `Authorization: Bearer <key>` header, or undefined. */
export function bearerKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
