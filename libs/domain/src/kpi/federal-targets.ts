/**
 * The federal targets of the domain brief besides the banded indicators,
 * each 100%: every organization connected, every teacher on the platform,
 * every general-education school with its electronic journal linked; and
 * the share of organizations whose community page has the "government
 * organization" label. Of one unit at a period's end:
 *
 *   orgs_connected          organizations connected / organizations of the unit
 *   teachers_registered     registered teachers / the teacher headcount (an
 *                           organization without a headcount counts its
 *                           registered teachers, as the headcount denominator does)
 *   schools_journal_linked  general-education schools with the journal linked / general-education schools
 *   orgs_gov_label          organizations with the label / organizations of the unit
 *
 * An organization has a fact (connected, journal linked, label) when the
 * registry states it (its CSV column) or an event said so before the
 * period's end (ru.sferum.org.*): either is enough, and neither takes the
 * other's back. `gap` is what is missing to 100%, 0 at or above it.
 */
import { ORG_FACTS, type OrgFact, TARGET_IDS, type TargetId } from '@sferum/contracts';
import { percentRounded } from './percent';

export interface TargetValue {
  readonly numerator: number;
  readonly denominator: number;
  /** Percentage rounded half-up to two decimals; null for an empty denominator. */
  readonly value: number | null;
  /** 100 minus value, 0 when the target is reached or passed; null with value. */
  readonly gap: number | null;
  /** The value a period earlier; null when it had no denominator. */
  readonly previous: number | null;
}

export const TARGET_PERCENT = 100;

/** An organization of which the registry states nothing. */
export const NO_REGISTRY_FACTS: Readonly<Record<OrgFact, boolean>> = Object.freeze(Object.fromEntries(ORG_FACTS.map((f) => [f, false])) as Record<OrgFact, boolean>);

/** No organization of which an event stated anything. */
export const NO_EVENT_FACTS: Readonly<Record<OrgFact, ReadonlySet<string>>> = Object.freeze({ connected: new Set<string>(), journal_linked: new Set<string>(), gov_label: new Set<string>() });

export interface TargetCounts {
  /** The unit's organizations, each with what the registry states of it. */
  readonly orgs: readonly { readonly orgId: string; readonly category: string; readonly facts: Readonly<Record<OrgFact, boolean>> }[];
  /** Organizations of which an event stated each fact before the period's end. */
  readonly eventFacts: Readonly<Record<OrgFact, ReadonlySet<string>>>;
  readonly registeredTeachers: number;
  /** The teacher headcount with the registered teachers standing in for organizations without one (teacherDenominatorOf, headcount). */
  readonly teacherHeadcount: number;
}

/** The four targets' fractions of a unit. */
export function targetFractions(counts: TargetCounts): Record<TargetId, readonly [number, number]> {
  const has = (o: TargetCounts['orgs'][number], fact: OrgFact) => o.facts[fact] || counts.eventFacts[fact].has(o.orgId);
  const general = counts.orgs.filter((o) => o.category === 'general');
  return {
    orgs_connected: [counts.orgs.filter((o) => has(o, 'connected')).length, counts.orgs.length],
    teachers_registered: [counts.registeredTeachers, counts.teacherHeadcount],
    schools_journal_linked: [general.filter((o) => has(o, 'journal_linked')).length, general.length],
    orgs_gov_label: [counts.orgs.filter((o) => has(o, 'gov_label')).length, counts.orgs.length],
  };
}

/** What is missing of a rounded percentage to 100, in hundredths (so that value + gap is 100 as printed). */
export function gapTo100(value: number | null): number | null {
  if (value === null) return null;
  return Math.max(0, TARGET_PERCENT * 100 - Math.round(value * 100)) / 100;
}

export function evaluateTargets(now: TargetCounts, before: TargetCounts): Record<TargetId, TargetValue> {
  const current = targetFractions(now);
  const previous = targetFractions(before);
  return Object.fromEntries(
    TARGET_IDS.map((id): [TargetId, TargetValue] => {
      const [numerator, denominator] = current[id];
      const value = percentRounded(numerator, denominator);
      return [id, { numerator, denominator, value, gap: gapTo100(value), previous: percentRounded(...previous[id]) }];
    }),
  ) as Record<TargetId, TargetValue>;
}
