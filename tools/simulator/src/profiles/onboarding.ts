/**
 * The onboarding of a random region's organizations (domain brief,
 * "Onboarding flow"; the funnel's eight steps in libs/contracts
 * onboarding.ts): the registry's dates of the steps only it states,
 * administrators who register, chats created, and organizations still
 * being onboarded. Drawn from a stream of its own (rng.fork('onboarding'))
 * after everything else, and sent as a stream of its own (events.ts): every
 * event of the world without it stays exactly as it was.
 *
 * The world's own organizations, from their first teacher's registration
 * (t6) backwards: the structure built 1 to 7 days before, the administrator
 * registered 1 to 5 days before that, the administrators told, the list
 * passed and collected days to weeks earlier. The registry states these
 * dates for most (85%, each date 95%). 85% have an administrator (half of
 * whom write a little), 80% a whole-staff chat (a third of them created
 * during the simulated weeks: those organizations reach step 8 during the
 * run), schools and kindergartens class chats, some other chats.
 * Organizations nobody joined: nothing, or the first one to three registry
 * steps, dated up to 60 days before the first week or inside the weeks.
 *
 * Besides, organizations being onboarded (ids <region>-onb-NNN, general
 * schools and kindergartens nobody joined yet, their events all the
 * onboarding's): 1.5% more organizations, at least 2, at random early steps.
 *
 * And, by construction whatever the seed, thirteen organizations named
 * after their case (<region>-onb-<case>), dated from the first simulated
 * week's Monday F and the last one's Monday L (T = the last week's end,
 * L + 7 days; "stuck" with the default 14 days):
 *
 *   none         nothing at all                                       step 0
 *   listed       list_collected F-30                                  step 1, stuck
 *   passed       list F-40, passed F-35, and org.connected on F-36
 *                14:20:05.250 (since: the event, before the date)      step 2, stuck
 *   connected    only the registry's (undated) connected               step 2, since null, never stuck
 *   informed     list F-50, passed F-45, informed F-40                 step 3, stuck
 *   admin        + the administrator registered F-40 10:15:00.250, who
 *                leaves on the first week's Tuesday (no undoing)       step 4, stuck
 *   structure    + administrator F-55, structure built F-45            step 5, stuck
 *   staff        + a teacher registered F-40 writing every week naming
 *                no organization, a student writing naming it          step 6, stuck
 *   active       administrator registered on the first Monday
 *                10:00:00.200, first message naming it 10:00:01.300
 *                (since 10:00:01.000: seconds); a class chat           step 7 from the first week, stuck from the third
 *   chats        two teachers writing every week; the whole-staff chat
 *                on the last week's Wednesday, sent twice              step 7, then 8 in the last week
 *   edge         list_collected L (in force from L 00:00 local: not
 *                at the week before's end, which is that instant)      step 0, then 1 in the last week
 *   boundary     list_collected L-7: exactly 14 days at T              step 1, not stuck (stuck with 7 days)
 *   boundary-ms  the administrator registered 14 days and 1 ms before T step 4, stuck, 14 days
 */
import { type ChatKind, type OrgCategory, type RegistryOnboarding } from '@sferum/contracts';
import { type Random } from '../random';
import { type PlannedActivity, type RegionWorld, type RegistrationChange, type SimChat, type SimOrganization, type SimUser } from '../world';
import { addDays, localDateAt, mondayDate, weekEndUtc } from '../zones';
import { activityTime, atLocal, atLocalDate } from './calendar';

export const NO_ONBOARDING_DATES: RegistryOnboarding = { list_collected: null, passed_to_coordinators: null, admins_informed: null, structure_built: null };

/** The organizations every random region has by construction (see the header). */
export const ONBOARDING_CASES = ['none', 'listed', 'passed', 'connected', 'informed', 'admin', 'structure', 'staff', 'active', 'chats', 'edge', 'boundary', 'boundary-ms'] as const;
export type OnboardingCase = (typeof ONBOARDING_CASES)[number];

export function onboardingCaseId(region: string, c: OnboardingCase): string {
  return `${region}-onb-${c}`;
}

type EarlyFate = 'none' | 'listed' | 'passed' | 'informed';
const EARLY_STEPS = ['list_collected', 'passed_to_coordinators', 'admins_informed'] as const;
const NO_FACTS = { connected: false, journalLinked: false, govLabel: false };

