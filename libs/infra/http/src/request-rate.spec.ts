import { RequestRateLimiter, tooManyRequests } from './request-rate';

describe('RequestRateLimiter', () => {
  let now = 1_000_000;
  const limiter = (maxClients?: number) => new RequestRateLimiter({ perMinute: 60, burst: 2 }, () => now, maxClients);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a client make a burst of requests, then says how long to wait for the next', () => {
    const l = limiter();
    expect(l.take('key:1')).toEqual({ ok: true });
    expect(l.take('key:1')).toEqual({ ok: true });
    expect(l.take('key:1')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000; // one request a second refills one token
    expect(l.take('key:1')).toEqual({ ok: true });
    expect(l.take('key:1')).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('keeps clients apart', () => {
    const l = limiter();
    l.take('key:1');
    l.take('key:1');
    expect(l.take('key:1').ok).toBe(false);
    expect(l.take('key:2')).toEqual({ ok: true });
    expect(l.take('address:10.0.0.1')).toEqual({ ok: true });
  });

  it('forgets every bucket once it has seen its most clients, rather than growing', () => {
    const l = limiter(3);
    l.take('a');
    l.take('a');
    expect(l.take('a').ok).toBe(false);
    l.take('b');
    l.take('c');
    expect(l.take('a').ok).toBe(false); // still known
    expect(l.take('d')).toEqual({ ok: true }); // the fourth client: every bucket starts again full
    expect(l.take('a')).toEqual({ ok: true });
  });
});

describe('tooManyRequests', () => {
  it('is a 429 problem with Retry-After in seconds', () => {
    const problem = tooManyRequests('over the rate', 7);
    expect(problem.getStatus()).toBe(429);
    expect(problem.headers).toEqual({ 'Retry-After': '7' });
    expect(problem.getResponse()).toEqual({ detail: 'over the rate' });
  });
});
