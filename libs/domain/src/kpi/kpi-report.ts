/**
 * The rows of a KPI answer: the region (or the filtered scope) or one row
 * per municipality, category or organization, each with the four
 * indicators (and last week's value) and the counters reported next to
 * them. Registry figures (organizations, including those without any
 * user; headcounts) come from the registry; activity figures from the
 * counters of the activity store, keyed by unit. A small cell (see
 * small-cells.ts) withholds its teacher figures, in this week and as the
 * `previous` of the next.
 */
import { type Band, type KpiId, KPI_IDS, type OrgCategory, type OrgFact, type RegistryOnboarding, type SuppressionReason, type TargetId, type TeacherDenominator } from '@sferum/contracts';
import { evaluateTargets, type TargetCounts, type TargetValue } from './federal-targets';
import { type Threshold } from './kpi-bands';
import { evaluateKpis, type KpiEvaluation, teacherDenominatorOf, type UnitCounters } from './kpi-evaluation';
import { isTeacherShareKpi, smallCellOf } from './small-cells';

export interface ReportOrganization {
  readonly orgId: string;
  readonly orgName: string;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly category: OrgCategory;
  readonly teacherHeadcount: number | null;
  /** What the registry states of it (connected, journal linked, government label); an event saying so counts too. */
  readonly facts: Readonly<Record<OrgFact, boolean>>;
  /** The dates the registry states for the onboarding steps no event shows (the funnel: onboarding-funnel.ts). */
  readonly onboarding: RegistryOnboarding;
}

/** Activity counters of one unit (see the ClickHouse counters query). */
export interface ActivityCounters {
  readonly registeredUsers: number;
  readonly registeredTeachers: number;
  readonly registeredStudents: number;
  readonly registeredParents: number;
  readonly registeredTeachersWithoutHeadcount: number;
  readonly teachers3Messages: number;
  readonly teachers10Messages: number;
  readonly teachers1Call: number;
  readonly activeTeachers: number;
}

