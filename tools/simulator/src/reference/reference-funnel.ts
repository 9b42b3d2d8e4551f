/**
 * The reference onboarding funnel: rule 11 of reference-kpi.ts, what
 * GET /v1/funnel must say for every unit, week and month, computed from the
 * events the simulator sent and the registry it is given ("the registry as
 * it is now", as for the KPIs). Written from the domain brief's onboarding
 * flow and the funnel issue, apart from the pipeline's code on purpose (lint
 * enforces it): only the contract's step ids come from @sferum/contracts.
 *
 * It keeps, per organization, the first instant of each event evidence
 * (the first connection, the first administrator and teacher registered,
 * the first whole-staff chat) and per person the first registration as
 * teacher or administrator and the first activity naming it. Only minima
 * are kept, so an event sent twice (rule 11's duplicates) changes nothing.
 */
import { type AnyCloudEventV1, ONBOARDING_STEPS, type OnboardingStep } from '@sferum/contracts';
import { isMonth, localMidnightUtc, monthEndUtc, weekEndUtc } from '../zones';
import { type ReferenceOnboardingDates, type ReferenceOrganization, unitKeysOf } from './reference-kpi';

/** Rule 11: how long an organization may stand at a step before it is stuck, by default. */
export const REFERENCE_STUCK_DAYS = 14;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The registry columns of steps 1, 2, 3 and 5 (rule 11), by step number. */
const REGISTRY_STEP_COLUMNS: Readonly<Record<number, keyof ReferenceOnboardingDates>> = { 1: 'list_collected', 2: 'passed_to_coordinators', 3: 'admins_informed', 5: 'structure_built' };

export interface ExpectedFunnelStep {
  readonly step: number;
  readonly id: OnboardingStep;
  /** Organizations at this step or further. */
  readonly reached: number;
  /** Organizations at exactly this step. */
  readonly atStep: number;
  /** Of those, the stuck ones (steps 1 to 7). */
  readonly stuck: number;
}

export interface ExpectedFunnelUnit {
  readonly organizations: number;
  /** Step 0: no evidence of any step. */
  readonly notStarted: number;
  /** Step 8. */
  readonly completed: number;
  readonly steps: readonly ExpectedFunnelStep[];
}

export interface ExpectedStuckOrganization {
  readonly orgId: string;
  readonly orgName: string;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly category: string;
  readonly step: number;
  readonly stepId: OnboardingStep;
  /** ISO instant, milliseconds ("2026-10-02T03:00:00.500Z"). */
  readonly since: string;
  readonly days: number;
}

export interface ExpectedFunnel {
  /** The instant T the funnel is taken at (the period's end, excluded; for a period not over, the start of now's hour). */
  readonly at: string;
  /** The period was not over at the simulator's now. */
  readonly partial: boolean;
  readonly stuckDays: number;
  /** "region", "municipality:<id>", "category:<cat>", "org:<id>", as the KPI units. */
  readonly units: Record<string, ExpectedFunnelUnit>;
  /** The region's stuck organizations: days descending, then orgId ascending. */
  readonly stuck: readonly ExpectedStuckOrganization[];
}

/** An organization's place at an instant (rule 11). */
export interface ReferencePlace {
  /** 0 to 8. */
  readonly step: number;
  /** The earliest dated evidence of the step; null at 0, or for step 2 shown only by the registry's undated connected. */
  readonly sinceMs: number | null;
}

interface Person {
  /** First message or call naming the organization, truncated to whole seconds. */
  active: number;
  /** First registration in the organization as teacher or administrator. */
  registered: number;
}

interface EventEvidence {
  connected: number;
  admin: number;
  teacher: number;
  staffChat: number;
  readonly people: Map<string, Person>;
}

/** Per step number 1..8 the dated instants of its evidence (index 0 unused), and step 2's undated flag. */
interface Instants {
  readonly dated: readonly (readonly number[])[];
  readonly undatedStep2: boolean;
}

const none = (): EventEvidence => ({ connected: Infinity, admin: Infinity, teacher: Infinity, staffChat: Infinity, people: new Map() });

