/**
 * The reference answers: what the KPI service must say for every unit and
 * week, computed from the events the simulator sent and the registry it is
 * given. Independent of the pipeline on purpose: no import of the project's
 * KPI, week or aggregation code (lint enforces it), its own rules written
 * from the domain brief and the read-time placement issue.
 *
 * It keeps what every distinct event says, placed nowhere, and applies the
 * registry only in `answers()` and `unknownOrganizations()`: the registry it
 * is given is "the registry as it is now", whatever registry was in force
 * when the events were sent. The rules, exactly:
 *
 * 1. Registration in force at an instant T (a period's end, exclusive): per
 *    (organization, user, role), the latest user.registered / user.left
 *    before T, compared by the millisecond; at the very same millisecond a
 *    join wins. Only organizations in the registry count.
 * 2. A unit is a region, a municipality, a category of the region, an
 *    organization (keys "region", "municipality:<id>", "category:<cat>",
 *    "org:<id>"), all as the registry places organizations now (the
 *    registry the reference is given — which may differ from the one in
 *    force when events were sent).
 * 3. A person counts in a unit (users, teachers, students, parents,
 *    teachers without headcount) when they have a registration in force at
 *    the week's end in an organization of the unit; teachers by role
 *    teacher.
 * 4. Activity of a person in a unit for week W: an event naming an
 *    organization (orgId) counts when that organization is in the unit
 *    (whatever organization the person is registered in); its week is the
 *    ISO week of its instant in the zone of that organization's region (as
 *    the registry places it now). An event naming no organization counts
 *    for every unit the person is registered in (at W's end), its week cut
 *    in that unit's region's zone. Events naming an organization unknown to
 *    the registry count nowhere.
 * 5. Per unit and person: messages = distinct group-chat message events of
 *    the counted kinds; calls = distinct call ids taken part in (or started,
 *    by setting); "active" = any message (any chat kind) or any call.
 *    teachers_3_messages / 10 / 1_call / active_teachers as today but per
 *    (person, unit) activity as in rule 4. Organization active: 2+
 *    registered users (rule 1) at the week's end. Shares, rounding and
 *    bands as today.
 * 6. Duplicates (same CloudEvent source and id) count once.
 * 7. Unknown organizations: every orgId named by an event (any type) that
 *    the registry does not know: distinct events per type, first and last
 *    event time (truncated to whole seconds, ISO "2026-11-17T03:00:00.000Z").
 * 8. Small cells: a unit whose teacher denominator (by setting) or number
 *    of registered teachers is below the region's minTeacherDenominator
 *    (default 5; 0 teachers included) withholds teachers_10_messages and
 *    teachers_1_call (numerator, value, band null, `suppressed:
 *    "small_cell"`, the denominator kept) and the counters
 *    teachers_3_messages, teachers_10_messages, teachers_1_call and
 *    active_teachers (null); the unit says `suppressed: "small_cell"` and
 *    `minTeacherDenominator`. Every other counter and active_schools /
 *    active_orgs stay. `previous` is the week before's value as that week
 *    shows it (null when it was withheld).
 *
 * 9. Months: a calendar month is the 1st 00:00 to the next month's 1st
 *    00:00 local, in the zones of rule 4 (an event naming an organization:
 *    that organization's region's; naming none: the unit's region's).
 *    Rules 1 to 8 hold with "week" read as "month": registrations in force
 *    at the month's end, activity of the month, `previous` the month
 *    before's. No band: the bands are the federal indicators' weekly ones,
 *    so every band of a month is null.
 *
 * 10. Federal targets of a unit at a period's end (no band, not withheld):
 *    orgs_connected = its organizations connected / its organizations;
 *    schools_journal_linked = its general-education schools with the
 *    journal linked / its general-education schools; orgs_gov_label = its
 *    organizations labelled / its organizations; teachers_registered = its
 *    registered teachers (rule 3) / its headcount, where an organization
 *    without a headcount counts its registered teachers (as the headcount
 *    denominator does). An organization has a fact when the registry says
 *    so, or an event of it (ru.sferum.org.connected, .journal_linked,
 *    .gov_label_granted) happened before the end (by the millisecond).
 *    value as a share (rule 5's rounding), gap = 100 - value in hundredths,
 *    0 at or above 100, null with value; previous as rule 9.
 *
 * 11. The onboarding funnel (GET /v1/funnel; reference-funnel.ts), for every
 *    organization of the registry at an instant T (a period's end as in
 *    rules 1 and 9, excluded: only evidence strictly before T counts; a
 *    period not over at the simulator's now, its end after it, is taken at
 *    the start of now's hour, UTC, instead, and says partial):
 *    - steps 1, 2, 3 and 5: the registry's date of list_collected,
 *      passed_to_coordinators, admins_informed, structure_built, in force
 *      from 00:00 local of that date in the zone of the organization's
 *      region (that instant is the evidence);
 *    - step 2 also: the first ru.sferum.org.connected of the organization
 *      (its instant, by the millisecond), or the registry's connected = 1
 *      (undated evidence);
 *    - step 4: the first user.registered of role admin in it; step 6: the
 *      first of role teacher (a later user.left undoes neither);
 *    - step 7: the least, over persons p, of max(A_p, R_p): A_p p's first
 *      message.sent or call.joined whose orgId is the organization,
 *      truncated to whole seconds, R_p p's first user.registered in it as
 *      teacher or admin (by the millisecond); only persons with both
 *      before T (events naming no organization never count here);
 *    - step 8: the first ru.sferum.chat.created of it with audience staff.
 *    Its step is the highest with any evidence (the steps before count as
 *    passed), 0 with none; since is the earliest dated evidence of that
 *    step, null at 0 and when step 2 is shown by the undated connected
 *    only. Stuck: 1 <= step <= 7, since not null and T - since more than
 *    stuckDays x 86,400,000 ms (default 14 days); days = floor((T - since)
 *    / 86,400,000). Per unit of rule 2: organizations, notStarted (step
 *    0), completed (step 8), and per step k = 1..8 reached (step >= k),
 *    atStep (step = k) and stuck (step = k and stuck). Per region: its
 *    stuck organizations (orgId, orgName, municipalityId,
 *    municipalityName, category, step, stepId, since as an ISO instant,
 *    days), by days descending, then orgId ascending. Duplicates (rule 6)
 *    count once.
 *
 * "As today": a week is Monday 00:00 to the next Monday 00:00 local (ISO);
 * a week's end is the next Monday 00:00 local of the unit's region; a
 * message without messageKind is "text"; shares are rounded half-up to two
 * decimals; bands are decided on the exact fraction: <= lower is
 * below_norm, >= upper is good; with the headcount denominator, teachers
 * registered in organizations without a headcount stand in for it.
 */
