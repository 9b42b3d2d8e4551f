import { KEY_USE_INTERVAL_MS, KeyUseThrottle } from './key-use';

describe('KeyUseThrottle', () => {
  let now = 5_000_000;
  const throttle = (maxKeys?: number) => new KeyUseThrottle(() => now, maxKeys);

  beforeEach(() => {
    now = 5_000_000;
  });

  it('records a key at its first use, then at most once per interval', () => {
    const t = throttle();
    expect(t.shouldRecord(1)).toBe(true);
    expect(t.shouldRecord(1)).toBe(false);
    now += KEY_USE_INTERVAL_MS - 1;
    expect(t.shouldRecord(1)).toBe(false);
    now += 1;
    expect(t.shouldRecord(1)).toBe(true);
    expect(t.shouldRecord(1)).toBe(false);
  });

  it('keeps keys apart', () => {
    const t = throttle();
    expect(t.shouldRecord(1)).toBe(true);
    expect(t.shouldRecord(2)).toBe(true);
    expect(t.shouldRecord(1)).toBe(false);
    expect(t.shouldRecord(2)).toBe(false);
  });

  it('tries again at the next use after a recording failed', () => {
    const t = throttle();
    expect(t.shouldRecord(1)).toBe(true);
    t.failed(1);
    expect(t.shouldRecord(1)).toBe(true);
    expect(t.shouldRecord(1)).toBe(false);
  });

  it('forgets every key once it has seen its most keys, rather than growing (they are recorded again)', () => {
    const t = throttle(2);
    t.shouldRecord(1);
    t.shouldRecord(2);
    expect(t.shouldRecord(1)).toBe(false); // still known
    expect(t.shouldRecord(3)).toBe(true); // the third key: the others start again
    expect(t.shouldRecord(1)).toBe(true);
  });
});
