/**
 * The simulated world of one region: municipalities, organizations (the
 * registry), users with their registrations over time and how much they
 * write and call. Built from a seeded generator: the same seed gives the
 * same world. Scripted users (see profiles) carry their exact events.
 */
import { type ChatAudience, type ChatKind, type OrgCategory, type RegistryOnboarding, type Role } from '@sferum/contracts';

export interface SimRegion {
  readonly code: string;
  readonly name: string;
  readonly zone: string;
}

export interface SimMunicipality {
  readonly id: string;
  readonly name: string;
  /** How keen its teachers are, around 1: municipalities differ. */
  readonly engagement: number;
}

export interface SimOrganization {
  readonly id: string;
  readonly name: string;
  readonly category: OrgCategory;
  readonly municipalityId: string;
  readonly municipalityName: string;
  /** Official teacher headcount; null when the registry lacks it. */
  readonly headcount: number | null;
  /** The registry's onboarding dates (local YYYY-MM-DD of steps 1, 2, 3 and 5); none stated when absent. */
  readonly onboarding?: RegistryOnboarding;
  /** What the registry states of it, instead of registryFactsOf's draw from its id. */
  readonly facts?: { readonly connected: boolean; readonly journalLinked: boolean; readonly govLabel: boolean };
  /**
   * Its events all come from the onboarding plan (RegionWorld.onboarding):
   * no org.* facts drawn for it (an organization just being onboarded).
   */
  readonly scripted?: boolean;
}

export interface SimRegistration {
  readonly orgId: string;
  readonly role: Role;
}

/** A change of a user's registrations: all of the user's registrations join or leave together. */
export interface RegistrationChange {
  readonly time: number;
  readonly registered: boolean;
}

/**
 * The organization an activity names: absent, the user's own (see
 * SimUser.messageOrg; direct messages name it half of the time); null, none
 * (it then counts wherever the user is registered); else that organization.
 */
export type NamedOrg = string | null;

/** One planned event of a scripted user. */
export type PlannedActivity =
  | {
      readonly kind: 'message';
      readonly time: number;
      readonly chatKind: 'group' | 'direct' | 'channel';
      readonly messageKind: 'text' | 'file' | 'poll' | 'voice' | 'sticker' | 'emoji' | 'other';
      /** Send this exact event twice. */
      readonly duplicate?: boolean;
      readonly org?: NamedOrg;
    }
  | {
      readonly kind: 'call';
      readonly time: number;
      readonly callId: string;
      readonly initiator: boolean;
      readonly org?: NamedOrg;
    };

export interface SimUser {
  readonly id: string;
  readonly registrations: readonly SimRegistration[];
  readonly timeline: readonly RegistrationChange[];
  /** Mean group-chat messages a week. */
  readonly writes: number;
  /** Mean calls started a week. */
  readonly calls: number;
  /** Exact activity of a scripted user per simulated week (replaces the random draw). */
  readonly script?: (week: string) => readonly PlannedActivity[];
  /** Organization named on messages when it is not the first registration (a user of an unknown organization). */
  readonly messageOrg?: string;
}

/** A chat created in an organization (ru.sferum.chat.created). */
export interface SimChat {
  readonly orgId: string;
  readonly chatId: string;
  readonly chatKind: ChatKind;
  readonly audience: ChatAudience;
  readonly memberCount: number;
  readonly time: number;
  /** Send this exact event twice. */
  readonly duplicate?: boolean;
}

/**
 * What the onboarding of organizations brings besides the registry's dates:
 * its events come from a stream of their own (their own draws and ids, see
 * events.ts), so that every other event stays exactly as it was.
 */
export interface RegionOnboarding {
  /** Administrators, and the people of the organizations onboarded by script; like SimUser everywhere else. */
  readonly users: readonly SimUser[];
  readonly chats: readonly SimChat[];
  /** ru.sferum.org.connected of scripted organizations (the others' are drawn with their facts). */
  readonly connected: readonly { readonly orgId: string; readonly time: number }[];
}

export interface RegionWorld {
  readonly region: SimRegion;
  readonly municipalities: readonly SimMunicipality[];
  readonly organizations: readonly SimOrganization[];
  readonly users: readonly SimUser[];
  /** Weeks simulated, oldest first. */
  readonly weeks: readonly string[];
  readonly onboarding?: RegionOnboarding;
}

/** Every user of the world: its own, then the onboarding's. */
export function allUsers(world: RegionWorld): readonly SimUser[] {
  return world.onboarding === undefined ? world.users : [...world.users, ...world.onboarding.users];
}

/** Is the user registered at an instant (the last change before it decides; none: not registered)? */
export function registeredAt(user: SimUser, time: number): boolean {
  let state = false;
  for (const change of user.timeline) if (change.time < time) state = change.registered;
  return state;
}