import { type AnyCloudEventV1, type EventType } from '@sferum/contracts';
import { isMonth, isoWeekAt, mondayDate, monthAt, monthEndUtc, shiftMonth, shiftWeek, weekEndUtc } from '../zones';

export type Band = 'below_norm' | 'average' | 'good';
export const KPIS = ['active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call'] as const;
export type Kpi = (typeof KPIS)[number];
/** Rule 10. */
export const TARGETS = ['orgs_connected', 'teachers_registered', 'schools_journal_linked', 'orgs_gov_label'] as const;
export type Target = (typeof TARGETS)[number];

export interface ReferenceOrganization {
  readonly id: string;
  readonly category: string;
  readonly municipalityId: string;
  readonly regionCode: string;
  readonly headcount: number | null;
  /** What the registry states of it (rules 10 and 11); none when absent. */
  readonly facts?: { readonly connected: boolean; readonly journalLinked: boolean; readonly govLabel: boolean };
  /** Rule 11: the registry's onboarding dates; none when absent. */
  readonly onboarding?: ReferenceOnboardingDates;
  /** Its name and its municipality's, as the registry has them (rule 11's stuck list). */
  readonly name?: string;
  readonly municipalityName?: string;
}

/** Rule 11: the local date (YYYY-MM-DD) the registry states each of its onboarding steps was done, null when not yet. */
export interface ReferenceOnboardingDates {
  readonly list_collected?: string | null;
  readonly passed_to_coordinators?: string | null;
  readonly admins_informed?: string | null;
  readonly structure_built?: string | null;
}

export interface ReferenceSettings {
  readonly teacherDenominator: 'registered' | 'headcount';
  readonly callMode: 'participated' | 'initiated';
  /** null: every kind counts. */
  readonly countedMessageKinds: readonly string[] | null;
  /** Rule 8: fewer teachers than this withhold the teacher figures. */
  readonly minTeacherDenominator: number;
}

