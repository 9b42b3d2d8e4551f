/**
 * The `edges` profile: four regions in four zones, each with one
 * municipality and two organizations, two weeks (W1, W2), built by hand so
 * that one value of the reference changes whenever a week or a
 * registration is cut in the wrong place:
 *
 *   39 Kaliningrad oblast  Europe/Kaliningrad  UTC+2
 *   77 Moscow              Europe/Moscow       UTC+3  (the source's home region)
 *   54 Novosibirsk oblast  Asia/Novosibirsk    UTC+7
 *   41 Kamchatka krai      Asia/Kamchatka      UTC+12
 *
 * In every region R (organizations R-o1, a school with a headcount, and
 * R-o2, a college; 41-o2 has no headcount), the scripted users:
 *   R-mon      teacher of R-o1, no orgId: 9 group messages mid-W1 and one
 *              at W1's Monday 00:00:00.000 local: 10 in W1 (9 when the week
 *              is cut in UTC, or in Moscow for 54 and 41); a call at W2's
 *              Monday 00:00:00.000 local: W2's (W1's in UTC)
 *   R-sun      teacher of R-o1, no orgId: 9 mid-week and one at Sunday
 *              23:59:59.999 local, in both weeks: 10 a week (W1 9 when cut
 *              in Moscow for 39)
 *   R-named    teacher of R-o1, naming R-o1: 9 mid-W2 and one at W2's
 *              Monday 00:00:00.000 local: 10 in W2 (9 in UTC)
 *   R-in-out   teacher of R-o2: joins W1's Wednesday 10:00:00.100 and
 *              leaves 10:00:00.300 local: not registered at either week's
 *              end (registered when compared by seconds: R-o2 would be
 *              active, and 3 messages would count)
 *   R-out-in   teacher of R-o1 since before W1: leaves W2's Thursday
 *              10:00:00.100 and comes back 10:00:00.300: registered at W2's
 *              end
 *   R-steady   teacher of R-o2 since before W1: R-o2's only user
 *   R-reg-sun  joins R-o1 on W1's Sunday 23:59:59.999 local: registered at
 *              W1's end
 *   R-reg-mon  joins R-o1 on W2's Monday 00:00:00.000 local: not at W1's end
 *              (it would be with W1's end taken in UTC)
 *   two students and a parent of R-o1, writing now and then
 * and besides:
 *   39-two     teacher of 39-o1 and of 41-o1, no orgId: 9 messages on W1's
 *              Wednesday and one at W1's Sunday 23:00 in Kaliningrad, which
 *              is Monday 09:00 of W2 in Kamchatka: 10 in W1 in 39, 9 in 41
 *              (in Moscow the 10th is Monday 00:00:00.000: 9 in 39; in UTC
 *              Sunday 21:00: 10 in 41); a call on W2's Sunday 20:00 in
 *              Kaliningrad: W2's in 39, after W2 in 41
 *   77-ghost   teacher of 77-unknown-001, an organization the registry does
 *              not know: its events count nowhere and are listed
 * and the onboarding funnel's last step (a stream of its own): R-o1's
 * whole-staff chat at W2's Monday 00:00:00.000 local (step 8 at W2's end,
 * not at W1's: it would be with W1's end taken in Moscow for 54 and 41),
 * R-o2's at W1's Sunday 23:59:59.999 local (step 8 at W1's end: not with it
 * taken in Moscow for 39).
 */
import { type Role } from '@sferum/contracts';
import { type Random } from '../random';
import { type NamedOrg, type PlannedActivity, type RegionWorld, type RegistrationChange, type SimOrganization, type SimRegion, type SimUser } from '../world';
import { shiftWeek } from '../zones';
import { atLocal } from './calendar';
import { federalSubject } from './subjects';

export const EDGES_REGIONS: readonly SimRegion[] = ['39', '77', '54', '41'].map(federalSubject);
export const EDGES_HOME_REGION = '77';
export const EDGES_WEEKS = 2;

const CITIES: Record<string, string> = { '39': 'Калининград', '77': 'Тверской район', '54': 'Новосибирск', '41': 'Петропавловск-Камчатский' };
const KALININGRAD = 'Europe/Kaliningrad';

