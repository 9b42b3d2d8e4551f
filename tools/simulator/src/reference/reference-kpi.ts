/**
 * The reference answers: what the KPI service must say for every unit and
 * week, computed straight from the events the simulator sent and the
 * registry it wrote. Independent of the pipeline on purpose: no import of
 * the project's KPI, week or aggregation code (lint enforces it), its own
 * rules written from the domain brief:
 *
 * - an event sent twice (same source and id) counts once;
 * - an event's week is the ISO week of its time in the zone of its
 *   organization's region (the source's home region when it names none or
 *   one the registry does not know);
 * - a user is registered in an organization with a role at a week's end
 *   when the last registration change before Monday 00:00 local of the
 *   next week (a join wins a tie) is a join; only organizations in the
 *   registry count, events naming others are "unassigned";
 * - an organization is active with 2+ registered users (any role);
 * - a teacher's messages are group-chat messages of the counted kinds;
 *   calls are distinct calls taken part in (or started, by setting);
 *   active teachers wrote anything or took part in a call;
 * - shares are rounded half-up to two decimals; bands are decided on the
 *   exact fraction: <= lower is below_norm, >= upper is good.
 */
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { isoWeekAt, mondayDate, shiftWeek, weekEndUtc } from '../zones';

export type Band = 'below_norm' | 'average' | 'good';
export const KPIS = ['active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call'] as const;
export type Kpi = (typeof KPIS)[number];

export interface ReferenceOrganization {
  readonly id: string;
  readonly category: string;
  readonly municipalityId: string;
  readonly regionCode: string;
  readonly headcount: number | null;
}

export interface ReferenceSettings {
  readonly teacherDenominator: 'registered' | 'headcount';
  readonly callMode: 'participated' | 'initiated';
  /** null: every kind counts. */
  readonly countedMessageKinds: readonly string[] | null;
}

export interface ReferenceThreshold {
  readonly kpi: string;
  /** Percentages as decimal strings ("0.5"). */
  readonly lower: string;
  readonly upper: string;
  readonly effectiveFrom: string;
}

export interface ExpectedKpi {
  readonly numerator: number;
  readonly denominator: number;
  readonly value: number | null;
  readonly band: Band | null;
  readonly previous: number | null;
}

export interface ExpectedCounters {
  readonly orgs: number;
  readonly active_orgs: number;
  readonly registered_users: number;
  readonly registered_teachers: number;
  readonly registered_students: number;
  readonly registered_parents: number;
  readonly teacher_headcount: number;
  readonly teachers_3_messages: number;
  readonly teachers_10_messages: number;
  readonly teachers_1_call: number;
  readonly active_teachers: number;
}

export interface ExpectedUnit {
  readonly kpis: Record<Kpi, ExpectedKpi>;
  readonly counters: ExpectedCounters;
  /** With the headcount denominator: organizations of the unit without a headcount. */
  readonly orgsWithoutHeadcount?: number;
}

export interface ExpectedWeek {
  readonly unassignedEvents: number;
  /** "region", "municipality:<id>", "category:<category>", "org:<id>". */
  readonly units: Record<string, ExpectedUnit>;
}

interface Activity {
  groupByKind: Map<string, number>;
  anything: number;
  calls: Set<string>;
  callsStarted: Set<string>;
}

interface RegistrationHistory {
  readonly orgId: string;
  readonly userId: string;
  readonly role: string;
  readonly changes: [time: number, registered: boolean][];
}

export class ReferenceKpi {
  private readonly seen = new Set<string>();
  private readonly registrations = new Map<string, RegistrationHistory>();
  private readonly activity = new Map<string, Activity>();
  private readonly unassigned = new Map<string, number>();
  private readonly orgs: Map<string, ReferenceOrganization>;
  readonly counts = { received: 0, distinct: 0 };

  constructor(
    organizations: readonly ReferenceOrganization[],
    private readonly zoneOf: ReadonlyMap<string, string>,
    private readonly homeRegion: string,
  ) {
    this.orgs = new Map(organizations.map((o) => [o.id, o]));
    if (!zoneOf.has(homeRegion)) throw new Error(`no time zone for the home region ${homeRegion}`);
  }

