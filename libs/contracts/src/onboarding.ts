/**
 * The onboarding funnel of an organization without a profile (domain
 * brief, "Onboarding flow"): eight steps, in order. The same word is the
 * step's id in GET /v1/funnel, the registry's column (CSV and PostgreSQL)
 * for the steps only the registry can state, and the reference's key.
 *
 * What shows that an organization reached each step (libs/domain/src/onboarding):
 *   1 list_collected          registry date: on the list, administrator's contact collected
 *   2 passed_to_coordinators  registry date, or the profile exists (org.connected event, or the registry's connected)
 *   3 admins_informed         registry date: administrators told they can register
 *   4 admin_registered        event: a user.registered of role admin in the organization
 *   5 structure_built         registry date: staff class or departments built, invitation links made
 *   6 staff_registered        event: a user.registered of role teacher in the organization
 *   7 staff_active            event: a message or call naming the organization, by a person registered there as teacher or admin
 *   8 chats_created           event: a chat.created of audience staff in the organization (the whole-staff chat)
 */
export const ONBOARDING_STEPS = [
  'list_collected',
  'passed_to_coordinators',
  'admins_informed',
  'admin_registered',
  'structure_built',
  'staff_registered',
  'staff_active',
  'chats_created',
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** The steps no event can show: the registry states the date each was done (CSV columns of these names, YYYY-MM-DD or empty). */
export const REGISTRY_ONBOARDING_STEPS = ['list_collected', 'passed_to_coordinators', 'admins_informed', 'structure_built'] as const;
export type RegistryOnboardingStep = (typeof REGISTRY_ONBOARDING_STEPS)[number];

/** What the registry states of an organization's onboarding: the local date (YYYY-MM-DD) each registry step was done, null when not yet. */
export type RegistryOnboarding = Readonly<Record<RegistryOnboardingStep, string | null>>;

/** The steps events show (besides connected, which shows step 2). */
export const EVENT_ONBOARDING_STEPS = ['admin_registered', 'staff_registered', 'staff_active', 'chats_created'] as const;
export type EventOnboardingStep = (typeof EVENT_ONBOARDING_STEPS)[number];

/** The number (1..8) of a step. */
export function onboardingStepNumber(step: OnboardingStep): number {
  return ONBOARDING_STEPS.indexOf(step) + 1;
}

/** How long an organization may stay at its step before it counts as stuck, by default (GET /v1/funnel?stuckDays=). */
export const DEFAULT_STUCK_DAYS = 14;
/** The largest stuckDays a request may ask for. */
export const MAX_STUCK_DAYS = 366;