export function buildEdgesWorld(region: SimRegion, weeks: readonly string[], rng: Random): RegionWorld {
  if (weeks.length !== EDGES_WEEKS) throw new Error(`the edges profile simulates exactly ${EDGES_WEEKS} weeks`);
  const city = CITIES[region.code];
  if (city === undefined) throw new Error(`the edges profile has no region ${region.code}`);
  const [w1, w2] = weeks as [string, string];
  const zone = region.zone;
  const r = rng.fork('edges');
  const id = (suffix: string) => `${region.code}-${suffix}`;
  const municipality = { id: id('m1'), name: city, engagement: 1 };
  const org = (suffix: string, category: SimOrganization['category'], headcount: number | null, name: string): SimOrganization => ({
    id: id(suffix),
    name,
    category,
    municipalityId: municipality.id,
    municipalityName: municipality.name,
    headcount,
  });
  const organizations = [org('o1', 'general', 6, `Школа № 1 (${city})`), org('o2', 'spo', region.code === '41' ? null : 4, `Колледж (${city})`)];

  const users: SimUser[] = [];
  const longAgo: RegistrationChange[] = [{ time: atLocal(shiftWeek(w1, -2), zone, 1, 9, 0, 0, 0), registered: true }];
  const add = (suffix: string, registrations: [string, Role][], byWeek: Record<string, readonly PlannedActivity[]>, timeline = longAgo) =>
    users.push({
      id: id(suffix),
      registrations: registrations.map(([orgId, role]) => ({ orgId, role })),
      timeline,
      writes: 0,
      calls: 0,
      script: (week) => byWeek[week] ?? [],
    });
  const message = (time: number, org?: NamedOrg): PlannedActivity => ({ kind: 'message', time, chatKind: 'group', messageKind: 'text', ...(org === undefined ? {} : { org }) });
  /** n group messages on the week's Wednesday afternoon, local time (the same week in every zone of Russia). */
  const midweek = (week: string, n: number, org?: NamedOrg, hour = 12): PlannedActivity[] =>
    Array.from({ length: n }, (_, i) => message(atLocal(week, zone, 2, hour, i, r.int(0, 59), r.int(0, 999)), org));
  const monday = (week: string) => atLocal(week, zone, 0, 0, 0, 0, 0);
  const sunday = (week: string) => atLocal(week, zone, 6, 23, 59, 59, 999);
  const o1 = id('o1');
  const o2 = id('o2');

  add('mon', [[o1, 'teacher']], {
    [w1]: [...midweek(w1, 9, null), message(monday(w1), null)],
    [w2]: [{ kind: 'call', time: monday(w2), callId: id('call-monday'), initiator: true, org: null }],
  });
  add('sun', [[o1, 'teacher']], {
    [w1]: [...midweek(w1, 9, null), message(sunday(w1), null)],
    [w2]: [...midweek(w2, 9, null), message(sunday(w2), null)],
  });
  add('named', [[o1, 'teacher']], { [w2]: [...midweek(w2, 9), message(monday(w2))] });
  const instant = (week: string, day: number, ms: number) => atLocal(week, zone, day, 10, 0, 0, ms);
  add('in-out', [[o2, 'teacher']], { [w1]: midweek(w1, 3, undefined, 14) }, [
    { time: instant(w1, 2, 100), registered: true },
    { time: instant(w1, 2, 300), registered: false },
  ]);
  add('out-in', [[o1, 'teacher']], { [w2]: midweek(w2, 3, undefined, 15).map((m) => ({ ...m, time: m.time + 2 * 86_400_000 })) }, [
    ...longAgo,
    { time: instant(w2, 3, 100), registered: false },
    { time: instant(w2, 3, 300), registered: true },
  ]);
  add('steady', [[o2, 'teacher']], { [w1]: midweek(w1, 3), [w2]: midweek(w2, 3) });
  add('reg-sun', [[o1, 'teacher']], { [w2]: midweek(w2, 3) }, [{ time: sunday(w1), registered: true }]);
  add('reg-mon', [[o1, 'teacher']], { [w2]: midweek(w2, 3) }, [{ time: monday(w2), registered: true }]);
  for (const s of ['s1', 's2']) add(s, [[o1, 'student']], { [w1]: midweek(w1, r.int(2, 6), undefined, 16), [w2]: midweek(w2, r.int(2, 6), undefined, 16) });
  add('p1', [[o1, 'parent']], { [w2]: midweek(w2, 2, undefined, 17) });

  if (region.code === '39') {
    // Wednesday 12:00 in Kaliningrad is Wednesday 22:00 in Kamchatka; Sunday 23:00 is Monday 09:00 there.
    add('two', [[o1, 'teacher'], ['41-o1', 'teacher']], {
      [w1]: [...midweek(w1, 9, null), message(atLocal(w1, KALININGRAD, 6, 23, 0, 0, 0), null)],
      [w2]: [{ kind: 'call', time: atLocal(w2, KALININGRAD, 6, 20, 0, 0, 0), callId: '39-call-two', initiator: true, org: null }],
    });
  }
  if (region.code === '77') {
    add('ghost', [['77-unknown-001', 'teacher']], { [w1]: midweek(w1, 1), [w2]: midweek(w2, 3) }, [{ time: atLocal(w1, zone, 1, 11, 0, 0, 0), registered: true }]);
  }
  const chats = [
    { orgId: o1, chatId: `c-${o1}-group-1`, chatKind: 'group' as const, audience: 'staff' as const, memberCount: 6, time: monday(w2) },
    { orgId: o2, chatId: `c-${o2}-group-1`, chatKind: 'group' as const, audience: 'staff' as const, memberCount: 2, time: sunday(w1) },
  ];
  return { region, municipalities: [municipality], organizations, users, weeks, onboarding: { users: [], chats, connected: [] } };
}