  observe(event: AnyCloudEventV1): void {
    this.counts.received++;
    const key = `${event.source}\u0000${event.id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.counts.distinct++;

    const data = event.data as { orgId?: string; userId?: string };
    const org = data.orgId === undefined ? undefined : this.orgs.get(data.orgId);
    const unassigned = data.orgId !== undefined && org === undefined;
    const region = org?.regionCode ?? this.homeRegion;
    const time = Date.parse(event.time);
    if (Number.isNaN(time)) throw new Error(`event ${event.id}: unreadable time ${event.time}`);
    const week = isoWeekAt(time, this.zoneOf.get(region)!);
    if (unassigned) this.unassigned.set(`${region}\u0000${week}`, (this.unassigned.get(`${region}\u0000${week}`) ?? 0) + 1);

    switch (event.type) {
      case 'ru.sferum.user.registered':
      case 'ru.sferum.user.left': {
        if (org === undefined) return;
        const { userId, role } = event.data;
        const k = `${org.id}\u0000${userId}\u0000${role}`;
        const history = this.registrations.get(k) ?? { orgId: org.id, userId, role, changes: [] };
        history.changes.push([time, event.type === 'ru.sferum.user.registered']);
        this.registrations.set(k, history);
        return;
      }
      case 'ru.sferum.message.sent': {
        const a = this.activityOf(event.data.userId, week);
        a.anything++;
        if (event.data.chatKind === 'group') {
          const kind = event.data.messageKind ?? 'text';
          a.groupByKind.set(kind, (a.groupByKind.get(kind) ?? 0) + 1);
        }
        return;
      }
      case 'ru.sferum.call.joined': {
        const a = this.activityOf(event.data.userId, week);
        a.calls.add(event.data.callId);
        if (event.data.initiator) a.callsStarted.add(event.data.callId);
        return;
      }
      case 'ru.sferum.org.connected':
        return;
    }
  }

  /** The answers for a region's weeks (and each week's value a week earlier). */
  answers(region: string, weeks: readonly string[], settings: ReferenceSettings, thresholds: readonly ReferenceThreshold[]): Record<string, ExpectedWeek> {
    const out: Record<string, ExpectedWeek> = {};
    const computed = new Map<string, Record<string, ExpectedUnit>>();
    const weekOf = (week: string) => {
      let units = computed.get(week);
      if (units === undefined) {
        units = this.week(region, week, settings, thresholds);
        computed.set(week, units);
      }
      return units;
    };
    for (const week of weeks) {
      const now = weekOf(week);
      const before = weekOf(shiftWeek(week, -1));
      const units: Record<string, ExpectedUnit> = {};
      for (const [key, unit] of Object.entries(now)) {
        const kpis = Object.fromEntries(KPIS.map((k) => [k, { ...unit.kpis[k], previous: before[key]?.kpis[k].value ?? null }])) as Record<Kpi, ExpectedKpi>;
        units[key] = { ...unit, kpis };
      }
      out[week] = { unassignedEvents: this.unassigned.get(`${region}\u0000${week}`) ?? 0, units };
    }
    return out;
  }

  private activityOf(userId: string, week: string): Activity {
    const k = `${userId}\u0000${week}`;
    let a = this.activity.get(k);
    if (a === undefined) {
      a = { groupByKind: new Map(), anything: 0, calls: new Set(), callsStarted: new Set() };
      this.activity.set(k, a);
    }
    return a;
  }

  private week(region: string, week: string, settings: ReferenceSettings, thresholds: readonly ReferenceThreshold[]): Record<string, ExpectedUnit> {
    const zone = this.zoneOf.get(region);
    if (zone === undefined) throw new Error(`no time zone for region ${region}`);
    const end = weekEndUtc(week, zone);
    const monday = mondayDate(week);
    const regionOrgs = [...this.orgs.values()].filter((o) => o.regionCode === region);
    const unitsOf = (o: ReferenceOrganization) => ['region', `municipality:${o.municipalityId}`, `category:${o.category}`, `org:${o.id}`];

    // Who is registered where at the week's end.
    const inForce: RegistrationHistory[] = [];
    for (const history of this.registrations.values()) {
      if (this.orgs.get(history.orgId)!.regionCode !== region) continue;
      let last: [number, boolean] | undefined;
      for (const change of history.changes) {
        if (change[0] >= end) continue;
        if (last === undefined || change[0] > last[0] || (change[0] === last[0] && change[1])) last = change;
      }
      if (last?.[1] === true) inForce.push(history);
    }
    const usersOfOrg = new Map<string, Set<string>>();
    for (const h of inForce) {
      const set = usersOfOrg.get(h.orgId) ?? new Set();
      set.add(h.userId);
      usersOfOrg.set(h.orgId, set);
    }
    const active = (o: ReferenceOrganization) => (usersOfOrg.get(o.id)?.size ?? 0) >= 2;

    const counted = settings.countedMessageKinds === null ? null : new Set(settings.countedMessageKinds);
    const activityOf = (userId: string) => {
      const a = this.activity.get(`${userId}\u0000${week}`);
      if (a === undefined) return { messages: 0, calls: 0, anything: false };
      let messages = 0;
      for (const [kind, n] of a.groupByKind) if (counted === null || counted.has(kind)) messages += n;
      const calls = settings.callMode === 'participated' ? a.calls.size : a.callsStarted.size;
      return { messages, calls, anything: a.anything > 0 || a.calls.size > 0 };
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
    for (const h of inForce) {
      const org = this.orgs.get(h.orgId)!;
      const a = activityOf(h.userId);
      for (const unit of unitsOf(org)) {
        const s = setsOf(unit);
        s.users.add(h.userId);
        if (h.role === 'student') s.students.add(h.userId);
        if (h.role === 'parent') s.parents.add(h.userId);
        if (h.role !== 'teacher') continue;
        s.teachers.add(h.userId);
        if (org.headcount === null) s.teachersWithoutHeadcount.add(h.userId);
        if (a.messages >= 3) s.t3.add(h.userId);
        if (a.messages >= 10) s.t10.add(h.userId);
        if (a.calls >= 1) s.t1call.add(h.userId);
        if (a.anything) s.activeTeachers.add(h.userId);
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
      const kpis = Object.fromEntries(
        KPIS.map((kpi) => {
          const [n, d] = fractions[kpi];
          const threshold = inForceOn(thresholds, kpi, monday);
          return [kpi, { numerator: n, denominator: d, value: roundedPercent(n, d), band: threshold === undefined ? null : band(n, d, threshold), previous: null }];
        }),
      ) as Record<Kpi, ExpectedKpi>;
      result[unit] = {
        kpis,
        counters: {
          orgs: orgs.length,
          active_orgs: fractions.active_orgs[0],
          registered_users: s.users.size,
          registered_teachers: s.teachers.size,
          registered_students: s.students.size,
          registered_parents: s.parents.size,
          teacher_headcount: headcount,
          teachers_3_messages: s.t3.size,
          teachers_10_messages: s.t10.size,
          teachers_1_call: s.t1call.size,
          active_teachers: s.activeTeachers.size,
        },
        ...(settings.teacherDenominator === 'headcount' ? { orgsWithoutHeadcount: withoutHeadcount } : {}),
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
