import { type AnyCloudEventV1 } from '@sferum/contracts';
import { EventValidator } from '@sferum/domain';
import { DEFAULT_SHAPE, regionEventChunks } from '../events';
import { Random } from '../random';
import { ReferenceFunnel, type ReferencePlace } from '../reference/reference-funnel';
import { registryRows } from '../registry-csv';
import { type RegionWorld } from '../world';
import { addDays, localMidnightUtc, mondayDate, shiftWeek, weekEndUtc, weeksOfMonth } from '../zones';
import { atLocal, atLocalDate } from './calendar';
import { profileOf } from './index';
import { ONBOARDING_CASES, onboardingCaseId, type OnboardingCase } from './onboarding';

const DAY = 86_400_000;
const weeksUntil = (last: string, n: number) => Array.from({ length: n }, (_, i) => shiftWeek(last, i - n + 1));

function generate(name: 'small' | 'tiny' | 'region', seed: number, weeks: readonly string[]) {
  const profile = profileOf(name);
  const region = profile.regions[0]!;
  const rng = new Random(seed);
  const world = profile.buildWorld(region, weeks, rng.fork(`world:${region.code}`));
  return { world, events: eventsOf(world, rng) };
}

function eventsOf(world: RegionWorld, rng: Random): AnyCloudEventV1[] {
  const events: AnyCloudEventV1[] = [];
  for (const chunk of regionEventChunks(world, rng.fork(`events:${world.region.code}`), { shape: DEFAULT_SHAPE, ceSource: 'urn:test' })) for (const e of chunk) events.push(e);
  return events;
}

function funnelOf(world: RegionWorld, events: readonly AnyCloudEventV1[]): ReferenceFunnel {
  const funnel = new ReferenceFunnel(registryRows(world), new Map([[world.region.code, world.region.zone]]));
  for (const e of events) funnel.observe(e);
  return funnel;
}

