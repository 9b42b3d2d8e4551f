/**
 * The federal indicators of one unit (region, municipality, category,
 * organization) for one ISO week, from the unit's counters. Pure: the
 * counters come from the activity store and the registry.
 *
 *   active_schools        general-education orgs with >= 2 registered users / general-education orgs
 *   active_orgs           the same over all categories
 *   teachers_10_messages  teachers with >= 10 counted group-chat messages / teacher denominator
 *   teachers_1_call       teachers with >= 1 counted call / teacher denominator
 *
 * Teacher denominator: "registered" (distinct registered teachers) or
 * "headcount" (summed teacher headcount of the unit's organizations; an
 * organization without a headcount contributes its registered teachers,
 * and the answer says how many did).
 */
import { type Band, type CallMode, KPI_IDS, type KpiId, type MessageKind, MESSAGE_KINDS, type TeacherDenominator } from '@sferum/contracts';
import { bandOf, edgesOf, thresholdInForce, type Threshold } from './kpi-bands';
import { assertCount, percentRounded } from './percent';

export interface UnitCounters {
  /** Organizations of the unit in the registry, all categories (those without any user included). */
  readonly orgs: number;
  readonly generalOrgs: number;
  /** Organizations with at least 2 registered users at the week's end. */
  readonly activeOrgs: number;
  readonly activeGeneralOrgs: number;
  /** Distinct users registered (any role) at the week's end. */
  readonly registeredUsers: number;
  readonly registeredTeachers: number;
  readonly registeredStudents: number;
  readonly registeredParents: number;
  /** Summed teacher headcount of the organizations that have one. */
  readonly teacherHeadcount: number;
  readonly orgsWithoutHeadcount: number;
  /** Registered teachers of the organizations without a headcount. */
  readonly registeredTeachersWithoutHeadcount: number;
  readonly teachers3Messages: number;
  readonly teachers10Messages: number;
  readonly teachers1Call: number;
  /** Teachers with any message or call in the week. */
  readonly activeTeachers: number;
}

export interface KpiValue {
  readonly numerator: number;
  readonly denominator: number;
  /** Percentage rounded half-up to two decimals; null for an empty denominator. */
  readonly value: number | null;
  /** Decided on the exact fraction; null for an empty denominator or no threshold in force. */
  readonly band: Band | null;
}

export interface KpiEvaluation {
  readonly kpis: Record<KpiId, KpiValue>;
  readonly teacherDenominator: { readonly mode: TeacherDenominator; readonly value: number; readonly orgsCountedByRegisteredTeachers: number };
}

export function teacherDenominatorOf(counters: UnitCounters, mode: TeacherDenominator): KpiEvaluation['teacherDenominator'] {
  switch (mode) {
    case 'registered':
      return { mode, value: counters.registeredTeachers, orgsCountedByRegisteredTeachers: 0 };
    case 'headcount':
      return {
        mode,
        value: counters.teacherHeadcount + counters.registeredTeachersWithoutHeadcount,
        orgsCountedByRegisteredTeachers: counters.orgsWithoutHeadcount,
      };
  }
}

export function evaluateKpis(
  counters: UnitCounters,
  options: { readonly teacherDenominator: TeacherDenominator; readonly thresholds: readonly Threshold[]; readonly weekMonday: string },
): KpiEvaluation {
  for (const [name, value] of Object.entries(counters)) assertCount(value as number, name);
  const denominator = teacherDenominatorOf(counters, options.teacherDenominator);
  const fractions: Record<KpiId, [number, number]> = {
    active_schools: [counters.activeGeneralOrgs, counters.generalOrgs],
    active_orgs: [counters.activeOrgs, counters.orgs],
    teachers_10_messages: [counters.teachers10Messages, denominator.value],
    teachers_1_call: [counters.teachers1Call, denominator.value],
  };
  const kpis = Object.fromEntries(
    KPI_IDS.map((kpi) => {
      const [numerator, d] = fractions[kpi];
      const threshold = thresholdInForce(options.thresholds, kpi, options.weekMonday);
      return [
        kpi,
        {
          numerator,
          denominator: d,
          value: percentRounded(numerator, d),
          band: threshold === undefined ? null : bandOf(numerator, d, edgesOf(threshold)),
        } satisfies KpiValue,
      ];
    }),
  ) as Record<KpiId, KpiValue>;
  return { kpis, teacherDenominator: denominator };
}

/**
 * The aggregator's activity keys that count as group-chat messages for a
 * region ("group:text", ...): every kind, or the kinds its settings name.
 * Direct messages and channel posts never count.
 */
export function countedMessageActivities(kinds: readonly MessageKind[] | null): string[] {
  return (kinds ?? MESSAGE_KINDS).map((kind) => `group:${kind}`).sort();
}

/** The aggregator's activity key of a counted call: taking part, or starting. */
export function callActivity(mode: CallMode): 'call' | 'call_initiated' {
  switch (mode) {
    case 'participated':
      return 'call';
    case 'initiated':
      return 'call_initiated';
  }
}
