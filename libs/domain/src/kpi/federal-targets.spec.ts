import { evaluateTargets, gapTo100, NO_EVENT_FACTS, NO_REGISTRY_FACTS, targetFractions, type TargetCounts } from './federal-targets';

const org = (orgId: string, category: string, facts: Partial<Record<'connected' | 'journal_linked' | 'gov_label', boolean>> = {}) => ({
  orgId,
  category,
  facts: { ...NO_REGISTRY_FACTS, ...facts },
});
const counts = (over: Partial<TargetCounts> = {}): TargetCounts => ({
  orgs: [org('s1', 'general', { connected: true }), org('s2', 'general', { journal_linked: true }), org('s3', 'general'), org('c1', 'spo', { gov_label: true, journal_linked: true })],
  eventFacts: NO_EVENT_FACTS,
  registeredTeachers: 16_010,
  teacherHeadcount: 21_635,
  ...over,
});

describe('federal targets', () => {
  it("count the registry's statements: journals of general-education schools only, the others over all organizations", () => {
    expect(targetFractions(counts())).toEqual({
      orgs_connected: [1, 4],
      teachers_registered: [16_010, 21_635],
      schools_journal_linked: [1, 3], // c1's journal is a college's: not a school's
      orgs_gov_label: [1, 4],
    });
  });

  it('take an event as much as the registry, an organization once when both say so', () => {
    const eventFacts = { connected: new Set(['s1', 's3', 'elsewhere']), journal_linked: new Set(['s3']), gov_label: new Set<string>() };
    expect(targetFractions(counts({ eventFacts }))).toMatchObject({ orgs_connected: [2, 4], schools_journal_linked: [2, 3], orgs_gov_label: [1, 4] });
  });

  it("give the brief's registered teachers: 16,010 of a headcount of 21,635 is 74 %, 26 short of the target", () => {
    const { teachers_registered } = evaluateTargets(counts(), counts({ registeredTeachers: 15_000 }));
    expect(teachers_registered).toEqual({ numerator: 16_010, denominator: 21_635, value: 74, gap: 26, previous: 69.33 });
  });

  it('gap: value and gap add up to 100 as printed, 0 at or above the target, null without a denominator', () => {
    expect(gapTo100(74)).toBe(26);
    expect(gapTo100(0.13)).toBe(99.87);
    expect(gapTo100(33.33)).toBe(66.67);
    expect(gapTo100(100)).toBe(0);
    expect(gapTo100(104.5)).toBe(0); // more registered teachers than the headcount
    expect(gapTo100(null)).toBeNull();
    const none = evaluateTargets(counts({ orgs: [], registeredTeachers: 0, teacherHeadcount: 0 }), counts({ orgs: [] }));
    expect(none.orgs_connected).toEqual({ numerator: 0, denominator: 0, value: null, gap: null, previous: null });
    expect(none.teachers_registered).toEqual({ numerator: 0, denominator: 0, value: null, gap: null, previous: 74 });
  });

  it('over 100 % when more teachers registered than the headcount, with no gap', () => {
    expect(evaluateTargets(counts({ registeredTeachers: 110, teacherHeadcount: 100 }), counts()).teachers_registered).toMatchObject({ value: 110, gap: 0 });
  });
});
