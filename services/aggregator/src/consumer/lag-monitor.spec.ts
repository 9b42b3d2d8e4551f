import { notReadyReason } from './lag-monitor';

describe('aggregator readiness: a stalled consumer is not ready', () => {
  const base = { running: true, totalLag: 0, lastProgressAt: 0, nowMs: 0, stallTimeoutMs: 60_000 };

  it('is ready when caught up, however long it has been idle', () => {
    expect(notReadyReason({ ...base, totalLag: 0, nowMs: 10 * 3_600_000 })).toBeUndefined();
  });

  it('is ready while behind but moving', () => {
    expect(notReadyReason({ ...base, totalLag: 50_000, lastProgressAt: 100_000, nowMs: 159_999 })).toBeUndefined();
  });

  it('is not ready when behind with no progress past the timeout', () => {
    expect(notReadyReason({ ...base, totalLag: 12, lastProgressAt: 100_000, nowMs: 160_001 })).toBe('lag 12 and no progress for 60 s');
  });

  it('is not ready before the consumer runs', () => {
    expect(notReadyReason({ ...base, running: false })).toBe('the consumer is not running yet');
  });

  it('unmeasured lag counts as none until measured', () => {
    expect(notReadyReason({ ...base, totalLag: undefined, nowMs: 10 * 60_000 })).toBeUndefined();
  });
});