describe('the onboarding of a random region', () => {
  // The acceptance's month (October 2026: W40..W44), the default four weeks before TEST_NOW, a single week; and three seeds.
  const RUNS: [number, readonly string[]][] = [
    [7, weeksOfMonth('2026-10')],
    [7, weeksUntil('2026-W47', 4)],
    [8, weeksUntil('2026-W47', 4)],
    [123, weeksUntil('2026-W30', 6)],
    [7, ['2026-W47']],
  ];

  it.each(RUNS)('seed %i, weeks %j: the thirteen cases stand where they are built to, at every week end', (seed, weeks) => {
    const { world, events } = generate('small', seed, weeks);
    const zone = world.region.zone;
    const funnel = funnelOf(world, events);
    const F = mondayDate(weeks[0]!);
    const L = mondayDate(weeks[weeks.length - 1]!);
    const midnight = (date: string) => localMidnightUtc(date, zone);
    const last = weeks.length - 1;
    weeks.forEach((week, i) => {
      const T = weekEndUtc(week, zone);
      const want: Record<OnboardingCase, ReferencePlace | number> = {
        none: { step: 0, sinceMs: null },
        listed: { step: 1, sinceMs: midnight(addDays(F, -30)) },
        passed: { step: 2, sinceMs: atLocalDate(addDays(F, -36), zone, 14, 20, 5, 250) },
        connected: { step: 2, sinceMs: null },
        informed: { step: 3, sinceMs: midnight(addDays(F, -40)) },
        admin: { step: 4, sinceMs: atLocalDate(addDays(F, -40), zone, 10, 15, 0, 250) },
        structure: { step: 5, sinceMs: midnight(addDays(F, -45)) },
        staff: { step: 6, sinceMs: atLocalDate(addDays(F, -40), zone, 13) },
        active: { step: 7, sinceMs: atLocal(weeks[0]!, zone, 0, 10, 0, 1, 0) },
        chats: i === last ? { step: 8, sinceMs: atLocal(weeks[last]!, zone, 2, 11, 30) } : 7,
        edge: i === last ? { step: 1, sinceMs: midnight(L) } : { step: 0, sinceMs: null },
        boundary: i === last ? { step: 1, sinceMs: midnight(addDays(L, -7)) } : i === last - 1 ? { step: 1, sinceMs: midnight(addDays(L, -7)) } : { step: 0, sinceMs: null },
        // Registered at L-7 00:00 local minus 1 ms: 14 days and 1 ms before the last week's end.
        'boundary-ms': T > midnight(addDays(L, -7)) - 1 ? { step: 4, sinceMs: weekEndUtc(weeks[last]!, zone) - 14 * DAY - 1 } : 3,
      };
      for (const c of ONBOARDING_CASES) {
        const got = funnel.placeAt(onboardingCaseId('42', c), T);
        const expected = want[c];
        expect([week, c, typeof expected === 'number' ? got.step : got]).toEqual([week, c, expected]);
      }
    });
  });

  it.each(RUNS)('seed %i, weeks %j: the last week has every step 0..8, stuck organizations, and both sides of the stuck boundary', (seed, weeks) => {
    const { world, events } = generate('small', seed, weeks);
    const last = weeks[weeks.length - 1]!;
    const funnel = funnelOf(world, events);
    const answer = funnel.answers('42', [last])[last]!;
    const region = answer.units['region']!;
    expect(region.notStarted).toBeGreaterThanOrEqual(1);
    expect(region.steps.map((s) => [s.step, s.atStep >= 1])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => [k, true]));
    const stuck = answer.stuck.map((s) => s.orgId);
    const id = (c: OnboardingCase) => onboardingCaseId('42', c);
    const alwaysStuck: OnboardingCase[] = ['listed', 'passed', 'informed', 'admin', 'structure', 'staff', 'boundary-ms', ...(weeks.length >= 3 ? (['active'] as const) : [])];
    expect(stuck).toEqual(expect.arrayContaining(alwaysStuck.map(id)));
    for (const c of ['none', 'connected', 'edge', 'boundary', 'chats'] as const) expect([c, stuck.includes(id(c))]).toEqual([c, false]);
    expect(answer.stuck.find((s) => s.orgId === id('boundary-ms'))).toMatchObject({ step: 4, stepId: 'admin_registered', days: 14 });
    // With 7 days, exactly 14 days is stuck; the edge, at exactly 7 days, is not.
    const seven = funnel.answers('42', [last], 7)[last]!.stuck;
    expect(seven.find((s) => s.orgId === id('boundary'))).toMatchObject({ step: 1, days: 14 });
    expect(seven.some((s) => s.orgId === id('edge'))).toBe(false);
  });

  it('the funnel changes from week to week during the run (dates inside the weeks, chats created, staff becoming active)', () => {
    const weeks = weeksOfMonth('2026-10');
    const { world, events } = generate('small', 7, weeks);
    const answers = funnelOf(world, events).answers('42', weeks);
    const shape = (w: string) => JSON.stringify(answers[w]!.units['region']);
    for (let i = 1; i < weeks.length; i++) expect([weeks[i], shape(weeks[i]!) === shape(weeks[i - 1]!)]).toEqual([weeks[i], false]);
    // Organizations of the world's own reach the last step during the run: whole-staff chats inside the weeks.
    const completed = (w: string) => Object.entries(answers[w]!.units).filter(([k, u]) => k.startsWith('org:') && !k.includes('-onb-') && u.completed === 1).length;
    expect(completed(weeks[weeks.length - 1]!)).toBeGreaterThan(completed(weeks[0]!));
  });

  it('many organizations fully through, some stuck early, some with nothing; administrators in most', () => {
    const { world, events } = generate('region', 7, ['2026-W47']);
    const answer = funnelOf(world, events).answers('54', ['2026-W47'])['2026-W47']!;
    const region = answer.units['region']!;
    expect(region.completed / region.organizations).toBeGreaterThan(0.5);
    expect(region.steps.slice(0, 3).reduce((n, s) => n + s.stuck, 0)).toBeGreaterThanOrEqual(10);
    expect(region.notStarted).toBeGreaterThanOrEqual(3);
    const admins = world.onboarding!.users.filter((u) => u.registrations.some((r) => r.role === 'admin'));
    expect(admins.length / world.organizations.length).toBeGreaterThan(0.7);
  });

  it('its events are valid under contract v1; every other event is exactly what it is without the onboarding', () => {
    const weeks = weeksUntil('2026-W47', 4);
    const { world, events } = generate('small', 7, weeks);
    const validator = new EventValidator();
    expect(events.map((e) => validator.validate(e)).filter((r) => !r.ok)).toEqual([]);
    const mine = (e: AnyCloudEventV1) => /^42-f\./.test(e.id);
    expect(new Set(events.filter(mine).map((e) => e.type))).toEqual(
      new Set(['ru.sferum.user.registered', 'ru.sferum.user.left', 'ru.sferum.message.sent', 'ru.sferum.chat.created', 'ru.sferum.org.connected']),
    );
    const without: RegionWorld = { ...world, organizations: world.organizations.filter((o) => o.scripted !== true) };
    delete (without as { onboarding?: unknown }).onboarding;
    expect(events.filter((e) => !mine(e))).toEqual(eventsOf(without, new Random(7)));
    // Nothing after the last week.
    const end = weekEndUtc(weeks[3]!, world.region.zone);
    expect(events.filter((e) => Date.parse(e.time) >= end)).toEqual([]);
  });
});

describe('the onboarding of the tiny profile', () => {
  it('a whole-staff chat at Monday 00:00:00.000 local is the new week, one at Sunday 23:59:59.999 the old one', () => {
    const weeks = weeksUntil('2026-W47', 3);
    const { world, events } = generate('tiny', 7, weeks);
    const funnel = funnelOf(world, events);
    const end = (i: number) => weekEndUtc(weeks[i]!, world.region.zone);
    expect([funnel.placeAt('25-g06', end(0)).step, funnel.placeAt('25-g06', end(1)).step]).toEqual([7, 8]);
    expect(funnel.placeAt('25-p01', end(0)).step).toBe(8);
    // Listed on W2's Wednesday (a drawn org.connected of W2 or W3 may show step 2 besides).
    expect([0, 1, 2].map((i) => funnel.placeAt('25-g01', end(i)).step >= 1)).toEqual([false, true, true]);
  });
});
