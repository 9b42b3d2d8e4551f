/**
 * The rows of a KPI answer: the region (or the filtered scope) or one row
 * per municipality, category or organization, each with the four
 * indicators (and last week's value) and the counters reported next to
 * them. Registry figures (organizations, including those without any
 * user; headcounts) come from the registry; activity figures from the
 * counters of the activity store, keyed by unit.
 */
import { type KpiId, KPI_IDS, type OrgCategory, type TeacherDenominator } from '@sferum/contracts';
import { type Threshold } from './kpi-bands';
import { evaluateKpis, type KpiValue, type UnitCounters } from './kpi-evaluation';

export interface ReportOrganization {
  readonly orgId: string;
  readonly orgName: string;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly category: OrgCategory;
  readonly teacherHeadcount: number | null;
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

export interface KpiRowValue extends KpiValue {
  /** The same indicator a week earlier (value), null when it had no denominator. */
  readonly previous: number | null;
}

export interface KpiRow {
  readonly level: Level;
  readonly id: string;
  readonly name: string;
  readonly kpis: Record<KpiId, KpiRowValue>;
  readonly counters: {
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
  };
  /** Set with the headcount denominator: organizations counted by their registered teachers (no headcount). */
  readonly orgsWithoutHeadcount?: number;
}

export interface ReportInput {
  readonly region: { readonly code: string; readonly name: string };
  readonly organizations: readonly ReportOrganization[];
  readonly current: ReadonlyMap<string, ActivityCounters>;
  readonly previous: ReadonlyMap<string, ActivityCounters>;
  /** Organizations with at least 2 registered users at the end of the week, and of the week before. */
  readonly activeOrgs: ReadonlySet<string>;
  readonly previousActiveOrgs: ReadonlySet<string>;
  readonly groupBy?: GroupBy;
  readonly scope: ReportScope;
  readonly teacherDenominator: TeacherDenominator;
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

interface Unit {
  readonly level: Level;
  readonly id: string;
  readonly name: string;
  /** The key of the unit in the activity counters. */
  readonly key: string;
  readonly orgs: readonly ReportOrganization[];
}

function scopeKey(scope: ReportScope): string {
  if (scope.municipality !== undefined && scope.category !== undefined) return `municipality_category:${scope.municipality}/${scope.category}`;
  if (scope.municipality !== undefined) return `municipality:${scope.municipality}`;
  if (scope.category !== undefined) return `category:${scope.category}`;
  return 'region';
}

function unitsOf(input: ReportInput): Unit[] {
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

function countersOf(unit: Unit, activity: ReadonlyMap<string, ActivityCounters>, activeOrgs: ReadonlySet<string>): UnitCounters {
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

export function buildKpiRows(input: ReportInput): KpiRow[] {
  return unitsOf(input).map((unit) => {
    const counters = countersOf(unit, input.current, input.activeOrgs);
    const now = evaluateKpis(counters, { teacherDenominator: input.teacherDenominator, thresholds: input.thresholds, weekMonday: input.weekMonday });
    const before = evaluateKpis(countersOf(unit, input.previous, input.previousActiveOrgs), {
      teacherDenominator: input.teacherDenominator,
      thresholds: input.thresholds,
      weekMonday: input.previousWeekMonday,
    });
    const kpis = Object.fromEntries(KPI_IDS.map((kpi) => [kpi, { ...now.kpis[kpi], previous: before.kpis[kpi].value }])) as Record<KpiId, KpiRowValue>;
    return {
      level: unit.level,
      id: unit.id,
      name: unit.name,
      kpis,
      counters: {
        orgs: counters.orgs,
        active_orgs: counters.activeOrgs,
        registered_users: counters.registeredUsers,
        registered_teachers: counters.registeredTeachers,
        registered_students: counters.registeredStudents,
        registered_parents: counters.registeredParents,
        teacher_headcount: counters.teacherHeadcount,
        teachers_3_messages: counters.teachers3Messages,
        teachers_10_messages: counters.teachers10Messages,
        teachers_1_call: counters.teachers1Call,
        active_teachers: counters.activeTeachers,
      },
      ...(input.teacherDenominator === 'headcount' ? { orgsWithoutHeadcount: now.teacherDenominator.orgsCountedByRegisteredTeachers } : {}),
    };
  });
}
