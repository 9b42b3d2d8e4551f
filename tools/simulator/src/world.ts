/**
 * The simulated world of one region: municipalities, organizations (the
 * registry), users with their registrations over time and how much they
 * write and call. Built from a seeded generator: the same seed gives the
 * same world. Scripted users (see profiles) carry their exact events.
 */
import { type OrgCategory, type Role } from '@sferum/contracts';

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

export interface RegionWorld {
  readonly region: SimRegion;
  readonly municipalities: readonly SimMunicipality[];
  readonly organizations: readonly SimOrganization[];
  readonly users: readonly SimUser[];
  /** Weeks simulated, oldest first. */
  readonly weeks: readonly string[];
}

/** Is the user registered at an instant (the last change before it decides; none: not registered)? */
export function registeredAt(user: SimUser, time: number): boolean {
  let state = false;
  for (const change of user.timeline) if (change.time < time) state = change.registered;
  return state;
}