/** Rule 8's reason. */
export const SMALL_CELL = 'small_cell';

export interface ReferenceThreshold {
  readonly kpi: string;
  /** Percentages as decimal strings ("0.5"). */
  readonly lower: string;
  readonly upper: string;
  readonly effectiveFrom: string;
}

export interface ExpectedKpi {
  /** null when withheld (rule 8). */
  readonly numerator: number | null;
  readonly denominator: number;
  readonly value: number | null;
  readonly band: Band | null;
  readonly previous: number | null;
  /** Rule 8: set when withheld. */
  readonly suppressed?: typeof SMALL_CELL;
}

export interface ExpectedCounters {
  readonly orgs: number;
  readonly active_orgs: number;
  readonly registered_users: number;
  readonly registered_teachers: number;
  readonly registered_students: number;
  readonly registered_parents: number;
  readonly teacher_headcount: number;
  /** These four: null in a small cell (rule 8). */
  readonly teachers_3_messages: number | null;
  readonly teachers_10_messages: number | null;
  readonly teachers_1_call: number | null;
  readonly active_teachers: number | null;
}

/** Rule 10. */
export interface ExpectedTarget {
  readonly numerator: number;
  readonly denominator: number;
  readonly value: number | null;
  readonly gap: number | null;
  readonly previous: number | null;
}

export interface ExpectedUnit {
  readonly kpis: Record<Kpi, ExpectedKpi>;
  readonly targets: Record<Target, ExpectedTarget>;
  readonly counters: ExpectedCounters;
  /** With the headcount denominator: organizations of the unit without a headcount. */
  readonly orgsWithoutHeadcount?: number;
  /** Rule 8: a small cell, and the minimum it is below. */
  readonly suppressed?: typeof SMALL_CELL;
  readonly minTeacherDenominator?: number;
}

export interface ExpectedWeek {
  /** "region", "municipality:<id>", "category:<category>", "org:<id>". */
  readonly units: Record<string, ExpectedUnit>;
}

/** Rule 7: an organization events named that the registry does not know. */
export interface ExpectedUnknownOrganization {
  readonly orgId: string;
  /** Distinct events per CloudEvent type. */
  readonly events: Partial<Record<EventType, number>>;
  /** Truncated to whole seconds, "2026-11-17T03:00:00.000Z". */
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}

/** What one distinct event says, as it said it: nothing placed. */
interface Observed {
  readonly type: EventType;
  readonly time: number;
  readonly orgId: string | undefined;
  readonly data: AnyCloudEventV1['data'];
}

interface RegistrationHistory {
  readonly org: ReferenceOrganization;
  readonly userId: string;
  readonly role: string;
  readonly changes: [time: number, joined: boolean][];
}

/** A message or call of a person, as it counts in a region. */
interface Activity {
  /** The organization named, or none (counts wherever the person is registered). */
  readonly org: ReferenceOrganization | undefined;
  readonly message: boolean;
  readonly group: boolean;
  readonly messageKind: string;
  readonly callId: string | undefined;
  readonly initiator: boolean;
}

/** A region's events as rule 1 and rule 4 see them, indexed once per region. */
interface RegionIndex {
  readonly zone: string;
  readonly orgs: readonly ReferenceOrganization[];
  readonly histories: readonly RegistrationHistory[];
  /** userId -> week or month ("2026-W47", "2026-11") -> activity counted in this region. */
  readonly activity: ReadonlyMap<string, ReadonlyMap<string, readonly Activity[]>>;
}

/** Rule 2: the units an organization is in, by key. */
export const unitKeysOf = (o: ReferenceOrganization): string[] => ['region', `municipality:${o.municipalityId}`, `category:${o.category}`, `org:${o.id}`];
const unitsOf = unitKeysOf;

/** Is an organization (of the region) in a unit of the region? */
function inUnit(unit: string, o: ReferenceOrganization): boolean {
  if (unit === 'region') return true;
  if (unit.startsWith('municipality:')) return unit.slice('municipality:'.length) === o.municipalityId;
  if (unit.startsWith('category:')) return unit.slice('category:'.length) === o.category;
  return unit.slice('org:'.length) === o.id;
}

