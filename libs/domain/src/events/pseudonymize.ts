import { createHmac } from 'node:crypto';

/** What a pseudonym stands for: the same id of two kinds gives unrelated pseudonyms. */
export type PseudonymKind = 'user' | 'chat' | 'call';

export type Pseudonymizer = (kind: PseudonymKind, id: string) => string;

/**
 * Keyed pseudonyms: HMAC-SHA-256(key, kind ":" id), the first 32 hex digits
 * (128 bits). Stable for one key, so counters can count distinct people;
 * without the key they cannot be reversed or recomputed from known ids.
 */
export function createPseudonymizer(key: string, cacheSize = 200_000): Pseudonymizer {
  if (key.length < 32) throw new RangeError('the pseudonymization key must have at least 32 characters');
  // The same people act again and again: remember recent pseudonyms (bounded;
  // cleared when full), so the hot path computes few HMACs.
  const cache = new Map<string, string>();
  return (kind, id) => {
    const input = `${kind}:${id}`;
    let pseudonym = cache.get(input);
    if (pseudonym === undefined) {
      pseudonym = createHmac('sha256', key).update(input, 'utf8').digest('hex').slice(0, 32);
      if (cache.size >= cacheSize) cache.clear();
      cache.set(input, pseudonym);
    }
    return pseudonym;
  };
}
