import { ONBOARDING_STEPS } from '@sferum/contracts';
import { NO_REGISTRY_FACTS } from '../kpi/federal-targets';
import { type ReportOrganization } from '../kpi/kpi-report';
import {
  buildFunnel,
  daysAtStep,
  isStuck,
  NO_ONBOARDING_EVIDENCE,
  NO_REGISTRY_ONBOARDING,
  onboardingOf,
  registryDateStartMs,
  type OnboardingInput,
  type OrganizationOnboarding,
} from './onboarding-funnel';

const NSK = 'Asia/Novosibirsk'; // UTC+7
const DAY = 86_400_000;
/** The end of 2023-W15 in Novosibirsk: Monday 2023-04-17 00:00 local. */
const AT = Date.parse('2023-04-16T17:00:00Z');

const input = (over: Partial<OnboardingInput> = {}): OnboardingInput => ({
  registry: NO_REGISTRY_ONBOARDING,
  registryConnected: false,
  events: NO_ONBOARDING_EVIDENCE,
  timeZone: NSK,
  atMs: AT,
  ...over,
});

describe('onboardingOf', () => {
  it('no evidence at all: step 0, no since', () => {
    expect(onboardingOf(input())).toEqual({ step: 0, stepId: null, sinceMs: null });
  });

  it('a registry date is in force from local midnight of that day in the region zone', () => {
    expect(registryDateStartMs('2023-04-10', NSK)).toBe(Date.parse('2023-04-09T17:00:00Z'));
    expect(registryDateStartMs('2023-04-10', 'Europe/Kaliningrad')).toBe(Date.parse('2023-04-09T22:00:00Z'));
    expect(() => registryDateStartMs('10.04.2023', NSK)).toThrow(RangeError);
    const listed = (date: string, atMs: number) => onboardingOf(input({ registry: { ...NO_REGISTRY_ONBOARDING, list_collected: date }, atMs }));
    // 2023-04-17 starts exactly at AT: not yet in force (the instant is exclusive); 2023-04-16 is.
    expect(listed('2023-04-17', AT).step).toBe(0);
    expect(listed('2023-04-16', AT)).toEqual({ step: 1, stepId: 'list_collected', sinceMs: AT - DAY });
    expect(listed('2023-04-17', AT + 1).step).toBe(1);
  });

  it('each step is shown by its own evidence, and the furthest wins whatever came before', () => {
    const t = Date.parse('2023-04-01T03:00:00.250Z');
    const registry = (step: keyof typeof NO_REGISTRY_ONBOARDING) => onboardingOf(input({ registry: { ...NO_REGISTRY_ONBOARDING, [step]: '2023-04-01' } }));
    const event = (step: keyof typeof NO_ONBOARDING_EVIDENCE) => onboardingOf(input({ events: { ...NO_ONBOARDING_EVIDENCE, [step]: t } }));
    expect([registry('list_collected'), registry('passed_to_coordinators'), registry('admins_informed'), registry('structure_built')].map((o) => o.step)).toEqual([1, 2, 3, 5]);
    expect([event('connected'), event('admin_registered'), event('staff_registered'), event('staff_active'), event('chats_created')].map((o) => [o.step, o.sinceMs])).toEqual([
      [2, t],
      [4, t],
      [6, t],
      [7, t],
      [8, t],
    ]);
    // An administrator registered without any registry step: step 4, the steps before count as passed.
    expect(onboardingOf(input({ registry: { ...NO_REGISTRY_ONBOARDING, list_collected: '2023-03-01' }, events: { ...NO_ONBOARDING_EVIDENCE, admin_registered: t } }))).toEqual({
      step: 4,
      stepId: 'admin_registered',
      sinceMs: t,
    });
  });

  it('since is the earliest evidence of the furthest step: a registry date or the connection, whichever came first', () => {
    const connected = Date.parse('2023-03-20T05:00:00Z');
    const both = onboardingOf(input({ registry: { ...NO_REGISTRY_ONBOARDING, passed_to_coordinators: '2023-03-25' }, events: { ...NO_ONBOARDING_EVIDENCE, connected } }));
    expect(both).toEqual({ step: 2, stepId: 'passed_to_coordinators', sinceMs: connected });
    const earlierDate = onboardingOf(input({ registry: { ...NO_REGISTRY_ONBOARDING, passed_to_coordinators: '2023-03-01' }, events: { ...NO_ONBOARDING_EVIDENCE, connected } }));
    expect(earlierDate.sinceMs).toBe(registryDateStartMs('2023-03-01', NSK));
  });

  it("the registry's connected alone shows step 2 with no since; any dated evidence of step 2 gives one", () => {
    expect(onboardingOf(input({ registryConnected: true }))).toEqual({ step: 2, stepId: 'passed_to_coordinators', sinceMs: null });
    expect(onboardingOf(input({ registryConnected: true, registry: { ...NO_REGISTRY_ONBOARDING, passed_to_coordinators: '2023-04-02' } })).sinceMs).toBe(
      registryDateStartMs('2023-04-02', NSK),
    );
    expect(onboardingOf(input({ registryConnected: true, registry: { ...NO_REGISTRY_ONBOARDING, admins_informed: '2023-04-02' } })).step).toBe(3);
  });

  it('evidence at or after the instant does not count', () => {
    expect(onboardingOf(input({ events: { ...NO_ONBOARDING_EVIDENCE, chats_created: AT, staff_registered: AT - 1 } }))).toEqual({
      step: 6,
      stepId: 'staff_registered',
      sinceMs: AT - 1,
    });
  });
});