export class ReferenceFunnel {
  private readonly orgs: ReadonlyMap<string, ReferenceOrganization>;
  private readonly evidence = new Map<string, EventEvidence>();

  /**
   * @param organizations the registry as it is now (its onboarding dates, connected statement, names and places)
   * @param zoneOf the time zone of every region an organization is placed in
   */
  constructor(
    organizations: readonly ReferenceOrganization[],
    private readonly zoneOf: ReadonlyMap<string, string>,
  ) {
    this.orgs = new Map(organizations.map((o) => [o.id, o]));
    for (const o of organizations) if (!zoneOf.has(o.regionCode)) throw new Error(`no time zone for region ${o.regionCode} (organization ${o.id})`);
  }

  observe(event: AnyCloudEventV1): void {
    const time = Date.parse(event.time);
    if (Number.isNaN(time)) throw new Error(`event ${event.id}: unreadable time ${event.time}`);
    const data = event.data as { orgId?: string; userId?: string; role?: string; audience?: string };
    if (data.orgId === undefined) return; // rule 11: evidence names its organization
    const of = () => {
      let e = this.evidence.get(data.orgId!);
      if (e === undefined) this.evidence.set(data.orgId!, (e = none()));
      return e;
    };
    const person = (e: EventEvidence) => {
      let p = e.people.get(data.userId!);
      if (p === undefined) e.people.set(data.userId!, (p = { active: Infinity, registered: Infinity }));
      return p;
    };
    switch (event.type) {
      case 'ru.sferum.org.connected': {
        const e = of();
        e.connected = Math.min(e.connected, time);
        break;
      }
      case 'ru.sferum.user.registered': {
        if (data.role !== 'admin' && data.role !== 'teacher') break;
        const e = of();
        if (data.role === 'admin') e.admin = Math.min(e.admin, time);
        else e.teacher = Math.min(e.teacher, time);
        const p = person(e);
        p.registered = Math.min(p.registered, time);
        break;
      }
      case 'ru.sferum.message.sent':
      case 'ru.sferum.call.joined': {
        const p = person(of());
        p.active = Math.min(p.active, Math.floor(time / 1000) * 1000);
        break;
      }
      case 'ru.sferum.chat.created': {
        if (data.audience !== 'staff') break;
        const e = of();
        e.staffChat = Math.min(e.staffChat, time);
        break;
      }
      case 'ru.sferum.user.left': // rule 11: a leave undoes no step
      case 'ru.sferum.org.journal_linked':
      case 'ru.sferum.org.gov_label_granted':
        break;
    }
  }

  /**
   * The funnel of a region's weeks and months ("2026-W47", "2026-11"), at
   * each one's end; a period not over at `nowMs` (its end after it) at the
   * start of now's hour instead (rule 11).
   */
  answers(region: string, periods: readonly string[], stuckDays: number = REFERENCE_STUCK_DAYS, nowMs: number = Infinity): Record<string, ExpectedFunnel> {
    if (!Number.isInteger(stuckDays) || stuckDays < 0) throw new Error(`stuckDays must be a non-negative integer, got ${String(stuckDays)}`);
    const zone = this.zone(region);
    const orgs = [...this.orgs.values()].filter((o) => o.regionCode === region);
    const instants = new Map(orgs.map((o) => [o.id, this.instants(o)]));
    const out: Record<string, ExpectedFunnel> = {};
    for (const period of periods) {
      const end = isMonth(period) ? monthEndUtc(period, zone) : weekEndUtc(period, zone);
      const partial = end > nowMs;
      const at = partial ? Math.min(end, Math.floor(nowMs / HOUR_MS) * HOUR_MS) : end;
      out[period] = { ...this.funnelAt(orgs, instants, at, stuckDays), partial };
    }
    return out;
  }

  /** Rule 11 for one organization of the registry at an instant. */
  placeAt(orgId: string, at: number): ReferencePlace {
    const o = this.orgs.get(orgId);
    if (o === undefined) throw new Error(`no organization ${orgId} in the registry`);
    return place(this.instants(o), at);
  }

