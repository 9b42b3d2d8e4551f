/**
 * The onboarding funnel (domain brief, "Onboarding flow"; the steps and
 * what shows each in libs/contracts/src/onboarding.ts): for every
 * organization of the registry, the furthest step it had reached at an
 * instant (a period's end), and since when; per unit, how many
 * organizations reached each step, stand at it, and have stood at it for
 * more than N days.
 *
 * Rules:
 * - Evidence of a step is a registry date (the local day it was done, in
 *   force from the start of that day in the region's zone) or an event's
 *   instant; only evidence before the instant counts.
 * - The furthest step is the highest with evidence: the steps before it
 *   count as passed, with or without evidence of their own (an
 *   administrator who registered was told to, whatever the registry says).
 * - Since: the earliest evidence of that step. Step 2 may also be shown by
 *   the registry's `connected` alone, which has no date: then, and only
 *   then, since is unknown (null) and the organization is never counted as
 *   stuck.
 * - Stuck: at a step below the last for more than N days (the instant minus
 *   since is more than N x 24 hours). An organization with no evidence at
 *   all (step 0) has no since and is counted as not started, not stuck.
 */
import {
  ONBOARDING_STEPS,
  REGISTRY_ONBOARDING_STEPS,
  type EventOnboardingStep,
  type OnboardingStep,
  type RegistryOnboarding,
  type RegistryOnboardingStep,
} from '@sferum/contracts';
import { startOfLocalDay } from '../week/iso-week';
import { reportUnits, type GroupBy, type Level, type ReportOrganization, type ReportScope } from '../kpi/kpi-report';

export const NO_REGISTRY_ONBOARDING: RegistryOnboarding = Object.freeze(
  Object.fromEntries(REGISTRY_ONBOARDING_STEPS.map((s) => [s, null])) as Record<RegistryOnboardingStep, string | null>,
);

/** What the events show of an organization: the first instant (epoch ms) of its connection and of each event step, null when none. */
export type OnboardingEvidence = Readonly<Record<EventOnboardingStep | 'connected', number | null>>;

export const NO_ONBOARDING_EVIDENCE: OnboardingEvidence = Object.freeze({
  connected: null,
  admin_registered: null,
  staff_registered: null,
  staff_active: null,
  chats_created: null,
});

/** An organization's place in the funnel at an instant. */
export interface OrganizationOnboarding {
  /** 0 (no step shown) to 8. */
  readonly step: number;
  /** The step's id; null at 0. */
  readonly stepId: OnboardingStep | null;
  /** When it reached the step (epoch ms); null at 0, or when only the registry's undated `connected` shows it. */
  readonly sinceMs: number | null;
}

