/**
 * The events of a simulated region, in the order an upstream system would
 * push them: week by week, shuffled within the week, with exact duplicates
 * (the same CloudEvent sent again) and late events (sent a week after they
 * happened). Registration changes become user.registered / user.left of
 * every registration of the user; messages and calls come from each user's
 * weekly draw, or from the script of a scripted user. Organizations are
 * connected, have their journal linked and their page labelled at drawn
 * instants of the weeks (ru.sferum.org.*; drawn from a stream of their own,
 * so every other draw stays as it was).
 *
 * The onboarding (RegionWorld.onboarding: administrators and the people of
 * organizations being onboarded, chats created, scripted organizations
 * connected) is a stream of its own too: its own draws, its own event ids
 * (`<region>-f.<n>`, which no other event has), its own duplicates and late
 * events, each chunk's events inserted among the others at drawn places.
 * Every other event is exactly what it was without it, in the same order.
 */
import { type AnyCloudEventV1, type MessageKind } from '@sferum/contracts';
import { type Random } from './random';
import { activityTime } from './profiles/calendar';
import { allUsers, type PlannedActivity, type RegionWorld, registeredAt, type SimUser } from './world';
import { rfc3339InZone, weekEndUtc, weekStartUtc } from './zones';

export interface EventShape {
  /** Share of events sent twice. */
  readonly duplicateRate: number;
  /** Share of events sent a week late. */
  readonly lateRate: number;
  /** Share of activity in the first or last minute of the week, local time. */
  readonly midnightRate: number;
}

export const DEFAULT_SHAPE: EventShape = { duplicateRate: 0.02, lateRate: 0.01, midnightRate: 0.01 };

const MESSAGE_KINDS_WEIGHTS: Readonly<Record<MessageKind, number>> = { text: 70, file: 8, poll: 2, voice: 5, sticker: 10, emoji: 4, other: 1 };

export interface EventStreamOptions {
  readonly shape: EventShape;
  /**
   * A scenario's rise: the organizations a teacher's extra activity of the
   * week names (none: no rise). For each, the teacher also writes 10
   * group-chat text messages and starts a call naming it (drawn apart, so
   * the teacher's own draw stays the same): every teacher of a unit holding
   * that organization then counts there for both activity indicators,
   * whatever the random draw gave, so the unit's shares are 100% by
   * construction.
   */
  readonly boost?: (user: SimUser, week: string) => readonly string[];
  /** Told of every event of a rise, as it is made (a hold-back keeps them apart). */
  readonly onBoost?: (event: AnyCloudEventV1) => void;
  /** The CloudEvent `source` of every event (with the seed and weeks in it, so a new run never reuses an id for another event). */
  readonly ceSource: string;
}

/**
 * Where events come from: the world's own users, or the onboarding's. Each
 * has its own ids, its own calls to join and its own late and duplicate events.
 */
interface Stream {
  readonly users: readonly SimUser[];
  readonly nextId: () => string;
  /** Who may join a call started in an organization (its users' first organization). */
  readonly membersOf: ReadonlyMap<string, readonly SimUser[]>;
  calls: { org: string; callId: string; start: number; caller: string }[];
  late: AnyCloudEventV1[];
  again: AnyCloudEventV1[];
}

function membersByOrg(users: readonly SimUser[]): Map<string, SimUser[]> {
  const membersOf = new Map<string, SimUser[]>();
  for (const user of users) {
    const org = user.registrations[0]!.orgId;
    const list = membersOf.get(org) ?? [];
    list.push(user);
    membersOf.set(org, list);
  }
  return membersOf;
}

/** `extra` inserted among `events` at drawn places (the order of each kept). */
function merge(events: AnyCloudEventV1[], extra: readonly AnyCloudEventV1[], r: Random): AnyCloudEventV1[] {
  if (extra.length === 0) return events;
  const at = extra.map(() => r.int(0, events.length)).sort((a, b) => a - b);
  const out: AnyCloudEventV1[] = [];
  let next = 0;
  for (let i = 0; i <= events.length; i++) {
    while (next < extra.length && at[next] === i) out.push(extra[next++]!);
    if (i < events.length) out.push(events[i]!);
  }
  return out;
}

