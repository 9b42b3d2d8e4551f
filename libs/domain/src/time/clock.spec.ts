import { clockFrom, clockStartingAt, systemClock } from './clock';

describe('clocks', () => {
  it('a clock started at an instant reads that instant first, then runs at the machine speed', () => {
    let machine = 1_000_000;
    const clock = clockStartingAt(Date.parse('2026-11-25T12:00:00Z'), () => machine);
    expect(new Date(clock.now()).toISOString()).toBe('2026-11-25T12:00:00.000Z');
    machine += 1_500;
    expect(new Date(clock.now()).toISOString()).toBe('2026-11-25T12:00:01.500Z');
  });

  it('no start configured means the machine clock', () => {
    expect(clockFrom(null)).toBe(systemClock);
    const fixed = clockFrom(Date.parse('2027-01-04T00:00:00Z'));
    expect(fixed).not.toBe(systemClock);
    expect(fixed.now()).toBeGreaterThanOrEqual(Date.parse('2027-01-04T00:00:00Z'));
  });
});
