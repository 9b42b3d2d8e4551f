import { NO_EVENT_FACTS, NO_REGISTRY_FACTS } from './federal-targets';
import { NO_REGISTRY_ONBOARDING } from '../onboarding/onboarding-funnel';
import { FEDERAL_THRESHOLDS_2023 } from './kpi-bands';
import { buildKpiRows, unitLevelOf, type ActivityCounters, type GroupBy, type ReportInput, type ReportOrganization, type ReportScope, type UnitLevel } from './kpi-report';

const org = (orgId: string, municipalityId: string, category: ReportOrganization['category'], teacherHeadcount: number | null): ReportOrganization => ({
  orgId,
  orgName: `Org ${orgId}`,
  municipalityId,
  municipalityName: `Mun ${municipalityId}`,
  category,
  teacherHeadcount,
  facts: NO_REGISTRY_FACTS,
  onboarding: NO_REGISTRY_ONBOARDING,
});
const counters = (c: Partial<ActivityCounters>): ActivityCounters => ({
  registeredUsers: 0,
  registeredTeachers: 0,
  registeredStudents: 0,
  registeredParents: 0,
  registeredTeachersWithoutHeadcount: 0,
  teachers3Messages: 0,
  teachers10Messages: 0,
  teachers1Call: 0,
  activeTeachers: 0,
  ...c,
});

const ORGS = [org('s1', 'm1', 'general', 40), org('s2', 'm1', 'general', null), org('s3', 'm2', 'general', 10), org('c1', 'm2', 'spo', 20)];
const current = new Map<string, ActivityCounters>([
  ['region', counters({ registeredUsers: 30, registeredTeachers: 20, teachers10Messages: 5, teachers1Call: 1, registeredTeachersWithoutHeadcount: 4 })],
  ['municipality:m1', counters({ registeredUsers: 25, registeredTeachers: 16, teachers10Messages: 4 })],
  ['municipality:m2', counters({ registeredUsers: 5, registeredTeachers: 4, teachers10Messages: 1 })],
  ['category:general', counters({ registeredUsers: 28, registeredTeachers: 19 })],
  ['municipality_category:m2/general', counters({ registeredUsers: 1, registeredTeachers: 1 })],
  ['org:s1', counters({ registeredUsers: 20, registeredTeachers: 12 })],
  ['org:s2', counters({ registeredUsers: 5, registeredTeachers: 4 })],
  ['org:s3', counters({ registeredUsers: 1, registeredTeachers: 1 })],
  ['org:c1', counters({ registeredUsers: 4, registeredTeachers: 3 })],
]);
const previous = new Map<string, ActivityCounters>([['region', counters({ registeredTeachers: 20, teachers10Messages: 2 })]]);

const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  region: { code: '54', name: 'Новосибирская область' },
  organizations: ORGS,
  current,
  previous,
  activeOrgs: new Set(['s1', 's2', 'c1']),
  previousActiveOrgs: new Set(),
  orgFacts: NO_EVENT_FACTS,
  previousOrgFacts: NO_EVENT_FACTS,
  scope: {},
  teacherDenominator: 'registered',
  minTeacherDenominator: 5,
  thresholds: FEDERAL_THRESHOLDS_2023,
  weekMonday: '2023-05-08',
  previousWeekMonday: '2023-05-01',
  ...overrides,
});