/** Chunks of events to push, in order; every event of a chunk may be sent in any order. */
export function* regionEventChunks(world: RegionWorld, rng: Random, options: EventStreamOptions): Generator<AnyCloudEventV1[]> {
  const { region, weeks } = world;
  const zone = region.zone;
  let counter = 0;
  let onboardingCounter = 0;
  const time = (ms: number, r: Random) => (r.chance(0.2) ? new Date(ms).toISOString() : rfc3339InZone(ms, zone));
  const own: Stream = {
    users: world.users,
    nextId: () => `${region.code}-${(++counter).toString(36)}`,
    membersOf: membersByOrg(world.users),
    calls: [],
    late: [],
    again: [],
  };
  const onboarding: Stream = {
    users: world.onboarding?.users ?? [],
    nextId: () => `${region.code}-f.${(++onboardingCounter).toString(36)}`,
    membersOf: membersByOrg(allUsers(world)),
    calls: [],
    late: [],
    again: [],
  };
  const nextId = own.nextId;

  // What happens to organizations, at an instant of the simulated weeks each.
  const firstStart = weekStartUtc(weeks[0]!, zone);
  const lastEnd = weekEndUtc(weeks[weeks.length - 1]!, zone);
  const factsRng = rng.fork('org-facts');
  const orgFacts: { readonly time: number; readonly event: (r: Random) => AnyCloudEventV1 }[] = [];
  for (const org of world.organizations) {
    if (org.scripted === true) continue; // its facts are the onboarding's
    const at = () => firstStart + Math.floor(factsRng.next() * (lastEnd - firstStart));
    const fact = (type: 'ru.sferum.org.connected' | 'ru.sferum.org.journal_linked' | 'ru.sferum.org.gov_label_granted', data: Record<string, string>) => {
      const t = at();
      orgFacts.push({ time: t, event: (r) => ({ specversion: '1.0', id: nextId(), source: options.ceSource, type, time: time(t, r), data: { orgId: org.id, ...data } }) as AnyCloudEventV1 });
    };
    if (factsRng.chance(0.6)) fact('ru.sferum.org.connected', {});
    if (factsRng.chance(org.category === 'general' ? 0.5 : 0.2)) fact('ru.sferum.org.journal_linked', { journalSystem: factsRng.pick(['fgis-moya-shkola', 'netschool', 'dnevnik-ru']) });
    if (factsRng.chance(0.3)) fact('ru.sferum.org.gov_label_granted', {});
  }
  const orgFactEvents = (from: number, to: number, r: Random): AnyCloudEventV1[] => orgFacts.filter((f) => f.time >= from && f.time < to).map((f) => f.event(r));

  const registrationEvents = (from: number, to: number, r: Random, stream: Stream = own): AnyCloudEventV1[] => {
    const out: AnyCloudEventV1[] = [];
    for (const user of stream.users) {
      for (const change of user.timeline) {
        if (change.time < from || change.time >= to) continue;
        for (const reg of user.registrations) {
          out.push({
            specversion: '1.0',
            id: stream.nextId(),
            source: options.ceSource,
            type: change.registered ? 'ru.sferum.user.registered' : 'ru.sferum.user.left',
            time: time(change.time, r),
            data: { userId: user.id, orgId: reg.orgId, role: reg.role },
          });
        }
      }
    }
    return out;
  };

  const activityEvents = (user: SimUser, week: string, r: Random, weekFactor: number, stream: Stream = own): { events: AnyCloudEventV1[]; twice: AnyCloudEventV1[] } => {
    const events: AnyCloudEventV1[] = [];
    const twice: AnyCloudEventV1[] = [];
    const orgId = user.messageOrg ?? user.registrations[0]!.orgId;
    const isTeacher = user.registrations.some((reg) => reg.role === 'teacher');
    const plan: PlannedActivity[] = user.script !== undefined ? [...user.script(week)] : randomActivity(user, week, r, weekFactor, isTeacher);
    emit(plan, r);
    const boostOrgs = isTeacher ? (options.boost?.(user, week) ?? []) : [];
    if (boostOrgs.length > 0) {
      // Drawn from a stream of its own, so that the user's own activity stays as it would be.
      const extra = r.fork(`boost:${user.id}`);
      const from = events.length;
      boostOrgs.forEach((org, i) => emit(boostActivity(user, week, extra, org, i), extra));
      for (const event of events.slice(from)) options.onBoost?.(event);
    }
    return { events, twice };

    function emit(activities: readonly PlannedActivity[], r: Random): void {
      for (const a of activities) {
        // An organization named by the plan (or none) replaces the user's own; the draws stay the same.
        const named = (own: string | undefined) => (a.org === undefined ? (own === undefined ? {} : { orgId: own }) : a.org === null ? {} : { orgId: a.org });
        if (a.kind === 'message') {
          const event: AnyCloudEventV1 = {
            specversion: '1.0',
            id: stream.nextId(),
            source: options.ceSource,
            type: 'ru.sferum.message.sent',
            time: time(a.time, r),
            data: {
              userId: user.id,
              chatId: a.chatKind === 'direct' ? `d-${user.id}-${r.int(1, 5)}` : `c-${orgId}-${a.chatKind}-${r.int(1, 4)}`,
              chatKind: a.chatKind,
              messageKind: a.messageKind,
              ...named(a.chatKind === 'direct' && r.chance(0.5) ? undefined : orgId),
            },
          };
          events.push(event);
          if (a.duplicate === true) twice.push(event);
        } else {
          if (a.initiator) stream.calls.push({ org: user.registrations[0]!.orgId, callId: a.callId, start: a.time, caller: user.id });
          events.push({
            specversion: '1.0',
            id: stream.nextId(),
            source: options.ceSource,
            type: 'ru.sferum.call.joined',
            time: time(a.time, r),
            data: { userId: user.id, callId: a.callId, initiator: a.initiator, ...named(orgId) },
          });
        }
      }
    }
  };

  function randomActivity(user: SimUser, week: string, r: Random, weekFactor: number, isTeacher: boolean): PlannedActivity[] {
    const plan: PlannedActivity[] = [];
    const at = () => activityTime(r, week, zone, options.shape.midnightRate);
    const kind = () => r.weighted(MESSAGE_KINDS_WEIGHTS);
    for (let n = r.poisson(user.writes * weekFactor); n > 0; n--) plan.push({ kind: 'message', time: at(), chatKind: 'group', messageKind: kind() });
    for (let n = r.poisson(user.writes * 0.2); n > 0; n--) plan.push({ kind: 'message', time: at(), chatKind: 'direct', messageKind: kind() });
    if (isTeacher) for (let n = r.poisson(user.writes * 0.05); n > 0; n--) plan.push({ kind: 'message', time: at(), chatKind: 'channel', messageKind: kind() });
    for (let n = r.poisson(user.calls * weekFactor); n > 0; n--) {
      const start = at();
      const callId = `k-${user.id}-${week}-${n}`;
      plan.push({ kind: 'call', time: start, callId, initiator: true });
    }
    return plan;
  }
  /**
   * A rise names the boosted organization: under read-time placement an
   * event naming an organization counts in that organization's units only,
   * so it reaches the boosted municipality and no other (one naming none
   * would count in every unit the teacher is registered in, a held-back
   * one too).
   */
  function boostActivity(user: SimUser, week: string, r: Random, org: string, n: number): PlannedActivity[] {
    const at = () => activityTime(r, week, zone, 0);
    const plan: PlannedActivity[] = Array.from({ length: 10 }, () => ({ kind: 'message' as const, time: at(), chatKind: 'group' as const, messageKind: 'text' as const, org }));
    plan.push({ kind: 'call', time: at(), callId: `k-${user.id}-${week}-boost${n === 0 ? '' : `-${n + 1}`}`, initiator: true, org });
    return plan;
  }
  const participantEvents = (week: string, r: Random, stream: Stream = own): AnyCloudEventV1[] => {
    const out: AnyCloudEventV1[] = [];
    for (const call of stream.calls) {
      const members = (stream.membersOf.get(call.org) ?? []).filter((u) => u.id !== call.caller);
      for (let k = Math.min(members.length, r.int(1, 4)); k > 0; k--) {
        const user = r.pick(members);
        const joins = r.chance(0.1) ? 2 : 1; // a dropped connection: the same call joined again
        for (let j = 0; j < joins; j++) {
          out.push({
            specversion: '1.0',
            id: stream.nextId(),
            source: options.ceSource,
            type: 'ru.sferum.call.joined',
            time: time(Math.min(call.start + r.int(0, 600_000), weekEndUtc(week, zone) - 1), r),
            data: { userId: user.id, callId: call.callId, initiator: false, orgId: call.org },
          });
        }
      }
    }
    stream.calls = [];
    return out;
  };

  const finish = (events: AnyCloudEventV1[], r: Random, stream: Stream = own): AnyCloudEventV1[] => {
    const now: AnyCloudEventV1[] = [...stream.late, ...stream.again];
    stream.late = [];
    stream.again = [];
    for (const event of events) {
      if (r.chance(options.shape.lateRate)) stream.late.push(event);
      else now.push(event);
      if (r.chance(options.shape.duplicateRate)) (r.chance(0.5) ? now : stream.again).push(event);
    }
    return r.shuffle(now);
  };

  // The onboarding's chats and connections of [from, to), and its people's registrations.
  const onboardingRng = rng.fork('onboarding');
  const onboardingEvents = (from: number, to: number, r: Random): AnyCloudEventV1[] => {
    const plan = world.onboarding;
    if (plan === undefined) return [];
    const out = registrationEvents(from, to, r, onboarding);
    for (const c of plan.connected) {
      if (c.time < from || c.time >= to) continue;
      out.push({ specversion: '1.0', id: onboarding.nextId(), source: options.ceSource, type: 'ru.sferum.org.connected', time: time(c.time, r), data: { orgId: c.orgId } });
    }
    for (const c of plan.chats) {
      if (c.time < from || c.time >= to) continue;
      const event: AnyCloudEventV1 = {
        specversion: '1.0',
        id: onboarding.nextId(),
        source: options.ceSource,
        type: 'ru.sferum.chat.created',
        time: time(c.time, r),
        data: { orgId: c.orgId, chatId: c.chatId, chatKind: c.chatKind, audience: c.audience, memberCount: c.memberCount },
      };
      out.push(event);
      if (c.duplicate === true) onboarding.again.push(event);
    }
    return out;
  };

  const before = rng.fork('before');
  const onboardingBefore = onboardingRng.fork('before');
  yield merge(
    finish(registrationEvents(-Infinity, weekStartUtc(weeks[0]!, zone), before), before),
    finish(onboardingEvents(-Infinity, weekStartUtc(weeks[0]!, zone), onboardingBefore), onboardingBefore, onboarding),
    onboardingBefore,
  );
  for (const week of weeks) {
    const r = rng.fork(`week:${week}`);
    const start = weekStartUtc(week, zone);
    const end = weekEndUtc(week, zone);
    const weekFactor = 0.85 + 0.3 * r.next();
    const events = registrationEvents(start, end, r);
    for (const user of world.users) {
      const present = registeredAt(user, start) || user.timeline.some((c) => c.registered && c.time >= start && c.time < end);
      if (!present && user.script === undefined) continue;
      const { events: theirs, twice } = activityEvents(user, week, r, weekFactor);
      events.push(...theirs);
      own.again.push(...twice);
    }
    for (const e of participantEvents(week, r)) events.push(e);
    events.push(...orgFactEvents(start, end, r.fork('org-facts')));
    const ownChunk = finish(events, r);

    const o = onboardingRng.fork(`week:${week}`);
    const extra = onboardingEvents(start, end, o);
    const onboardingFactor = 0.85 + 0.3 * o.next();
    for (const user of onboarding.users) {
      const present = registeredAt(user, start) || user.timeline.some((c) => c.registered && c.time >= start && c.time < end);
      if (!present && user.script === undefined) continue;
      const { events: theirs, twice } = activityEvents(user, week, o, onboardingFactor, onboarding);
      extra.push(...theirs);
      onboarding.again.push(...twice);
    }
    extra.push(...participantEvents(week, o, onboarding));
    yield merge(ownChunk, finish(extra, o, onboarding), o);
  }
  const tail = rng.fork('tail');
  const onboardingTail = onboardingRng.fork('tail');
  if (own.late.length > 0 || own.again.length > 0 || onboarding.late.length > 0 || onboarding.again.length > 0) {
    yield merge(finish([], tail), finish([], onboardingTail, onboarding), onboardingTail);
  }
}