export function onboardRegion(world: RegionWorld, rng: Random): RegionWorld {
  const { region, weeks } = world;
  const zone = region.zone;
  const [first, last] = [weeks[0]!, weeks[weeks.length - 1]!];
  const F = mondayDate(first);
  const L = mondayDate(last);
  const lastEnd = weekEndUtc(last, zone);
  const users: SimUser[] = [];
  const chats: SimChat[] = [];
  const connected: { orgId: string; time: number }[] = [];
  const at = (date: string, hour: number, minute = 0, second = 0, ms = 0) => atLocalDate(date, zone, hour, minute, second, ms);
  const workTime = (r: Random, date: string) => at(date, r.int(8, 17), r.int(0, 59), r.int(0, 59), r.int(0, 999));
  /** A working-day instant so many days (1 to maxDays) after another, if before the end of the simulated weeks. */
  const after = (r: Random, from: number, maxDays: number): number | undefined => {
    const t = workTime(r, addDays(localDateAt(from, zone), r.int(1, maxDays)));
    return t < lastEnd ? t : undefined;
  };
  const inWeeks = (r: Random) => activityTime(r, r.pick(weeks), zone, 0);
  let adminNo = 0;
  const addAdmin = (orgId: string, time: number, writes: number): void => {
    users.push({ id: `${region.code}-a${String(++adminNo).padStart(6, '0')}`, registrations: [{ orgId, role: 'admin' }], timeline: [{ time, registered: true }], writes, calls: 0 });
  };
  const chat = (orgId: string, chatId: string, chatKind: ChatKind, audience: SimChat['audience'], memberCount: number, time: number, duplicate = false): void => {
    chats.push({ orgId, chatId, chatKind, audience, memberCount, time, ...(duplicate ? { duplicate } : {}) });
  };
  /** The first one to three registry steps, the furthest dated up to 60 days before the first week or inside the weeks. */
  const earlyDates = (r: Random, fate: EarlyFate | 'admin' | 'structure'): RegistryOnboarding => {
    const steps = fate === 'none' ? 0 : fate === 'listed' ? 1 : fate === 'passed' ? 2 : 3;
    const dates: Record<(typeof EARLY_STEPS)[number], string | null> = { list_collected: null, passed_to_coordinators: null, admins_informed: null };
    let date = addDays(F, r.int(-60, 7 * weeks.length - 1));
    for (let k = steps - 1; k >= 0; k--) {
      dates[EARLY_STEPS[k]!] = date;
      date = addDays(date, -r.int(2, 12));
    }
    return { ...dates, structure_built: null };
  };

  // 1. The world's own organizations, from their first teacher backwards.
  const teachersOf = new Map<string, SimUser[]>();
  const pupilsOf = new Map<string, number>();
  for (const u of world.users) {
    for (const reg of u.registrations) {
      if (reg.role === 'teacher') {
        const list = teachersOf.get(reg.orgId) ?? [];
        list.push(u);
        teachersOf.set(reg.orgId, list);
      } else if (reg.role === 'student') pupilsOf.set(reg.orgId, (pupilsOf.get(reg.orgId) ?? 0) + 1);
    }
  }
  const firstJoin = (u: SimUser) => u.timeline.find((c) => c.registered)?.time ?? Infinity;
  const organizations = world.organizations.map((o): SimOrganization => {
    const r = rng.fork(`org:${o.id}`);
    const teachers = teachersOf.get(o.id) ?? [];
    const t6 = teachers.reduce((t, u) => Math.min(t, firstJoin(u)), Infinity);
    if (t6 === Infinity) return { ...o, onboarding: earlyDates(r, r.weighted({ none: 4, listed: 2, passed: 2, informed: 2 })) };
    const structure = addDays(localDateAt(t6, zone), -r.int(1, 7));
    const adminAt = workTime(r, addDays(structure, -r.int(1, 5)));
    const informed = addDays(localDateAt(adminAt, zone), -r.int(0, 7));
    const passed = addDays(informed, -r.int(1, 10));
    const listed = addDays(passed, -r.int(1, 20));
    const stated = r.chance(0.85);
    const state = (date: string) => (stated && r.chance(0.95) ? date : null);
    const onboarding: RegistryOnboarding = { list_collected: state(listed), passed_to_coordinators: state(passed), admins_informed: state(informed), structure_built: state(structure) };
    const hasAdmin = r.chance(0.85);
    if (hasAdmin) addAdmin(o.id, adminAt, r.chance(0.5) ? Math.min(8, r.logNormal(1.5, 0.6)) : 0);
    if (r.chance(0.8)) {
      const t = r.chance(0.35) ? inWeeks(r) : after(r, t6, 21);
      if (t !== undefined && t > t6) chat(o.id, `c-${o.id}-group-1`, 'group', 'staff', teachers.length + (hasAdmin ? 1 : 0), t);
    }
    const pupils = pupilsOf.get(o.id) ?? 0;
    for (let k = 1; pupils > 0 && k <= Math.min(6, 1 + Math.floor(pupils / 15)); k++) {
      const t = after(r, t6, 40);
      if (t !== undefined) chat(o.id, `c-${o.id}-class-${k}`, 'group', 'class', r.int(5, 30), t);
    }
    if (r.chance(0.2)) {
      const t = after(r, t6, 60);
      const kind = r.pick<ChatKind>(['group', 'channel']);
      if (t !== undefined) chat(o.id, `c-${o.id}-${kind}-o1`, kind, 'other', r.int(2, 60), t);
    }
    return { ...o, onboarding };
  });

  // 2. The thirteen cases (see the header), by construction.
  const cases: SimOrganization[] = [];
  const caseRng = rng.fork('cases');
  const script = (byWeek: ReadonlyMap<string, readonly PlannedActivity[]>) => (week: string) => byWeek.get(week) ?? [];
  const everyWeek = (plan: (week: string) => PlannedActivity[]) => script(new Map(weeks.map((w) => [w, plan(w)])));
  const message = (time: number, org?: string | null): PlannedActivity => ({ kind: 'message', time, chatKind: 'group', messageKind: 'text', ...(org === undefined ? {} : { org }) });
  const person = (id: string, orgId: string, role: SimUser['registrations'][number]['role'], timeline: RegistrationChange[], plan?: (week: string) => readonly PlannedActivity[]) =>
    users.push({ id, registrations: [{ orgId, role }], timeline, writes: 0, calls: 0, ...(plan === undefined ? {} : { script: plan }) });
  ONBOARDING_CASES.forEach((c, i) => {
    const id = onboardingCaseId(region.code, c);
    const municipality = world.municipalities[i % world.municipalities.length]!;
    const dates = (list: number | null, passed: number | null = null, informed: number | null = null, structure: number | null = null, base = F): RegistryOnboarding => ({
      list_collected: list === null ? null : addDays(base, list),
      passed_to_coordinators: passed === null ? null : addDays(base, passed),
      admins_informed: informed === null ? null : addDays(base, informed),
      structure_built: structure === null ? null : addDays(base, structure),
    });
    let onboarding = NO_ONBOARDING_DATES;
    let profile = false;
    const registered = (time: number): RegistrationChange[] => [{ time, registered: true }];
    switch (c) {
      case 'none':
        break;
      case 'listed':
        onboarding = dates(-30);
        break;
      case 'passed':
        onboarding = dates(-40, -35);
        profile = true;
        connected.push({ orgId: id, time: at(addDays(F, -36), 14, 20, 5, 250) });
        break;
      case 'connected':
        profile = true;
        break;
      case 'informed':
        onboarding = dates(-50, -45, -40);
        profile = true;
        break;
      case 'admin':
        onboarding = dates(-60, -56, -50);
        profile = true;
        person(`${id}-admin`, id, 'admin', [
          { time: at(addDays(F, -40), 10, 15, 0, 250), registered: true },
          { time: atLocal(first, zone, 1, 12), registered: false },
        ]);
        break;
      case 'structure':
        onboarding = dates(-70, -66, -60, -45);
        profile = true;
        person(`${id}-admin`, id, 'admin', registered(at(addDays(F, -55), 11)));
        break;
      case 'staff':
        onboarding = dates(-80, -76, -70, -60);
        profile = true;
        person(`${id}-admin`, id, 'admin', registered(at(addDays(F, -65), 9, 30)));
        person(`${id}-t1`, id, 'teacher', registered(at(addDays(F, -40), 13)), everyWeek((w) => [0, 1, 2].map((h) => message(atLocal(w, zone, 2, 10 + h, caseRng.int(0, 59)), null))));
        person(`${id}-s1`, id, 'student', registered(at(addDays(F, -30), 15)), everyWeek((w) => [0, 1].map((h) => message(atLocal(w, zone, 3, 11 + h, caseRng.int(0, 59))))));
        break;
      case 'active':
        onboarding = dates(-40, -35, -30, 1);
        profile = true;
        person(
          `${id}-admin`,
          id,
          'admin',
          registered(atLocal(first, zone, 0, 10, 0, 0, 200)),
          everyWeek((w) => [...(w === first ? [message(atLocal(first, zone, 0, 10, 0, 1, 300))] : []), message(atLocal(w, zone, 2, 14, caseRng.int(0, 59)))]),
        );
        chat(id, `c-${id}-class-1`, 'group', 'class', 25, atLocal(first, zone, 2, 12));
        break;
      case 'chats':
        onboarding = dates(-90, -85, -80, -70);
        profile = true;
        person(`${id}-admin`, id, 'admin', registered(at(addDays(F, -75), 10)));
        for (const [k, day] of [
          [1, -60],
          [2, -58],
        ] as const) {
          person(`${id}-t${k}`, id, 'teacher', registered(at(addDays(F, day), 9 + k)), everyWeek((w) => [1, 3].map((d) => message(atLocal(w, zone, d, 9 + k, caseRng.int(0, 59))))));
        }
        chat(id, `c-${id}-group-1`, 'group', 'staff', 3, atLocal(last, zone, 2, 11, 30), true);
        chat(id, `c-${id}-class-1`, 'group', 'class', 28, atLocal(first, zone, 1, 9));
        chat(id, `c-${id}-channel-o1`, 'channel', 'other', 40, atLocal(first, zone, 3, 16));
        break;
      case 'edge':
        onboarding = dates(0, null, null, null, L);
        break;
      case 'boundary':
        onboarding = dates(-7, null, null, null, L);
        break;
      case 'boundary-ms':
        onboarding = dates(-80, -76, -70);
        profile = true;
        person(`${id}-admin`, id, 'admin', registered(at(addDays(L, -7), 0) - 1));
        break;
    }
    cases.push({
      id,
      name: `МБОУ ООШ № ${i + 1}`,
      category: 'general',
      municipalityId: municipality.id,
      municipalityName: municipality.name,
      headcount: caseRng.int(8, 30),
      onboarding,
      facts: { ...NO_FACTS, connected: profile },
      scripted: true,
    });
  });

  // 3. Organizations being onboarded, at random early steps.
  const backlog: SimOrganization[] = [];
  const backlogRng = rng.fork('backlog');
  const count = Math.max(2, Math.round(world.organizations.length * 0.015));
  for (let k = 1; k <= count; k++) {
    const r = backlogRng.fork(String(k));
    const id = `${region.code}-onb-${String(k).padStart(3, '0')}`;
    const fate = r.weighted({ none: 3, listed: 3, passed: 3, informed: 3, admin: 2, structure: 1 });
    let onboarding = earlyDates(r, fate);
    const profile = fate !== 'none' && fate !== 'listed' && r.chance(0.7);
    if (profile && r.chance(0.5)) {
      const t = workTime(r, onboarding.passed_to_coordinators!);
      if (t < lastEnd) connected.push({ orgId: id, time: t });
    }
    if (fate === 'admin' || fate === 'structure') {
      const adminAt = after(r, at(onboarding.admins_informed!, 12), 10);
      if (adminAt !== undefined) {
        addAdmin(id, adminAt, r.chance(0.3) ? 2 : 0);
        if (fate === 'structure') {
          const built = addDays(localDateAt(adminAt, zone), r.int(1, 10));
          if (at(built, 0) < lastEnd) onboarding = { ...onboarding, structure_built: built };
        }
      }
    }
    const category: OrgCategory = r.chance(0.2) ? 'preschool' : 'general';
    const municipality = r.pick(world.municipalities);
    backlog.push({
      id,
      name: category === 'preschool' ? `МБДОУ Детский сад № ${100 + k}` : `МБОУ ООШ № ${ONBOARDING_CASES.length + k}`,
      category,
      municipalityId: municipality.id,
      municipalityName: municipality.name,
      headcount: r.int(5, 30),
      onboarding,
      facts: { ...NO_FACTS, connected: profile },
      scripted: true,
    });
  }
  return { ...world, organizations: [...organizations, ...cases, ...backlog], onboarding: { users, chats, connected } };
}