describe('buildKpiRows', () => {
  it('the region row: registry figures (including organizations without users), activity figures, last week', () => {
    const [row] = buildKpiRows(input());
    expect(row).toMatchObject({ level: 'region', id: '54', name: 'Новосибирская область' });
    expect(row?.counters).toEqual({
      orgs: 4,
      active_orgs: 3, // s1, s2, c1 have >= 2 users; s3 has 1
      registered_users: 30,
      registered_teachers: 20,
      registered_students: 0,
      registered_parents: 0,
      teacher_headcount: 70,
      teachers_3_messages: 0,
      teachers_10_messages: 5,
      teachers_1_call: 1,
      active_teachers: 0,
    });
    expect(row?.kpis.active_schools).toEqual({ numerator: 2, denominator: 3, value: 66.67, band: 'average', previous: 0 });
    expect(row?.kpis.teachers_10_messages).toEqual({ numerator: 5, denominator: 20, value: 25, band: 'good', previous: 10 });
    expect(row?.kpis.teachers_1_call).toMatchObject({ numerator: 1, denominator: 20, value: 5, band: 'good' });
  });

  it('the federal targets of each unit: registry statements and events before the end, the headcount with its fallback, the period before', () => {
    const organizations = [{ ...ORGS[0]!, facts: { ...NO_REGISTRY_FACTS, connected: true } }, ORGS[1]!, ORGS[2]!, { ...ORGS[3]!, facts: { ...NO_REGISTRY_FACTS, gov_label: true } }];
    const orgFacts = { connected: new Set(['s3']), journal_linked: new Set(['s1', 'c1']), gov_label: new Set<string>() };
    const [region] = buildKpiRows(input({ organizations, orgFacts }));
    expect(region?.targets).toEqual({
      orgs_connected: { numerator: 2, denominator: 4, value: 50, gap: 50, previous: 25 }, // s1 by the registry, s3 by an event; before, s1 only
      // 20 registered of a headcount of 70 and 4 registered teachers of s2, which has none
      teachers_registered: { numerator: 20, denominator: 74, value: 27.03, gap: 72.97, previous: 28.57 }, // before: 20 of 70, none of s2 registered
      schools_journal_linked: { numerator: 1, denominator: 3, value: 33.33, gap: 66.67, previous: 0 }, // c1 is no school
      orgs_gov_label: { numerator: 1, denominator: 4, value: 25, gap: 75, previous: 25 },
    });
    const byMunicipality = buildKpiRows(input({ organizations, orgFacts, groupBy: 'municipality' }));
    expect(byMunicipality.map((r) => [r.id, r.targets.orgs_connected.numerator, r.targets.schools_journal_linked.denominator])).toEqual([
      ['m1', 1, 2],
      ['m2', 1, 1],
    ]);
  });

  it('groups by municipality, by category, by organization', () => {
    expect(buildKpiRows(input({ groupBy: 'municipality' })).map((r) => [r.id, r.name, r.counters.orgs, r.counters.registered_teachers])).toEqual([
      ['m1', 'Mun m1', 2, 16],
      ['m2', 'Mun m2', 2, 4],
    ]);
    expect(buildKpiRows(input({ groupBy: 'category' })).map((r) => [r.id, r.counters.orgs])).toEqual([
      ['general', 3],
      ['spo', 1],
    ]);
    const orgs = buildKpiRows(input({ groupBy: 'organization' }));
    expect(orgs.map((r) => [r.level, r.id, r.counters.active_orgs])).toEqual([
      ['organization', 'c1', 1],
      ['organization', 's1', 1],
      ['organization', 's2', 1],
      ['organization', 's3', 0],
    ]);
  });

  it('filters by municipality and category', () => {
    const [m2general] = buildKpiRows(input({ scope: { municipality: 'm2', category: 'general' } }));
    expect(m2general).toMatchObject({ level: 'municipality', id: 'm2' });
    expect(m2general?.counters).toMatchObject({ orgs: 1, registered_teachers: 1, active_orgs: 0 });
    expect(buildKpiRows(input({ scope: { municipality: 'm1' }, groupBy: 'organization' })).map((r) => r.id)).toEqual(['s1', 's2']);
    expect(buildKpiRows(input({ scope: { category: 'spo' }, groupBy: 'municipality' })).map((r) => r.id)).toEqual(['m2']);
  });

  it('a unit without any activity or registration still has a row, with empty-denominator indicators', () => {
    const [row] = buildKpiRows(input({ current: new Map(), previous: new Map(), activeOrgs: new Set() }));
    expect(row?.counters.orgs).toBe(4);
    // No teacher at all is fewer than the minimum: a small cell.
    expect(row?.kpis.teachers_10_messages).toEqual({ numerator: null, denominator: 0, value: null, band: null, previous: null, suppressed: 'small_cell' });
    expect(row?.kpis.active_schools).toMatchObject({ numerator: 0, denominator: 3, value: 0, band: 'below_norm' });
    expect(buildKpiRows(input({ current: new Map(), previous: new Map(), activeOrgs: new Set(), minTeacherDenominator: 1 }))[0]?.kpis.teachers_10_messages).toEqual({
      numerator: null,
      denominator: 0,
      value: null,
      band: null,
      previous: null,
      suppressed: 'small_cell',
    });
  });

  it('the headcount denominator says how many organizations lacked a headcount', () => {
    const [row] = buildKpiRows(input({ teacherDenominator: 'headcount' }));
    expect(row?.kpis.teachers_10_messages).toMatchObject({ numerator: 5, denominator: 74 }); // 70 headcount + 4 registered teachers of s2
    expect(row?.orgsWithoutHeadcount).toBe(1);
    expect(buildKpiRows(input())[0]?.orgsWithoutHeadcount).toBeUndefined();
  });

  describe('small cells', () => {
    // Two schools of one municipality: 4 registered teachers (all wrote 10+, all called) and 5 (the same).
    const SMALL = [org('o4', 'm1', 'general', null), org('o5', 'm1', 'general', null)];
    const busy = (teachers: number) => counters({ registeredUsers: teachers + 3, registeredTeachers: teachers, registeredStudents: 3, teachers3Messages: teachers, teachers10Messages: teachers, teachers1Call: teachers, activeTeachers: teachers });
    const edge = (over: Partial<ReportInput> = {}) =>
      buildKpiRows(
        input({
          organizations: SMALL,
          current: new Map([['org:o4', busy(4)], ['org:o5', busy(5)], ['region', busy(9)]]),
          previous: new Map([['org:o4', busy(4)], ['org:o5', busy(5)], ['region', busy(9)]]),
          activeOrgs: new Set(['o4', 'o5']),
          previousActiveOrgs: new Set(['o4', 'o5']),
          groupBy: 'organization',
          ...over,
        }),
      );

    it('4 teachers: counts shown, teacher shares, bands and active-teacher counts withheld with the reason and the minimum', () => {
      const [four] = edge();
      expect(four).toMatchObject({ id: 'o4', suppressed: 'small_cell', minTeacherDenominator: 5 });
      expect(four?.counters).toEqual({
        orgs: 1,
        active_orgs: 1,
        registered_users: 7,
        registered_teachers: 4,
        registered_students: 3,
        registered_parents: 0,
        teacher_headcount: 0,
        teachers_3_messages: null,
        teachers_10_messages: null,
        teachers_1_call: null,
        active_teachers: null,
      });
      for (const kpi of ['teachers_10_messages', 'teachers_1_call'] as const) {
        expect(four?.kpis[kpi]).toEqual({ numerator: null, denominator: 4, value: null, band: null, previous: null, suppressed: 'small_cell' });
      }
      // The organization indicators are no one's activity: shown.
      expect(four?.kpis.active_schools).toEqual({ numerator: 1, denominator: 1, value: 100, band: 'good', previous: 100 });
    });

    it('5 teachers: every figure shown, no reason', () => {
      const [, five] = edge();
      expect(five).not.toHaveProperty('suppressed');
      expect(five).not.toHaveProperty('minTeacherDenominator');
      expect(five?.counters).toMatchObject({ registered_teachers: 5, teachers_3_messages: 5, teachers_10_messages: 5, teachers_1_call: 5, active_teachers: 5 });
      expect(five?.kpis.teachers_10_messages).toEqual({ numerator: 5, denominator: 5, value: 100, band: 'good', previous: 100 });
      expect(five?.kpis.teachers_1_call).not.toHaveProperty('suppressed');
    });

    it('the minimum is the region setting: 1 shows the four, 6 withholds the five', () => {
      expect(edge({ minTeacherDenominator: 1 }).map((r) => r.suppressed ?? 'shown')).toEqual(['shown', 'shown']);
      expect(edge({ minTeacherDenominator: 6 }).map((r) => r.suppressed ?? 'shown')).toEqual(['small_cell', 'small_cell']);
      expect(edge({ minTeacherDenominator: 6 })[1]).toMatchObject({ minTeacherDenominator: 6 });
    });

    it('every level: region, municipality, category, municipality x category', () => {
      const scoped = (over: Partial<ReportInput>) => edge({ groupBy: undefined, ...over })[0]?.suppressed ?? 'shown';
      const units = new Map([
        ['region', busy(4)],
        ['municipality:m1', busy(4)],
        ['category:general', busy(5)],
        ['municipality_category:m1/general', busy(3)],
      ]);
      expect(scoped({ current: units })).toBe('small_cell');
      expect(scoped({ current: units, scope: { municipality: 'm1' } })).toBe('small_cell');
      expect(scoped({ current: units, scope: { category: 'general' } })).toBe('shown');
      expect(scoped({ current: units, scope: { municipality: 'm1', category: 'general' } })).toBe('small_cell');
      expect(edge({ current: units, groupBy: 'municipality' })[0]?.suppressed).toBe('small_cell');
      expect(edge({ current: units, groupBy: 'category' })[0]?.suppressed).toBeUndefined();
    });

    it('the headcount denominator: small when the headcount or the registered teachers are below the minimum', () => {
      const rows = (headcounts: [number | null, number | null]) =>
        edge({ teacherDenominator: 'headcount', organizations: [org('o4', 'm1', 'general', headcounts[0]), org('o5', 'm1', 'general', headcounts[1])] }).map((r) => [
          r.id,
          r.kpis.teachers_10_messages.denominator,
          r.suppressed ?? 'shown',
        ]);
      // A headcount of 40 with 4 registered teachers: "4 of 40" would still be those four people's week.
      expect(rows([40, 40])).toEqual([
        ['o4', 40, 'small_cell'],
        ['o5', 40, 'shown'],
      ]);
      // 5 registered teachers but a headcount of 4 (duplicates, other staff): the denominator is small.
      expect(rows([4, 5])).toEqual([
        ['o4', 4, 'small_cell'],
        ['o5', 5, 'shown'],
      ]);
      expect(rows([40, 4])).toEqual([
        ['o4', 40, 'small_cell'],
        ['o5', 4, 'small_cell'],
      ]);
    });

    it('previous is withheld when the week before was a small cell, and shown when only this week is', () => {
      const [, five] = edge({ previous: new Map([['org:o5', busy(4)]]) });
      expect(five?.kpis.teachers_10_messages).toEqual({ numerator: 5, denominator: 5, value: 100, band: 'good', previous: null });
      expect(five?.kpis.active_schools.previous).toBe(100);
      const [four] = edge({ previous: new Map([['org:o4', busy(5)]]) });
      expect(four?.kpis.teachers_10_messages).toEqual({ numerator: null, denominator: 4, value: null, band: null, previous: 100, suppressed: 'small_cell' });
    });
  });

  describe('unitLevelOf: the one level of units the rows read', () => {
    const LEVEL_OF_KEY: [string, UnitLevel][] = [
      ['region', 'region'],
      ['municipality:', 'municipality'],
      ['category:', 'category'],
      ['municipality_category:', 'municipality_category'],
      ['org:', 'organization'],
    ];
    const levelOfKey = (key: string) => LEVEL_OF_KEY.find(([prefix]) => key.startsWith(prefix))![1];
    // Counters for every unit of every level of ORGS, each different.
    const keys = ['region', 'municipality:m1', 'municipality:m2', 'category:general', 'category:spo', 'municipality_category:m1/general', 'municipality_category:m2/general', 'municipality_category:m2/spo', ...ORGS.map((o) => `org:${o.orgId}`)];
    const every = new Map(keys.map((k, i) => [k, counters({ registeredUsers: 100 + i, registeredTeachers: 50 + i, teachers10Messages: i })]));
    const only = (level: UnitLevel) => new Map([...every].filter(([k]) => levelOfKey(k) === level));

    it.each<[GroupBy | undefined, ReportScope, UnitLevel]>([
      [undefined, {}, 'region'],
      [undefined, { municipality: 'm2' }, 'municipality'],
      [undefined, { category: 'general' }, 'category'],
      [undefined, { municipality: 'm2', category: 'general' }, 'municipality_category'],
      ['municipality', {}, 'municipality'],
      ['municipality', { category: 'general' }, 'municipality_category'],
      ['municipality', { municipality: 'm1' }, 'municipality'],
      ['category', {}, 'category'],
      ['category', { municipality: 'm2' }, 'municipality_category'],
      ['category', { category: 'spo' }, 'category'],
      ['organization', {}, 'organization'],
      ['organization', { municipality: 'm1', category: 'general' }, 'organization'],
    ])('grouped by %s, scope %j: %s, and the rows from that level alone are the rows from every level', (groupBy, scope, level) => {
      expect(unitLevelOf(groupBy, scope)).toBe(level);
      const rows = (current: ReadonlyMap<string, ActivityCounters>) => buildKpiRows(input({ current, previous: current, ...(groupBy === undefined ? {} : { groupBy }), scope }));
      const fromLevel = rows(only(level));
      expect(fromLevel).toEqual(rows(every));
      expect(fromLevel.every((r) => r.counters.registered_users >= 100)).toBe(true); // every row found its counters
    });
  });
});
