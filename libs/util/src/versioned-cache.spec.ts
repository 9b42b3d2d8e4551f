import { VersionedCache } from './versioned-cache';

describe('VersionedCache', () => {
  it('answers the kept value for the same key and version, and computes again for another version', async () => {
    const cache = new VersionedCache<number>(10);
    let computed = 0;
    const compute = () => Promise.resolve(++computed);
    expect(await cache.get('a', 'v1', compute)).toBe(1);
    expect(await cache.get('a', 'v1', compute)).toBe(1);
    expect(await cache.get('a', 'v2', compute)).toBe(2);
    expect(await cache.get('a', 'v2', compute)).toBe(2);
    expect(await cache.get('a', 'v1', compute)).toBe(3); // an older version is not kept beside the newer
    expect(await cache.get('b', 'v1', compute)).toBe(4);
    expect(cache.stats()).toEqual({ hits: 2, misses: 4, entries: 2 });
  });

  it('shares one computation between concurrent gets', async () => {
    const cache = new VersionedCache<string>(10);
    let release: (v: string) => void = () => undefined;
    let computed = 0;
    const compute = () => {
      computed++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.get('k', 'v', compute);
    const second = cache.get('k', 'v', compute);
    release('x');
    expect(await Promise.all([first, second])).toEqual(['x', 'x']);
    expect(computed).toBe(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = new VersionedCache<number>(10);
    await expect(cache.get('k', 'v', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', 'v', () => Promise.resolve(7))).toBe(7);
    expect(cache.stats().entries).toBe(1);
  });

  it('keeps at most maxEntries keys, dropping the least recently used', async () => {
    const cache = new VersionedCache<string>(2);
    const value = (v: string) => () => Promise.resolve(v);
    await cache.get('a', '1', value('a1'));
    await cache.get('b', '1', value('b1'));
    await cache.get('a', '1', value('a-again')); // a is now the most recent
    await cache.get('c', '1', value('c1')); // drops b
    expect(await cache.get('a', '1', value('a-new'))).toBe('a1');
    expect(await cache.get('b', '1', value('b-new'))).toBe('b-new');
    expect(cache.stats().entries).toBe(2);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new VersionedCache(0)).toThrow();
    expect(() => new VersionedCache(1.5)).toThrow();
  });
});
