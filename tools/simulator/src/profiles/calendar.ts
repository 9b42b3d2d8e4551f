import { type Random } from '../random';
import { dateInWeek, utcOf } from '../zones';

/** An instant given as a day of an ISO week (0 = Monday) and a wall-clock time in the zone. */
export function atLocal(week: string, zone: string, dayIndex: number, hour: number, minute = 0, second = 0, ms = 0): number {
  return utcOf({ ...dateInWeek(week, dayIndex), hour, minute, second, ms }, zone);
}

/** An instant given as a calendar date ("2026-11-16") and a wall-clock time in the zone. */
export function atLocalDate(date: string, zone: string, hour: number, minute = 0, second = 0, ms = 0): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return utcOf({ year, month, day, hour, minute, second, ms }, zone);
}

/** The calendar date of a day of an ISO week (0 = Monday; negative or past 6 for days before or after it). */
export function dateOfWeekDay(week: string, dayIndex: number): string {
  const d = dateInWeek(week, dayIndex);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const DAY_WEIGHTS = { 0: 20, 1: 20, 2: 20, 3: 19, 4: 17, 5: 3, 6: 1 } as const;

/**
 * When a person writes or calls: mostly school days and hours, some
 * evenings and weekends, and now and then in the last or first minute of
 * the week (Sunday 23:59, Monday 00:00 local), where time-zone mistakes show.
 */
export function activityTime(rng: Random, week: string, zone: string, midnightRate: number): number {
  if (rng.chance(midnightRate)) {
    return rng.chance(0.5)
      ? atLocal(week, zone, 6, 23, 59, rng.int(0, 59), rng.int(0, 999))
      : atLocal(week, zone, 0, 0, 0, rng.int(0, 59), rng.int(0, 999));
  }
  const day = Number(rng.weighted(DAY_WEIGHTS));
  const hour = rng.chance(0.85) ? rng.int(8, 17) : rng.int(6, 22);
  return atLocal(week, zone, day, hour, rng.int(0, 59), rng.int(0, 59), rng.int(0, 999));
}