export const GROUP_BYS = ['municipality', 'category', 'organization'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export type Level = 'region' | GroupBy;

export interface ReportScope {
  readonly municipality?: string;
  readonly category?: OrgCategory;
}

export interface KpiRowValue {
  /** Null when withheld (suppressed). */
  readonly numerator: number | null;
  readonly denominator: number;
  /** Percentage rounded half-up to two decimals; null for an empty denominator or when withheld. */
  readonly value: number | null;
  /** Decided on the exact fraction; null for an empty denominator, no threshold in force, or when withheld. */
  readonly band: Band | null;
  /** The same indicator a week earlier (value), null when it had no denominator or was withheld. */
  readonly previous: number | null;
  /** Set when this week's numerator, value and band are withheld. */
  readonly suppressed?: SuppressionReason;
}

export interface KpiRow {
  readonly level: Level;
  readonly id: string;
  readonly name: string;
  readonly kpis: Record<KpiId, KpiRowValue>;
  /** The federal targets (100%) at the period's end, and their gap to it (federal-targets.ts). */
  readonly targets: Record<TargetId, TargetValue>;
  readonly counters: {
    readonly orgs: number;
    readonly active_orgs: number;
    readonly registered_users: number;
    readonly registered_teachers: number;
    readonly registered_students: number;
    readonly registered_parents: number;
    readonly teacher_headcount: number;
    /** The counts of active teachers: null in a small cell. */
    readonly teachers_3_messages: number | null;
    readonly teachers_10_messages: number | null;
    readonly teachers_1_call: number | null;
    readonly active_teachers: number | null;
  };
  /** Set with the headcount denominator: organizations counted by their registered teachers (no headcount). */
  readonly orgsWithoutHeadcount?: number;
  /** Set on a small cell: its teacher shares, bands and counts of active teachers are withheld. */
  readonly suppressed?: SuppressionReason;
  /** Set with `suppressed`: the region's minimum it is below. */
  readonly minTeacherDenominator?: number;
}

export interface ReportInput {
  readonly region: { readonly code: string; readonly name: string };
  readonly organizations: readonly ReportOrganization[];
  readonly current: ReadonlyMap<string, ActivityCounters>;
  readonly previous: ReadonlyMap<string, ActivityCounters>;
  /** Organizations with at least 2 registered users at the end of the week, and of the week before. */
  readonly activeOrgs: ReadonlySet<string>;
  readonly previousActiveOrgs: ReadonlySet<string>;
  /** Organizations of which an event stated each fact before the end of the period, and of the one before. */
  readonly orgFacts: Readonly<Record<OrgFact, ReadonlySet<string>>>;
  readonly previousOrgFacts: Readonly<Record<OrgFact, ReadonlySet<string>>>;
  readonly groupBy?: GroupBy;
  readonly scope: ReportScope;
  readonly teacherDenominator: TeacherDenominator;
  /** The region's small-cell minimum (settings). */
  readonly minTeacherDenominator: number;
  readonly thresholds: readonly Threshold[];
  readonly weekMonday: string;
  readonly previousWeekMonday: string;
}

const NO_ACTIVITY: ActivityCounters = {
  registeredUsers: 0,
  registeredTeachers: 0,
  registeredStudents: 0,
  registeredParents: 0,
  registeredTeachersWithoutHeadcount: 0,
  teachers3Messages: 0,
  teachers10Messages: 0,
  teachers1Call: 0,
  activeTeachers: 0,
};

/** A unit of a report's rows: the region (or the scope), or one municipality, category or organization, with its organizations. */
export interface ReportUnit {
  readonly level: Level;
  readonly id: string;
  readonly name: string;
  /** The key of the unit in the activity counters. */
  readonly key: string;
  readonly orgs: readonly ReportOrganization[];
}

/** The levels of units a region's figures are counted for (the keys: scopeKey, "org:<id>"). */
export type UnitLevel = 'region' | 'municipality' | 'category' | 'municipality_category' | 'organization';

/** The one level of units whose counters the rows of a report read (reportUnits): what its figures must count. */
export function unitLevelOf(groupBy: GroupBy | undefined, scope: ReportScope): UnitLevel {
  const municipality = scope.municipality !== undefined || groupBy === 'municipality';
  const category = scope.category !== undefined || groupBy === 'category';
  if (groupBy === 'organization') return 'organization';
  if (municipality && category) return 'municipality_category';
  if (municipality) return 'municipality';
  if (category) return 'category';
  return 'region';
}

function scopeKey(scope: ReportScope): string {
  if (scope.municipality !== undefined && scope.category !== undefined) return `municipality_category:${scope.municipality}/${scope.category}`;
  if (scope.municipality !== undefined) return `municipality:${scope.municipality}`;
  if (scope.category !== undefined) return `category:${scope.category}`;
  return 'region';
}

/** The units of a report's rows, in their order: what every answer by unit (KPIs, funnel) is built on. */
export function reportUnits(input: Pick<ReportInput, 'region' | 'organizations' | 'groupBy' | 'scope'>): ReportUnit[] {
  const { scope } = input;
  const inScope = input.organizations.filter(
    (o) => (scope.municipality === undefined || o.municipalityId === scope.municipality) && (scope.category === undefined || o.category === scope.category),
  );
  switch (input.groupBy) {
    case undefined: {
      const level: Level = scope.municipality !== undefined ? 'municipality' : scope.category !== undefined ? 'category' : 'region';
      const id = scope.municipality ?? scope.category ?? input.region.code;
      const name = scope.municipality !== undefined ? (inScope[0]?.municipalityName ?? scope.municipality) : (scope.category ?? input.region.name);
      return [{ level, id, name, key: scopeKey(scope), orgs: inScope }];
    }
    case 'municipality': {
      const ids = [...new Set(inScope.map((o) => o.municipalityId))].sort();
      return ids.map((id) => {
        const orgs = inScope.filter((o) => o.municipalityId === id);
        return { level: 'municipality', id, name: orgs[0]?.municipalityName ?? id, key: scopeKey({ ...scope, municipality: id }), orgs };
      });
    }
    case 'category': {
      const ids = [...new Set(inScope.map((o) => o.category))].sort();
      return ids.map((id) => ({ level: 'category', id, name: id, key: scopeKey({ ...scope, category: id }), orgs: inScope.filter((o) => o.category === id) }));
    }
    case 'organization':
      return [...inScope]
        .sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0))
        .map((o) => ({ level: 'organization', id: o.orgId, name: o.orgName, key: `org:${o.orgId}`, orgs: [o] }));
  }
}

