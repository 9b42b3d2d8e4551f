import { bearerKey, generateApiKey, hashApiKey, looksLikeApiKey } from './api-key';

describe('api keys', () => {
  it('are random, well-formed, and stored only as their hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(4, 20));
    expect(a.prefix).toBe(a.key.slice(0, 12));
  });

  it('rejects malformed keys before any lookup', () => {
    for (const bad of ['', 'sfk_', 'sfk_short', `sfk_${'a'.repeat(42)}!`, `xyz_${'a'.repeat(43)}`]) {
      expect(looksLikeApiKey(bad)).toBe(false);
    }
  });

  it('reads the bearer key of an Authorization header', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer   abc ')).toBe('abc');
    expect(bearerKey('Basic abc')).toBeUndefined();
    expect(bearerKey('Bearer a b')).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });
});