export interface OnboardingInput {
  readonly registry: RegistryOnboarding;
  /** The registry's `connected` statement (no date). */
  readonly registryConnected: boolean;
  readonly events: OnboardingEvidence;
  readonly timeZone: string;
  /** The instant (exclusive) the funnel is taken at. */
  readonly atMs: number;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a registry date is in force from: the start of that local day in the zone. */
export function registryDateStartMs(date: string, timeZone: string): number {
  const m = LOCAL_DATE.exec(date);
  if (m === null) throw new RangeError(`not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  return startOfLocalDay({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, timeZone);
}

/** The furthest step an organization had reached before `atMs`, and since when. */
export function onboardingOf(input: OnboardingInput): OrganizationOnboarding {
  const { atMs } = input;
  const before = (ms: number | null): number | null => (ms !== null && ms < atMs ? ms : null);
  const registryDate = (step: RegistryOnboardingStep): number | null => {
    const date = input.registry[step];
    return date === null ? null : before(registryDateStartMs(date, input.timeZone));
  };
  // The dated evidence of each step, and whether undated evidence exists.
  const dated: Record<OnboardingStep, (number | null)[]> = {
    list_collected: [registryDate('list_collected')],
    passed_to_coordinators: [registryDate('passed_to_coordinators'), before(input.events.connected)],
    admins_informed: [registryDate('admins_informed')],
    admin_registered: [before(input.events.admin_registered)],
    structure_built: [registryDate('structure_built')],
    staff_registered: [before(input.events.staff_registered)],
    staff_active: [before(input.events.staff_active)],
    chats_created: [before(input.events.chats_created)],
  };
  for (let i = ONBOARDING_STEPS.length - 1; i >= 0; i--) {
    const stepId = ONBOARDING_STEPS[i]!;
    const times = dated[stepId].filter((t): t is number => t !== null);
    const undated = stepId === 'passed_to_coordinators' && input.registryConnected;
    if (times.length > 0) return { step: i + 1, stepId, sinceMs: Math.min(...times) };
    if (undated) return { step: i + 1, stepId, sinceMs: null };
  }
  return { step: 0, stepId: null, sinceMs: null };
}

const DAY_MS = 86_400_000;

/** Whole days from since to the instant (floor); null when since is unknown. */
export function daysAtStep(onboarding: OrganizationOnboarding, atMs: number): number | null {
  return onboarding.sinceMs === null ? null : Math.floor((atMs - onboarding.sinceMs) / DAY_MS);
}

/** Whether an organization has stood at a step below the last for more than `stuckDays` days. */
export function isStuck(onboarding: OrganizationOnboarding, atMs: number, stuckDays: number): boolean {
  return onboarding.step >= 1 && onboarding.step < ONBOARDING_STEPS.length && onboarding.sinceMs !== null && atMs - onboarding.sinceMs > stuckDays * DAY_MS;
}

/** One step of a unit's funnel. */
export interface FunnelStepCount {
  /** 1..8. */
  readonly step: number;
  readonly id: OnboardingStep;
  /** Organizations that reached this step or a later one. */
  readonly reached: number;
  /** Organizations whose furthest step is this one. */
  readonly atStep: number;
  /** Of those, the ones there for more than stuckDays days. */
  readonly stuck: number;
}

export interface FunnelRow {
  readonly level: Level;
  readonly id: string;
  readonly name: string;
  /** The unit's organizations in the registry. */
  readonly organizations: number;
  /** Organizations with no step shown. */
  readonly notStarted: number;
  /** Organizations that reached step 8: onboarded. */
  readonly completed: number;
  readonly steps: readonly FunnelStepCount[];
}

/** An organization stuck at its step: organizations, not people, may be named. */
export interface StuckOrganization {
  readonly orgId: string;
  readonly orgName: string;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly category: string;
  readonly step: number;
  readonly stepId: OnboardingStep;
  /** When it reached its step, UTC ISO 8601. */
  readonly since: string;
  readonly days: number;
}

export interface FunnelInput {
  readonly region: { readonly code: string; readonly name: string };
  readonly organizations: readonly ReportOrganization[];
  /** Each organization's place (onboardingOf), by orgId; an organization missing here has none (step 0). */
  readonly onboarding: ReadonlyMap<string, OrganizationOnboarding>;
  readonly groupBy?: GroupBy;
  readonly scope: ReportScope;
  readonly atMs: number;
  readonly stuckDays: number;
}

export interface Funnel {
  readonly rows: FunnelRow[];
  /** The organizations of the scope stuck at their step, longest first (then by orgId). */
  readonly stuck: StuckOrganization[];
}

const NOT_STARTED: OrganizationOnboarding = { step: 0, stepId: null, sinceMs: null };

/** The funnel of every unit of the answer, and the organizations stuck in the scope. */
export function buildFunnel(input: FunnelInput): Funnel {
  const placeOf = (orgId: string) => input.onboarding.get(orgId) ?? NOT_STARTED;
  const rows = reportUnits(input).map((unit): FunnelRow => {
    const places = unit.orgs.map((o) => placeOf(o.orgId));
    return {
      level: unit.level,
      id: unit.id,
      name: unit.name,
      organizations: unit.orgs.length,
      notStarted: places.filter((p) => p.step === 0).length,
      completed: places.filter((p) => p.step === ONBOARDING_STEPS.length).length,
      steps: ONBOARDING_STEPS.map((id, i) => ({
        step: i + 1,
        id,
        reached: places.filter((p) => p.step >= i + 1).length,
        atStep: places.filter((p) => p.step === i + 1).length,
        stuck: places.filter((p) => p.step === i + 1 && isStuck(p, input.atMs, input.stuckDays)).length,
      })),
    };
  });
  const { scope } = input;
  const stuck = input.organizations
    .filter((o) => (scope.municipality === undefined || o.municipalityId === scope.municipality) && (scope.category === undefined || o.category === scope.category))
    .flatMap((o): StuckOrganization[] => {
      const place = placeOf(o.orgId);
      if (!isStuck(place, input.atMs, input.stuckDays)) return [];
      return [
        {
          orgId: o.orgId,
          orgName: o.orgName,
          municipalityId: o.municipalityId,
          municipalityName: o.municipalityName,
          category: o.category,
          step: place.step,
          stepId: place.stepId!,
          since: new Date(place.sinceMs!).toISOString(),
          days: daysAtStep(place, input.atMs)!,
        },
      ];
    })
    .sort((a, b) => b.days - a.days || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  return { rows, stuck };
}
