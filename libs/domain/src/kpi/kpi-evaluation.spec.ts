import { callActivity, countedMessageActivities, evaluateKpis, teacherDenominatorOf, type UnitCounters } from './kpi-evaluation';
import { FEDERAL_THRESHOLDS_2023, type Threshold } from './kpi-bands';

/** The reference region, general education, report of 12 May 2023 (domain brief). */
const reference: UnitCounters = {
  orgs: 1004,
  generalOrgs: 1004,
  activeOrgs: 944,
  activeGeneralOrgs: 944,
  registeredUsers: 116_288,
  registeredTeachers: 16_010,
  registeredStudents: 100_278,
  registeredParents: 0,
  teacherHeadcount: 21_635,
  orgsWithoutHeadcount: 0,
  registeredTeachersWithoutHeadcount: 0,
  teachers3Messages: 109,
  teachers10Messages: 52,
  teachers1Call: 66,
  activeTeachers: 2_655,
};
const W19 = { teacherDenominator: 'registered' as const, thresholds: FEDERAL_THRESHOLDS_2023, weekMonday: '2023-05-08' };

describe('evaluateKpis', () => {
  it('the worked example of the domain brief', () => {
    const { kpis } = evaluateKpis(reference, W19);
    expect(kpis.active_schools).toEqual({ numerator: 944, denominator: 1004, value: 94.02, band: 'good' });
    expect(kpis.teachers_10_messages).toEqual({ numerator: 52, denominator: 16_010, value: 0.32, band: 'below_norm' });
    expect(kpis.teachers_1_call).toEqual({ numerator: 66, denominator: 16_010, value: 0.41, band: 'below_norm' });
    expect(kpis.active_orgs).toEqual({ numerator: 944, denominator: 1004, value: 94.02, band: 'good' });
  });

  it.each([
    // exactly on the edges of every indicator
    [{ activeGeneralOrgs: 50, generalOrgs: 100 }, 'active_schools', 'below_norm'],
    [{ activeGeneralOrgs: 90, generalOrgs: 100 }, 'active_schools', 'good'],
    [{ teachers10Messages: 10, registeredTeachers: 100 }, 'teachers_10_messages', 'below_norm'],
    [{ teachers10Messages: 25, registeredTeachers: 100 }, 'teachers_10_messages', 'good'],
    [{ teachers1Call: 1, registeredTeachers: 200 }, 'teachers_1_call', 'below_norm'],
    [{ teachers1Call: 2, registeredTeachers: 200 }, 'teachers_1_call', 'good'],
    [{ teachers1Call: 3, registeredTeachers: 400 }, 'teachers_1_call', 'average'],
  ] as const)('%j: %s is %s', (overrides, kpi, band) => {
    expect(evaluateKpis({ ...reference, ...overrides }, W19).kpis[kpi].band).toBe(band);
  });

  it('an empty denominator gives value and band null', () => {
    const { kpis } = evaluateKpis({ ...reference, generalOrgs: 0, activeGeneralOrgs: 0, registeredTeachers: 0, teachers10Messages: 0, teachers1Call: 0 }, W19);
    expect(kpis.active_schools).toEqual({ numerator: 0, denominator: 0, value: null, band: null });
    expect(kpis.teachers_1_call.value).toBeNull();
    expect(kpis.teachers_1_call.band).toBeNull();
  });

  it('takes the thresholds in force on the week Monday', () => {
    const history: Threshold[] = [...FEDERAL_THRESHOLDS_2023, { kpi: 'teachers_1_call', lower: '0.1', upper: '0.4', effectiveFrom: '2023-05-15' }];
    expect(evaluateKpis(reference, { ...W19, thresholds: history }).kpis.teachers_1_call.band).toBe('below_norm');
    expect(evaluateKpis(reference, { ...W19, thresholds: history, weekMonday: '2023-05-15' }).kpis.teachers_1_call.band).toBe('good');
    expect(evaluateKpis(reference, { ...W19, weekMonday: '2023-03-13' }).kpis.teachers_1_call.band).toBeNull();
  });

  it('headcount denominator: summed headcount, plus registered teachers of organizations without one', () => {
    const counters = { ...reference, teacherHeadcount: 20_000, orgsWithoutHeadcount: 12, registeredTeachersWithoutHeadcount: 800 };
    expect(teacherDenominatorOf(counters, 'headcount')).toEqual({ mode: 'headcount', value: 20_800, orgsCountedByRegisteredTeachers: 12 });
    expect(teacherDenominatorOf(counters, 'registered')).toEqual({ mode: 'registered', value: 16_010, orgsCountedByRegisteredTeachers: 0 });
    const { kpis, teacherDenominator } = evaluateKpis(counters, { ...W19, teacherDenominator: 'headcount' });
    expect(teacherDenominator.value).toBe(20_800);
    expect(kpis.teachers_10_messages).toEqual({ numerator: 52, denominator: 20_800, value: 0.25, band: 'below_norm' });
  });

  it('rejects impossible counters', () => {
    expect(() => evaluateKpis({ ...reference, teachers1Call: -1 }, W19)).toThrow(RangeError);
  });
});

describe('region settings as activity keys', () => {
  it('every kind by default; only the chosen kinds otherwise; never direct or channel', () => {
    expect(countedMessageActivities(null)).toEqual(['group:emoji', 'group:file', 'group:other', 'group:poll', 'group:sticker', 'group:text', 'group:voice']);
    expect(countedMessageActivities(['text', 'poll', 'file'])).toEqual(['group:file', 'group:poll', 'group:text']);
  });

  it('call modes', () => {
    expect(callActivity('participated')).toBe('call');
    expect(callActivity('initiated')).toBe('call_initiated');
  });
});
