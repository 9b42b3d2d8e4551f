/**
 * Where "now" comes from. Everything that turns the present into a
 * calendar answer (the last complete week, the oldest event accepted, the
 * weeks the monitor compares) asks a Clock instead of `Date.now()`, so
 * that tests, the simulator and demos can fix the calendar and give the
 * same answers on any day they run. Durations (timeouts, latencies) keep
 * using the machine's clock: they measure, they do not name a date.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that reads `startMs` at the moment it is made and then runs
 * forward at the machine's speed (timers, backoffs and rate limits still
 * behave as in life; only the calendar is shifted).
 */
export function clockStartingAt(startMs: number, machine: () => number = Date.now): Clock {
  const offset = startMs - machine();
  return { now: () => machine() + offset };
}

/** The machine's clock, or one started at `startMs` when a start is configured. */
export function clockFrom(startMs: number | null): Clock {
  return startMs === null ? systemClock : clockStartingAt(startMs);
}