describe('stuck', () => {
  const at = (step: number, sinceMs: number | null): OrganizationOnboarding => ({ step, stepId: step === 0 ? null : ONBOARDING_STEPS[step - 1]!, sinceMs });

  it('is more than N whole days at a step below the last; exactly N days is not', () => {
    expect(isStuck(at(3, AT - 14 * DAY), AT, 14)).toBe(false);
    expect(isStuck(at(3, AT - 14 * DAY - 1), AT, 14)).toBe(true);
    expect(daysAtStep(at(3, AT - 14 * DAY - 1), AT)).toBe(14);
    expect(daysAtStep(at(3, AT - 15 * DAY), AT)).toBe(15);
  });

  it('never at step 8 (onboarded), at step 0 or without a since', () => {
    expect(isStuck(at(8, AT - 100 * DAY), AT, 14)).toBe(false);
    expect(isStuck(at(0, null), AT, 14)).toBe(false);
    expect(isStuck(at(2, null), AT, 14)).toBe(false);
    expect(daysAtStep(at(2, null), AT)).toBeNull();
    expect(isStuck(at(7, AT - DAY - 1), AT, 1)).toBe(true);
  });
});

describe('buildFunnel', () => {
  const org = (orgId: string, municipalityId: string, category: ReportOrganization['category'] = 'general'): ReportOrganization => ({
    orgId,
    orgName: `Школа ${orgId}`,
    municipalityId,
    municipalityName: `Район ${municipalityId}`,
    category,
    teacherHeadcount: 10,
    facts: NO_REGISTRY_FACTS,
    onboarding: NO_REGISTRY_ONBOARDING,
  });
  const organizations = [org('a', 'm1'), org('b', 'm1'), org('c', 'm2', 'spo'), org('d', 'm2'), org('e', 'm2')];
  const onboarding = new Map<string, OrganizationOnboarding>([
    ['a', { step: 8, stepId: 'chats_created', sinceMs: AT - 40 * DAY }],
    ['b', { step: 3, stepId: 'admins_informed', sinceMs: AT - 20 * DAY }],
    ['c', { step: 3, stepId: 'admins_informed', sinceMs: AT - 2 * DAY }],
    ['d', { step: 2, stepId: 'passed_to_coordinators', sinceMs: null }],
    // e: missing, not started
  ]);
  const funnel = (over: Partial<Parameters<typeof buildFunnel>[0]> = {}) =>
    buildFunnel({ region: { code: '54', name: 'Новосибирская область' }, organizations, onboarding, scope: {}, atMs: AT, stuckDays: 14, ...over });

  it('counts per step the organizations that reached it, stand at it and are stuck at it', () => {
    const [region] = funnel().rows;
    expect(region).toMatchObject({ level: 'region', id: '54', name: 'Новосибирская область', organizations: 5, notStarted: 1, completed: 1 });
    expect(region!.steps.map((s) => [s.id, s.reached, s.atStep, s.stuck])).toEqual([
      ['list_collected', 4, 0, 0],
      ['passed_to_coordinators', 4, 1, 0],
      ['admins_informed', 3, 2, 1],
      ['admin_registered', 1, 0, 0],
      ['structure_built', 1, 0, 0],
      ['staff_registered', 1, 0, 0],
      ['staff_active', 1, 0, 0],
      ['chats_created', 1, 1, 0],
    ]);
    // Every organization stands at exactly one step, or at none.
    expect(region!.notStarted + region!.steps.reduce((n, s) => n + s.atStep, 0)).toBe(region!.organizations);
  });

  it('per municipality and per category, as the KPI rows; the stuck list names organizations, longest first', () => {
    const byMunicipality = funnel({ groupBy: 'municipality' });
    expect(byMunicipality.rows.map((r) => [r.id, r.name, r.organizations, r.notStarted])).toEqual([
      ['m1', 'Район m1', 2, 0],
      ['m2', 'Район m2', 3, 1],
    ]);
    expect(funnel({ groupBy: 'category' }).rows.map((r) => [r.id, r.organizations])).toEqual([
      ['general', 4],
      ['spo', 1],
    ]);
    expect(byMunicipality.stuck).toEqual([
      { orgId: 'b', orgName: 'Школа b', municipalityId: 'm1', municipalityName: 'Район m1', category: 'general', step: 3, stepId: 'admins_informed', since: new Date(AT - 20 * DAY).toISOString(), days: 20 },
    ]);
    expect(funnel({ stuckDays: 1 }).stuck.map((s) => [s.orgId, s.days])).toEqual([
      ['b', 20],
      ['c', 2],
    ]);
    expect(funnel({ scope: { municipality: 'm2' }, stuckDays: 1 }).stuck.map((s) => s.orgId)).toEqual(['c']);
  });

  it('per organization: one row each, at its step', () => {
    const rows = funnel({ groupBy: 'organization' }).rows;
    expect(rows.map((r) => [r.id, r.steps.findIndex((s) => s.atStep === 1) + 1])).toEqual([
      ['a', 8],
      ['b', 3],
      ['c', 3],
      ['d', 2],
      ['e', 0],
    ]);
  });
});