export class ReferenceKpi {
  private readonly seen = new Set<string>();
  private readonly observed: Observed[] = [];
  private readonly orgs: ReadonlyMap<string, ReferenceOrganization>;
  private readonly indexes = new Map<string, RegionIndex>();
  readonly counts = { received: 0, distinct: 0 };

  /**
   * @param organizations the registry as it is now (rule 2)
   * @param zoneOf the time zone of every region an organization is placed in
   */
  constructor(
    organizations: readonly ReferenceOrganization[],
    private readonly zoneOf: ReadonlyMap<string, string>,
  ) {
    this.orgs = new Map(organizations.map((o) => [o.id, o]));
    for (const o of organizations) if (!zoneOf.has(o.regionCode)) throw new Error(`no time zone for region ${o.regionCode} (organization ${o.id})`);
  }

  /** Keeps a distinct event as it is (rule 6); nothing is placed until the answers are asked. */
  observe(event: AnyCloudEventV1): void {
    this.counts.received++;
    const key = `${event.source}\u0000${event.id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.counts.distinct++;
    const time = Date.parse(event.time);
    if (Number.isNaN(time)) throw new Error(`event ${event.id}: unreadable time ${event.time}`);
    this.observed.push({ type: event.type, time, orgId: (event.data as { orgId?: string }).orgId, data: event.data });
    this.indexes.clear();
  }

  /**
   * The answers for a region's weeks or months ("2026-W47", "2026-11"; rule
   * 9), and each one's value a period earlier.
   */
  answers(region: string, periods: readonly string[], settings: ReferenceSettings, thresholds: readonly ReferenceThreshold[]): Record<string, ExpectedWeek> {
    const out: Record<string, ExpectedWeek> = {};
    const computed = new Map<string, Record<string, ExpectedUnit>>();
    const periodOf = (period: string) => {
      let units = computed.get(period);
      if (units === undefined) {
        units = this.period(region, period, settings, thresholds);
        computed.set(period, units);
      }
      return units;
    };
    for (const period of periods) {
      const now = periodOf(period);
      const before = periodOf(isMonth(period) ? shiftMonth(period, -1) : shiftWeek(period, -1));
      const units: Record<string, ExpectedUnit> = {};
      for (const [key, unit] of Object.entries(now)) {
        const kpis = Object.fromEntries(KPIS.map((k) => [k, { ...unit.kpis[k], previous: before[key]?.kpis[k].value ?? null }])) as Record<Kpi, ExpectedKpi>;
        const targets = Object.fromEntries(TARGETS.map((t) => [t, { ...unit.targets[t], previous: before[key]?.targets[t].value ?? null }])) as Record<Target, ExpectedTarget>;
        units[key] = { ...unit, kpis, targets };
      }
      out[period] = { units };
    }
    return out;
  }

  /** Rule 7, sorted by orgId. */
  unknownOrganizations(): ExpectedUnknownOrganization[] {
    const found = new Map<string, { events: Partial<Record<EventType, number>>; first: number; last: number }>();
    for (const e of this.observed) {
      if (e.orgId === undefined || this.orgs.has(e.orgId)) continue;
      const item = found.get(e.orgId) ?? { events: {}, first: e.time, last: e.time };
      item.events[e.type] = (item.events[e.type] ?? 0) + 1;
      item.first = Math.min(item.first, e.time);
      item.last = Math.max(item.last, e.time);
      found.set(e.orgId, item);
    }
    const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
    return [...found.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([orgId, i]) => ({ orgId, events: i.events, firstEventTime: seconds(i.first), lastEventTime: seconds(i.last) }));
  }

  /**
   * Rule 4's zone: an event naming an organization is weeked in the zone of
   * that organization's region, one naming none in the zone of the region
   * of the unit it counts in. (Only the specs override it, with a wrong rule
   * the answers must catch.)
   */
  protected zoneOfEvent(named: ReferenceOrganization | undefined, unitRegion: string): string {
    return this.zone(named?.regionCode ?? unitRegion);
  }

  private zone(region: string): string {
    const zone = this.zoneOf.get(region);
    if (zone === undefined) throw new Error(`no time zone for region ${region}`);
    return zone;
  }

  private index(region: string): RegionIndex {
    const cached = this.indexes.get(region);
    if (cached !== undefined) return cached;
    const zone = this.zone(region);
    const orgs = [...this.orgs.values()].filter((o) => o.regionCode === region);
    const histories = new Map<string, RegistrationHistory>();
    for (const e of this.observed) {
      if (e.type !== 'ru.sferum.user.registered' && e.type !== 'ru.sferum.user.left') continue;
      const org = this.orgs.get(e.orgId!);
      if (org === undefined || org.regionCode !== region) continue; // rule 1: only the registry's organizations
      const { userId, role } = e.data as { userId: string; role: string };
      const k = `${org.id}\u0000${userId}\u0000${role}`;
      const history = histories.get(k) ?? { org, userId, role, changes: [] };
      history.changes.push([e.time, e.type === 'ru.sferum.user.registered']);
      histories.set(k, history);
    }
    const people = new Set([...histories.values()].map((h) => h.userId));
    const activity = new Map<string, Map<string, Activity[]>>();
    for (const e of this.observed) {
      if (e.type !== 'ru.sferum.message.sent' && e.type !== 'ru.sferum.call.joined') continue;
      const named = e.orgId === undefined ? undefined : this.orgs.get(e.orgId);
      if (e.orgId !== undefined && (named === undefined || named.regionCode !== region)) continue; // unknown, or another region's
      const data = e.data as { userId: string; chatKind?: string; messageKind?: string; callId?: string; initiator?: boolean };
      if (named === undefined && !people.has(data.userId)) continue; // no organization, and never registered here
      const zone = this.zoneOfEvent(named, region);
      const byPeriod = activity.get(data.userId) ?? new Map<string, Activity[]>();
      const counted: Activity = {
        org: named,
        message: e.type === 'ru.sferum.message.sent',
        group: data.chatKind === 'group',
        messageKind: data.messageKind ?? 'text',
        callId: data.callId,
        initiator: data.initiator === true,
      };
      // Its week and its month (rule 9): the keys never collide.
      for (const period of [isoWeekAt(e.time, zone), monthAt(e.time, zone)]) {
        const list = byPeriod.get(period) ?? [];
        list.push(counted);
        byPeriod.set(period, list);
      }
      activity.set(data.userId, byPeriod);
    }
    const index: RegionIndex = { zone, orgs, histories: [...histories.values()], activity };
    this.indexes.set(region, index);
    return index;
  }

  /** A week's or a month's units (rule 9: a month has no band). */
  private period(region: string, period: string, settings: ReferenceSettings, thresholds: readonly ReferenceThreshold[]): Record<string, ExpectedUnit> {
    const minimum = settings.minTeacherDenominator;
    if (!Number.isInteger(minimum) || minimum < 1) throw new Error(`region ${region}: minTeacherDenominator must be a positive integer, got ${String(minimum)}`);
    const { zone, orgs: regionOrgs, histories, activity } = this.index(region);
    const month = isMonth(period);
    const end = month ? monthEndUtc(period, zone) : weekEndUtc(period, zone);
    const bandsOn = month ? null : mondayDate(period);

    // Rule 1: who is registered where at the period's end.
    const inForce: RegistrationHistory[] = [];
    for (const history of histories) {
      let last: [number, boolean] | undefined;
      for (const change of history.changes) {
        if (change[0] >= end) continue;
        if (last === undefined || change[0] > last[0] || (change[0] === last[0] && change[1])) last = change;
      }
      if (last?.[1] === true) inForce.push(history);
    }
    const usersOfOrg = new Map<string, Set<string>>();
    const registrationsOf = new Map<string, RegistrationHistory[]>();
    for (const h of inForce) {
      const set = usersOfOrg.get(h.org.id) ?? new Set();
      set.add(h.userId);
      usersOfOrg.set(h.org.id, set);
      const list = registrationsOf.get(h.userId) ?? [];
      list.push(h);
      registrationsOf.set(h.userId, list);
    }
    const active = (o: ReferenceOrganization) => (usersOfOrg.get(o.id)?.size ?? 0) >= 2;

    // Rule 10: what happened to each organization before the end, by event or as the registry says.
    const happened = { connected: new Set<string>(), journalLinked: new Set<string>(), govLabel: new Set<string>() };
    const factOfType: Partial<Record<EventType, keyof typeof happened>> = {
      'ru.sferum.org.connected': 'connected',
      'ru.sferum.org.journal_linked': 'journalLinked',
      'ru.sferum.org.gov_label_granted': 'govLabel',
    };
    for (const e of this.observed) {
      const fact = factOfType[e.type];
      if (fact !== undefined && e.orgId !== undefined && e.time < end) happened[fact].add(e.orgId);
    }
    const has = (o: ReferenceOrganization, fact: keyof typeof happened) => o.facts?.[fact] === true || happened[fact].has(o.id);

    // Rules 4 and 5: a person's activity in a unit.
    const counted = settings.countedMessageKinds === null ? null : new Set(settings.countedMessageKinds);
    const activityIn = (userId: string, unit: string) => {
      let messages = 0;
      let anything = false;
      const calls = new Set<string>();
      for (const a of activity.get(userId)?.get(period) ?? []) {
        if (a.org !== undefined && !inUnit(unit, a.org)) continue;
        anything = true;
        if (a.message) {
          if (a.group && (counted === null || counted.has(a.messageKind))) messages++;
        } else if (a.callId !== undefined && (settings.callMode === 'participated' || a.initiator)) {
          calls.add(a.callId);
        }
      }
      return { messages, calls: calls.size, anything };
    };

    interface Sets {
      users: Set<string>;
      teachers: Set<string>;
      students: Set<string>;
      parents: Set<string>;
      teachersWithoutHeadcount: Set<string>;
      t3: Set<string>;
      t10: Set<string>;
      t1call: Set<string>;
      activeTeachers: Set<string>;
    }
    const sets = new Map<string, Sets>();
    const setsOf = (unit: string): Sets => {
      let s = sets.get(unit);
      if (s === undefined) {
        s = {
          users: new Set(),
          teachers: new Set(),
          students: new Set(),
          parents: new Set(),
          teachersWithoutHeadcount: new Set(),
          t3: new Set(),
          t10: new Set(),
          t1call: new Set(),
          activeTeachers: new Set(),
        };
        sets.set(unit, s);
      }
      return s;
    };
    // Rule 3, person by person: the units they are registered in, with which roles.
    for (const [userId, registrations] of registrationsOf) {
      const teacherIn = new Set<string>();
      for (const h of registrations) {
        for (const unit of unitsOf(h.org)) {
          const s = setsOf(unit);
          s.users.add(userId);
          if (h.role === 'student') s.students.add(userId);
          if (h.role === 'parent') s.parents.add(userId);
          if (h.role !== 'teacher') continue;
          s.teachers.add(userId);
          if (h.org.headcount === null) s.teachersWithoutHeadcount.add(userId);
          teacherIn.add(unit);
        }
      }
      for (const unit of teacherIn) {
        const s = setsOf(unit);
        const a = activityIn(userId, unit);
        if (a.messages >= 3) s.t3.add(userId);
        if (a.messages >= 10) s.t10.add(userId);
        if (a.calls >= 1) s.t1call.add(userId);
        if (a.anything) s.activeTeachers.add(userId);
      }
    }

    const orgsOfUnit = new Map<string, ReferenceOrganization[]>();
    for (const o of regionOrgs) {
      for (const unit of unitsOf(o)) {
        const list = orgsOfUnit.get(unit) ?? [];
        list.push(o);
        orgsOfUnit.set(unit, list);
      }
    }
    const result: Record<string, ExpectedUnit> = {};
    for (const [unit, orgs] of orgsOfUnit) {
      const s = setsOf(unit);
      const general = orgs.filter((o) => o.category === 'general');
      const withoutHeadcount = orgs.filter((o) => o.headcount === null).length;
      const headcount = orgs.reduce((n, o) => n + (o.headcount ?? 0), 0);
      const teacherDenominator = settings.teacherDenominator === 'registered' ? s.teachers.size : headcount + s.teachersWithoutHeadcount.size;
      const fractions: Record<Kpi, [number, number]> = {
        active_schools: [general.filter(active).length, general.length],
        active_orgs: [orgs.filter(active).length, orgs.length],
        teachers_10_messages: [s.t10.size, teacherDenominator],
        teachers_1_call: [s.t1call.size, teacherDenominator],
      };
      // Rule 8: fewer teachers (by the denominator or registered) than the minimum.
      const small = Math.min(teacherDenominator, s.teachers.size) < minimum;
      const withheld = (kpi: Kpi) => small && (kpi === 'teachers_10_messages' || kpi === 'teachers_1_call');
      const kpis = Object.fromEntries(
        KPIS.map((kpi) => {
          const [n, d] = fractions[kpi];
          if (withheld(kpi)) return [kpi, { numerator: null, denominator: d, value: null, band: null, previous: null, suppressed: SMALL_CELL }];
          const threshold = bandsOn === null ? undefined : inForceOn(thresholds, kpi, bandsOn);
          return [kpi, { numerator: n, denominator: d, value: roundedPercent(n, d), band: threshold === undefined ? null : band(n, d, threshold), previous: null }];
        }),
      ) as Record<Kpi, ExpectedKpi>;
      const activityCount = (n: number) => (small ? null : n);
      const target = (n: number, d: number): ExpectedTarget => {
        const value = roundedPercent(n, d);
        return { numerator: n, denominator: d, value, gap: value === null ? null : Math.max(0, 10_000 - Math.round(value * 100)) / 100, previous: null };
      };
      result[unit] = {
        kpis,
        targets: {
          orgs_connected: target(orgs.filter((o) => has(o, 'connected')).length, orgs.length),
          teachers_registered: target(s.teachers.size, headcount + s.teachersWithoutHeadcount.size),
          schools_journal_linked: target(general.filter((o) => has(o, 'journalLinked')).length, general.length),
          orgs_gov_label: target(orgs.filter((o) => has(o, 'govLabel')).length, orgs.length),
        },
        counters: {
          orgs: orgs.length,
          active_orgs: fractions.active_orgs[0],
          registered_users: s.users.size,
          registered_teachers: s.teachers.size,
          registered_students: s.students.size,
          registered_parents: s.parents.size,
          teacher_headcount: headcount,
          teachers_3_messages: activityCount(s.t3.size),
          teachers_10_messages: activityCount(s.t10.size),
          teachers_1_call: activityCount(s.t1call.size),
          active_teachers: activityCount(s.activeTeachers.size),
        },
        ...(settings.teacherDenominator === 'headcount' ? { orgsWithoutHeadcount: withoutHeadcount } : {}),
        ...(small ? { suppressed: SMALL_CELL, minTeacherDenominator: minimum } : {}),
      };
    }
    return result;
  }
}

/** n/d as a percentage rounded half-up to hundredths; null when d is 0. */
export function roundedPercent(n: number, d: number): number | null {
  if (d === 0) return null;
  // hundredths = floor(n * 10000 / d + 1/2), in integers
  const hundredths = (BigInt(n) * 20_000n + BigInt(d)) / (2n * BigInt(d));
  return Number(hundredths) / 100;
}

/** A decimal string as an exact fraction [numerator, scale]. */
function decimal(text: string): [bigint, bigint] {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) throw new Error(`not a percentage: ${text}`);
  const fraction = m[2] ?? '';
  return [BigInt(m[1]! + fraction), 10n ** BigInt(fraction.length)];
}

/** The band of n/d (as a percentage) against a threshold, on the exact fraction. */
export function band(n: number, d: number, threshold: Pick<ReferenceThreshold, 'lower' | 'upper'>): Band | null {
  if (d === 0) return null;
  const [lower, lowerScale] = decimal(threshold.lower);
  const [upper, upperScale] = decimal(threshold.upper);
  // n/d*100 compared with edge/scale  <=>  n*100*scale compared with edge*d
  const atOrBelow = (edge: bigint, scale: bigint) => BigInt(n) * 100n * scale <= edge * BigInt(d);
  const atOrAbove = (edge: bigint, scale: bigint) => BigInt(n) * 100n * scale >= edge * BigInt(d);
  if (atOrBelow(lower, lowerScale)) return 'below_norm';
  if (atOrAbove(upper, upperScale)) return 'good';
  return 'average';
}

function inForceOn(thresholds: readonly ReferenceThreshold[], kpi: string, day: string): ReferenceThreshold | undefined {
  let found: ReferenceThreshold | undefined;
  for (const t of thresholds) {
    if (t.kpi !== kpi || t.effectiveFrom > day) continue;
    if (found === undefined || t.effectiveFrom > found.effectiveFrom) found = t;
  }
  return found;
}
