/**
 * Small cells. Per-teacher activity is personal data: in a school with one
 * registered teacher, "1 of 1 wrote 10 messages" is that person's week. A
 * unit (region, municipality, category, municipality x category,
 * organization) is a small cell when fewer than the region's
 * `minTeacherDenominator` teachers stand behind its teacher figures:
 *
 *   small  <=>  min(teacher denominator, registered teachers) < minTeacherDenominator
 *
 * The teacher denominator is the one the region's settings choose
 * (registered teachers, or headcount). Registered teachers count too
 * because they are the people the activity counts are taken from: with the
 * headcount denominator, a school with a headcount of 40 and one registered
 * teacher would otherwise show "1 of 40" next to "1 registered teacher".
 *
 * A small cell keeps its counts (organizations, active organizations,
 * registered users, teachers, students, parents, headcount, the teacher
 * denominator) and the organization indicators (active_schools,
 * active_orgs); it withholds the per-teacher shares with their numerators
 * and bands, and the counts of active teachers (>= 3 and >= 10 messages,
 * >= 1 call, any activity), each marked `suppressed: "small_cell"`.
 */
import { type KpiId, type SuppressionReason } from '@sferum/contracts';
import { assertCount } from './percent';

/** The indicators whose denominator is the unit's teachers: withheld in a small cell. */
export const TEACHER_SHARE_KPIS = ['teachers_10_messages', 'teachers_1_call'] as const satisfies readonly KpiId[];

/** Counters of what teachers did in the week (API names): withheld in a small cell. */
export const TEACHER_ACTIVITY_COUNTERS = ['teachers_3_messages', 'teachers_10_messages', 'teachers_1_call', 'active_teachers'] as const;
export type TeacherActivityCounter = (typeof TEACHER_ACTIVITY_COUNTERS)[number];

export function isTeacherShareKpi(kpi: KpiId): boolean {
  return (TEACHER_SHARE_KPIS as readonly KpiId[]).includes(kpi);
}

export function isTeacherActivityCounter(counter: string): counter is TeacherActivityCounter {
  return (TEACHER_ACTIVITY_COUNTERS as readonly string[]).includes(counter);
}

/** Why the unit's teacher figures are withheld, or null when they are shown. A unit with no teacher at all is a small cell too. */
export function smallCellOf(unit: { readonly teacherDenominator: number; readonly registeredTeachers: number }, minTeacherDenominator: number): SuppressionReason | null {
  assertCount(unit.teacherDenominator, 'teacherDenominator');
  assertCount(unit.registeredTeachers, 'registeredTeachers');
  if (!Number.isSafeInteger(minTeacherDenominator) || minTeacherDenominator < 1) {
    throw new RangeError(`minTeacherDenominator must be a positive integer, got ${minTeacherDenominator}`);
  }
  return Math.min(unit.teacherDenominator, unit.registeredTeachers) < minTeacherDenominator ? 'small_cell' : null;
}