function countersOf(unit: ReportUnit, activity: ReadonlyMap<string, ActivityCounters>, activeOrgs: ReadonlySet<string>): UnitCounters {
  const a = activity.get(unit.key) ?? NO_ACTIVITY;
  const active = (o: ReportOrganization) => activeOrgs.has(o.orgId);
  const general = unit.orgs.filter((o) => o.category === 'general');
  return {
    orgs: unit.orgs.length,
    generalOrgs: general.length,
    activeOrgs: unit.orgs.filter(active).length,
    activeGeneralOrgs: general.filter(active).length,
    registeredUsers: a.registeredUsers,
    registeredTeachers: a.registeredTeachers,
    registeredStudents: a.registeredStudents,
    registeredParents: a.registeredParents,
    teacherHeadcount: unit.orgs.reduce((n, o) => n + (o.teacherHeadcount ?? 0), 0),
    orgsWithoutHeadcount: unit.orgs.filter((o) => o.teacherHeadcount === null).length,
    registeredTeachersWithoutHeadcount: a.registeredTeachersWithoutHeadcount,
    teachers3Messages: a.teachers3Messages,
    teachers10Messages: a.teachers10Messages,
    teachers1Call: a.teachers1Call,
    activeTeachers: a.activeTeachers,
  };
}

/** A week of a unit: its indicators and whether it is a small cell. */
function judge(counters: UnitCounters, input: ReportInput, weekMonday: string): { evaluation: KpiEvaluation; small: SuppressionReason | null } {
  const evaluation = evaluateKpis(counters, { teacherDenominator: input.teacherDenominator, thresholds: input.thresholds, weekMonday });
  const small = smallCellOf({ teacherDenominator: evaluation.teacherDenominator.value, registeredTeachers: counters.registeredTeachers }, input.minTeacherDenominator);
  return { evaluation, small };
}

/** What a unit's federal targets are computed from. */
function targetCounts(unit: ReportUnit, counters: UnitCounters, eventFacts: ReportInput['orgFacts']): TargetCounts {
  return { orgs: unit.orgs, eventFacts, registeredTeachers: counters.registeredTeachers, teacherHeadcount: teacherDenominatorOf(counters, 'headcount').value };
}

export function buildKpiRows(input: ReportInput): KpiRow[] {
  return reportUnits(input).map((unit) => {
    const counters = countersOf(unit, input.current, input.activeOrgs);
    const previousCounters = countersOf(unit, input.previous, input.previousActiveOrgs);
    const now = judge(counters, input, input.weekMonday);
    const before = judge(previousCounters, input, input.previousWeekMonday);
    const kpis = Object.fromEntries(
      KPI_IDS.map((kpi): [KpiId, KpiRowValue] => {
        const { numerator, denominator, value, band } = now.evaluation.kpis[kpi];
        const teacherShare = isTeacherShareKpi(kpi);
        const previous = teacherShare && before.small !== null ? null : before.evaluation.kpis[kpi].value;
        if (teacherShare && now.small !== null) return [kpi, { numerator: null, denominator, value: null, band: null, previous, suppressed: now.small }];
        return [kpi, { numerator, denominator, value, band, previous }];
      }),
    ) as Record<KpiId, KpiRowValue>;
    const activity = (count: number) => (now.small === null ? count : null);
    return {
      level: unit.level,
      id: unit.id,
      name: unit.name,
      kpis,
      targets: evaluateTargets(targetCounts(unit, counters, input.orgFacts), targetCounts(unit, previousCounters, input.previousOrgFacts)),
      counters: {
        orgs: counters.orgs,
        active_orgs: counters.activeOrgs,
        registered_users: counters.registeredUsers,
        registered_teachers: counters.registeredTeachers,
        registered_students: counters.registeredStudents,
        registered_parents: counters.registeredParents,
        teacher_headcount: counters.teacherHeadcount,
        teachers_3_messages: activity(counters.teachers3Messages),
        teachers_10_messages: activity(counters.teachers10Messages),
        teachers_1_call: activity(counters.teachers1Call),
        active_teachers: activity(counters.activeTeachers),
      },
      ...(input.teacherDenominator === 'headcount' ? { orgsWithoutHeadcount: now.evaluation.teacherDenominator.orgsCountedByRegisteredTeachers } : {}),
      ...(now.small === null ? {} : { suppressed: now.small, minTeacherDenominator: input.minTeacherDenominator }),
    };
  });
}
