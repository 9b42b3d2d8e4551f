/**
 * The `tiny` profile: one region (Primorsky krai, UTC+10), 2 municipalities,
 * 22 organizations, about 130 users and a few thousand events over the last
 * three complete weeks (W1, W2, W3). Built by hand so that every rule the
 * acceptance suite guards is exercised by at least one unit:
 *
 * band edges in W3 (value exactly on the edge):
 *   m1 active_schools        5 of 10 schools with 2+ users = 50%   -> below_norm (lower edge)
 *   m1 teachers_10_messages  2 of 20 teachers                = 10%   -> below_norm (lower edge)
 *   m2 active_schools        9 of 10                          = 90%   -> good (upper edge)
 *   m2 teachers_10_messages  5 of 20 teachers                = 25%   -> good (upper edge)
 * time zone (Asia/Vladivostok):
 *   tz-monday   9 group messages in W2 and one at Monday 00:00:00.000 of W3: 9 in W2
 *   tz-sunday   9 in W1 and one at Sunday 23:59:59.999 of W1: 10 in W1
 *   reg-sunday  registers Sunday 23:59:59.999 of W2: registered at W2's end
 *   reg-monday  registers Monday 00:00:00.000 of W2: not registered at W1's end
 * exactness:
 *   duplicate   9 group messages in W2, one of them sent twice: 9
 *   call-rejoin joins one call twice in W2: one call
 *   not-group   9 group, 4 direct and 2 channel messages in W2: 9 group
 *   stickers    8 text and 2 sticker messages in W3: 10 with every kind counted, 8 with text only
 *   leave-return leaves on W2's Wednesday, back on W3's Tuesday
 *   teacher-parent a teacher of one school and a parent in another: a teacher
 *   two-schools a teacher of a school in each municipality: once in the region
 *   unassigned  a user of an organization the registry does not know (25-unknown-001): 4 events in W2,
 *               counted nowhere, listed as an unknown organization
 * onboarding (the funnel; a stream of its own, so every event above stays as it is):
 *   g01         nobody; list_collected on W2's Wednesday: step 0 in W1, 1 or more from W2
 *   g02         nobody; list W1-30 days, passed W1-25: step 2 (or further by a drawn
 *               org.connected), stuck
 *   the others  registry dates weeks before W1; administrators in g06, g07, g09, g11
 *               and g12 (schools with 2+ users already: no band edge moves), the one
 *               of g11 writing 2 group messages a week
 *   chats       g06's whole-staff chat at W2's Monday 00:00:00.000 local (W2's, not
 *               W1's), p01's at W1's Sunday 23:59:59.999 (W1's), g11's in W1; class
 *               chats in g07 and g11
 */
import { type OrgCategory, type Role } from '@sferum/contracts';
import { type Random } from '../random';
import { type PlannedActivity, type RegionWorld, type RegistrationChange, type SimChat, type SimOrganization, type SimRegion, type SimUser } from '../world';
import { addDays, mondayDate, shiftWeek } from '../zones';
import { activityTime, atLocal, dateOfWeekDay } from './calendar';

export const TINY_REGION: SimRegion = { code: '25', name: 'Приморский край', zone: 'Asia/Vladivostok' };
export const TINY_WEEKS = 3;

type Kind = Extract<PlannedActivity, { kind: 'message' }>['messageKind'];

