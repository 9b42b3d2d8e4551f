import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  let now = 0;
  const buckets = () => new TokenBuckets({ ratePerSecond: 100, burst: 1_000 }, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('starts full and allows a burst, then refuses with the wait until enough tokens', () => {
    const b = buckets();
    expect(b.take('s', 1_000)).toEqual({ ok: true });
    expect(b.take('s', 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('s', 500)).toEqual({ ok: false, retryAfterSeconds: 5 });
  });

  it('refills at the rate, up to the burst', () => {
    const b = buckets();
    b.take('s', 1_000);
    now += 2_500; // 250 tokens
    expect(b.take('s', 250)).toEqual({ ok: true });
    expect(b.take('s', 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 3_600_000;
    expect(b.take('s', 1_000)).toEqual({ ok: true });
  });

  it('keeps keys apart', () => {
    const b = buckets();
    b.take('a', 1_000);
    expect(b.take('b', 1_000)).toEqual({ ok: true });
  });

  it('a request larger than the burst can never pass', () => {
    expect(buckets().take('s', 1_001)).toEqual({ ok: false, retryAfterSeconds: Number.POSITIVE_INFINITY });
  });

  it('a refused request takes nothing', () => {
    const b = buckets();
    b.take('s', 900);
    expect(b.take('s', 200).ok).toBe(false);
    expect(b.take('s', 100)).toEqual({ ok: true });
  });

  it('rejects nonsense limits', () => {
    expect(() => new TokenBuckets({ ratePerSecond: 0, burst: 10 })).toThrow(RangeError);
  });
});
