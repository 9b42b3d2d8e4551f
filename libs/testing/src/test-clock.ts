/**
 * The "now" of every suite that runs the services or the simulator: a
 * Wednesday noon (UTC), so the last complete week is 2026-W47 in every zone
 * of Russia and seconds of drift between processes never cross a week.
 * Services get it as CLOCK_START, the simulator as --now: the answers are
 * the same on whatever day the suite runs.
 */
export const TEST_NOW = '2026-11-25T12:00:00Z';
export const TEST_LAST_WEEK = '2026-W47';
