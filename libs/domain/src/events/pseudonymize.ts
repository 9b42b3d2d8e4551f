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
  // a kind's cache is cleared when full), so the hot path computes few HMACs.
  // One cache per kind, keyed by the id itself: no key string to build per lookup.
  const caches: Record<PseudonymKind, Map<string, string>> = { user: new Map(), chat: new Map(), call: new Map() };
  return (kind, id) => {
    const cache = caches[kind];
    let pseudonym = cache.get(id);
    if (pseudonym === undefined) {
      pseudonym = createHmac('sha256', key).update(`${kind}:${id}`, 'utf8').digest('hex').slice(0, 32);
      if (cache.size >= cacheSize) cache.clear();
      cache.set(id, pseudonym);
    }
    return pseudonym;
  };
}