  private funnelAt(orgs: readonly ReferenceOrganization[], instants: ReadonlyMap<string, Instants>, at: number, stuckDays: number): Omit<ExpectedFunnel, 'partial'> {
    interface Tally {
      organizations: number;
      atStep: number[];
      stuck: number[];
    }
    const tallies = new Map<string, Tally>();
    const stuck: ExpectedStuckOrganization[] = [];
    for (const o of orgs) {
      const { step, sinceMs } = place(instants.get(o.id)!, at);
      const isStuck = step >= 1 && step <= 7 && sinceMs !== null && at - sinceMs > stuckDays * DAY_MS;
      for (const unit of unitKeysOf(o)) {
        let t = tallies.get(unit);
        if (t === undefined) tallies.set(unit, (t = { organizations: 0, atStep: new Array<number>(9).fill(0), stuck: new Array<number>(9).fill(0) }));
        t.organizations++;
        t.atStep[step]!++;
        if (isStuck) t.stuck[step]!++;
      }
      if (isStuck) {
        if (o.name === undefined || o.municipalityName === undefined) throw new Error(`organization ${o.id}: the stuck list names it and its municipality, the registry given has no name`);
        stuck.push({
          orgId: o.id,
          orgName: o.name,
          municipalityId: o.municipalityId,
          municipalityName: o.municipalityName,
          category: o.category,
          step,
          stepId: ONBOARDING_STEPS[step - 1]!,
          since: new Date(sinceMs).toISOString(),
          days: Math.floor((at - sinceMs) / DAY_MS),
        });
      }
    }
    const units: Record<string, ExpectedFunnelUnit> = {};
    for (const [unit, t] of tallies) {
      const steps: ExpectedFunnelStep[] = ONBOARDING_STEPS.map((id, i) => {
        const step = i + 1;
        let reached = 0;
        for (let k = step; k <= 8; k++) reached += t.atStep[k]!;
        return { step, id, reached, atStep: t.atStep[step]!, stuck: t.stuck[step]! };
      });
      units[unit] = { organizations: t.organizations, notStarted: t.atStep[0]!, completed: t.atStep[8]!, steps };
    }
    stuck.sort((a, b) => b.days - a.days || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
    return { at: new Date(at).toISOString(), stuckDays, units, stuck };
  }

  /** The dated evidence of every step of an organization, from the registry (its region's zone) and the events. */
  private instants(o: ReferenceOrganization): Instants {
    const dated: number[][] = Array.from({ length: 9 }, () => []);
    const zone = this.zone(o.regionCode);
    for (const [step, column] of Object.entries(REGISTRY_STEP_COLUMNS)) {
      const date = o.onboarding?.[column];
      if (date !== undefined && date !== null) dated[Number(step)]!.push(localMidnightUtc(date, zone));
    }
    const e = this.evidence.get(o.id) ?? none();
    let staffActive = Infinity;
    for (const p of e.people.values()) staffActive = Math.min(staffActive, Math.max(p.active, p.registered));
    const add = (step: number, t: number) => {
      if (t !== Infinity) dated[step]!.push(t);
    };
    add(2, e.connected);
    add(4, e.admin);
    add(6, e.teacher);
    add(7, staffActive);
    add(8, e.staffChat);
    return { dated, undatedStep2: o.facts?.connected === true };
  }

  private zone(region: string): string {
    const zone = this.zoneOf.get(region);
    if (zone === undefined) throw new Error(`no time zone for region ${region}`);
    return zone;
  }
}

/** The furthest step with evidence strictly before `at`, and the earliest dated evidence of it. */
function place(instants: Instants, at: number): ReferencePlace {
  for (let step = 8; step >= 1; step--) {
    const before = instants.dated[step]!.filter((t) => t < at);
    if (before.length > 0) return { step, sinceMs: Math.min(...before) };
    if (step === 2 && instants.undatedStep2) return { step, sinceMs: null };
  }
  return { step: 0, sinceMs: null };
}