export function buildTinyWorld(weeks: readonly string[], rng: Random): RegionWorld {
  if (weeks.length !== TINY_WEEKS) throw new Error(`the tiny profile simulates exactly ${TINY_WEEKS} weeks`);
  const [w1, w2, w3] = weeks as [string, string, string];
  const zone = TINY_REGION.zone;
  const r = rng.fork('tiny');
  const m1 = { id: '25-m1', name: 'Артёмовский городской округ', engagement: 1 };
  const m2 = { id: '25-m2', name: 'Находкинский городской округ', engagement: 1 };
  const org = (id: string, category: OrgCategory, m: typeof m1, headcount: number | null, name: string): SimOrganization => ({
    id: `25-${id}`,
    name,
    category,
    municipalityId: m.id,
    municipalityName: m.name,
    headcount,
  });
  const organizations: SimOrganization[] = [];
  for (let i = 1; i <= 10; i++) organizations.push(org(`g${String(i).padStart(2, '0')}`, 'general', m1, i === 5 ? null : 8 + i, `Школа № ${i} (Артём)`));
  organizations.push(org('p01', 'preschool', m1, null, 'Детский сад № 1 (Артём)'));
  for (let i = 11; i <= 20; i++) organizations.push(org(`g${i}`, 'general', m2, 10 + (i % 4), `Школа № ${i} (Находка)`));
  organizations.push(org('c01', 'spo', m2, 25, 'Колледж (Находка)'));

  const users: SimUser[] = [];
  const longAgo = (): RegistrationChange[] => [{ time: activityTime(r, shiftWeek(w1, -r.int(1, 4)), zone, 0), registered: true }];
  const mid = (week: string, day = 2, hour = 11) => atLocal(week, zone, day, hour, r.int(0, 59), r.int(0, 59), r.int(0, 999));
  const group = (week: string, n: number, kind: Kind = 'text'): PlannedActivity[] =>
    Array.from({ length: n }, () => ({ kind: 'message', time: mid(week, r.int(0, 5), r.int(8, 18)), chatKind: 'group', messageKind: kind }));
  const randomKind = (): Kind => r.weighted({ text: 70, file: 8, poll: 2, voice: 5, sticker: 10, emoji: 4, other: 1 });
  const someGroup = (week: string, n: number): PlannedActivity[] => group(week, n).map((m) => ({ ...m, messageKind: randomKind() }) as PlannedActivity);
  const script = (byWeek: Record<string, readonly PlannedActivity[]>) => (week: string) => byWeek[week] ?? [];
  const add = (id: string, registrations: [string, Role][], byWeek: Record<string, readonly PlannedActivity[]>, timeline = longAgo()) =>
    users.push({ id: `25-${id}`, registrations: registrations.map(([o, role]) => ({ orgId: `25-${o}`, role })), timeline, writes: 0, calls: 0, script: script(byWeek) });
  /** A teacher below 10 group messages in W3 (free in W1 and W2). */
  const ordinary = (): Record<string, PlannedActivity[]> => ({
    [w1]: someGroup(w1, r.int(0, 14)),
    [w2]: [...someGroup(w2, r.int(0, 14)), ...directs(w2, r.int(0, 3))],
    [w3]: someGroup(w3, r.int(0, 9)),
  });
  const writer = (): Record<string, PlannedActivity[]> => ({ ...ordinary(), [w3]: group(w3, r.int(10, 25)) });
  const directs = (week: string, n: number): PlannedActivity[] =>
    Array.from({ length: n }, () => ({ kind: 'message', time: mid(week, r.int(0, 6)), chatKind: 'direct', messageKind: randomKind() }));

  // m1: g01, g02 nobody; g03..g05 one teacher each; g06..g10 and p01 active.
  add('t01', [['g03', 'teacher']], ordinary());
  add('t02', [['g04', 'teacher']], ordinary());
  add('t03', [['g05', 'teacher']], ordinary());
  add('t04', [['g06', 'teacher']], writer());
  for (const [n, school] of [[5, 'g07'], [6, 'g08'], [7, 'g09'], [8, 'g10'], [9, 'g06']] as const) add(`t0${n}`, [[school, 'teacher']], ordinary());
  // The scripted cases (see the header), all teachers of m1.
  add('tz-monday', [['p01', 'teacher']], { [w2]: group(w2, 9), [w3]: [{ kind: 'message', time: atLocal(w3, zone, 0, 0, 0, 0, 0), chatKind: 'group', messageKind: 'text' }] });
  add('tz-sunday', [['p01', 'teacher']], { [w1]: [...group(w1, 9), { kind: 'message', time: atLocal(w1, zone, 6, 23, 59, 59, 999), chatKind: 'group', messageKind: 'text' }] });
  add('reg-sunday', [['g07', 'teacher']], { [w3]: group(w3, 3) }, [{ time: atLocal(w2, zone, 6, 23, 59, 59, 999), registered: true }]);
  add('reg-monday', [['g08', 'teacher']], { [w2]: group(w2, 2) }, [{ time: atLocal(w2, zone, 0, 0, 0, 0, 0), registered: true }]);
  const dup = group(w2, 9);
  add('duplicate', [['g09', 'teacher']], { [w2]: dup.map((m, i) => (i === 0 ? { ...m, duplicate: true } : m)) as PlannedActivity[] });
  const call = (time: number): PlannedActivity => ({ kind: 'call', time, callId: 'call-rejoin-1', initiator: false });
  add('call-rejoin', [['g10', 'teacher']], { [w2]: [call(atLocal(w2, zone, 1, 10, 0, 0, 0)), call(atLocal(w2, zone, 1, 10, 7, 0, 0))] });
  add('not-group', [['g10', 'teacher']], {
    [w2]: [
      ...group(w2, 9),
      ...directs(w2, 4),
      ...Array.from({ length: 2 }, (): PlannedActivity => ({ kind: 'message', time: mid(w2), chatKind: 'channel', messageKind: 'text' })),
    ],
  });
  add('stickers', [['p01', 'teacher']], { [w3]: [...group(w3, 8), ...group(w3, 2, 'sticker')] });
  add('leave-return', [['g06', 'teacher']], ordinary(), [
    ...longAgo(),
    { time: atLocal(w2, zone, 2, 14, 0, 0, 0), registered: false },
    { time: atLocal(w3, zone, 1, 9, 30, 0, 0), registered: true },
  ]);
  add('teacher-parent', [['g09', 'teacher'], ['g10', 'parent']], ordinary());
  add('two-schools', [['g07', 'teacher'], ['g11', 'teacher']], ordinary());
  add('unassigned', [['unknown-001', 'teacher']], { [w2]: group(w2, 3) }, [{ time: mid(w2, 1), registered: true }]);

  // m2: g11..g19 two teachers each, g20 one, c01 nobody; 5 teachers of 20 write 10+ in W3.
  let n = 0;
  for (let i = 11; i <= 20; i++) {
    for (let k = 0; k < (i === 20 ? 1 : 2); k++) {
      n++;
      add(`t${10 + n}`, [[`g${i}`, 'teacher']], n <= 5 ? writer() : ordinary());
    }
  }
  // Students and parents of the active schools: they write (never counted) and join calls.
  for (const school of ['g06', 'g07', 'g09', 'g10', 'p01', 'g11', 'g12', 'g13', 'g14', 'g15', 'g16', 'g17', 'g18', 'g19']) {
    const role: Role = school === 'p01' ? 'parent' : 'student';
    for (let k = r.int(2, 7); k > 0; k--) {
      add(`${school}-s${k}`, [[school, role]], { [w1]: someGroup(w1, r.poisson(6)), [w2]: someGroup(w2, r.poisson(6)), [w3]: someGroup(w3, r.poisson(6)) });
    }
    if (role === 'student' && r.chance(0.5)) add(`${school}-parent`, [[school, 'parent']], { [w2]: someGroup(w2, r.int(0, 4)) });
  }
  // A few teachers start calls (scripted users start them; students join).
  let callNo = 0;
  for (const user of users.filter((u) => u.registrations[0]!.role === 'teacher' && /^25-t1[1-5]$/.test(u.id))) {
    const plan = user.script!;
    const withCall = (week: string): PlannedActivity[] => [...plan(week), { kind: 'call', time: mid(week, 3, 15), callId: `call-${++callNo}`, initiator: true }];
    const byWeek = Object.fromEntries(weeks.map((w) => [w, withCall(w)]));
    users[users.indexOf(user)] = { ...user, script: (week) => byWeek[week] ?? [] };
  }

  // The onboarding: the registry's dates, administrators and chats (none of the above changes).
  const o = rng.fork('onboarding');
  const before = (days: number) => addDays(mondayDate(w1), -days);
  const dated = organizations.map((x): SimOrganization => {
    if (x.id === '25-g01') return { ...x, onboarding: { list_collected: dateOfWeekDay(w2, 2), passed_to_coordinators: null, admins_informed: null, structure_built: null } };
    if (x.id === '25-g02') return { ...x, onboarding: { list_collected: before(30), passed_to_coordinators: before(25), admins_informed: null, structure_built: null } };
    if (x.id === '25-c01') return x;
    const start = o.int(60, 90);
    return { ...x, onboarding: { list_collected: before(start), passed_to_coordinators: before(start - 10), admins_informed: before(start - 15), structure_built: before(start - 25) } };
  });
  const admins: SimUser[] = ['g06', 'g07', 'g09', 'g11', 'g12'].map((school) => ({
    id: `25-admin-${school}`,
    registrations: [{ orgId: `25-${school}`, role: 'admin' }],
    timeline: [{ time: atLocal(shiftWeek(w1, -5), zone, 1, 10, o.int(0, 59)), registered: true }],
    writes: 0,
    calls: 0,
    script: school === 'g11' ? script(Object.fromEntries(weeks.map((w) => [w, group(w, 2)]))) : script({}),
  }));
  const chats: SimChat[] = [
    { orgId: '25-g06', chatId: 'c-25-g06-group-1', chatKind: 'group', audience: 'staff', memberCount: 4, time: atLocal(w2, zone, 0, 0, 0, 0, 0) },
    { orgId: '25-p01', chatId: 'c-25-p01-group-1', chatKind: 'group', audience: 'staff', memberCount: 3, time: atLocal(w1, zone, 6, 23, 59, 59, 999) },
    { orgId: '25-g11', chatId: 'c-25-g11-group-1', chatKind: 'group', audience: 'staff', memberCount: 3, time: atLocal(w1, zone, 2, 15, 30) },
    { orgId: '25-g07', chatId: 'c-25-g07-class-1', chatKind: 'group', audience: 'class', memberCount: 12, time: atLocal(w1, zone, 1, 9) },
    { orgId: '25-g11', chatId: 'c-25-g11-class-1', chatKind: 'group', audience: 'class', memberCount: 9, time: atLocal(w3, zone, 3, 9) },
  ];
  return { region: TINY_REGION, municipalities: [m1, m2], organizations: dated, users, weeks, onboarding: { users: admins, chats, connected: [] } };
}
