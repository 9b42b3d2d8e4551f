import { type AnyCloudEventV1 } from '@sferum/contracts';
import { ReferenceFunnel, type ReferencePlace } from './reference-funnel';
import { ReferenceKpi, type ReferenceOrganization } from './reference-kpi';

const ZONES = new Map([
  ['54', 'Asia/Novosibirsk'],
  ['25', 'Asia/Vladivostok'],
]);
const org = (id: string, extra: Partial<ReferenceOrganization> = {}): ReferenceOrganization => ({
  id,
  category: 'general',
  municipalityId: 'm1',
  regionCode: '54',
  headcount: 10,
  name: `School ${id}`,
  municipalityName: 'Municipality m1',
  ...extra,
});
/** 2026-W47 is Monday 16 to Sunday 22 November; in Novosibirsk (+07) it ends 2026-11-22T17:00:00Z, in Vladivostok (+10) 14:00Z. */
const W46 = '2026-W46';
const W47 = '2026-W47';
const END_W46 = Date.parse('2026-11-15T17:00:00Z');
const END_W47 = Date.parse('2026-11-22T17:00:00Z');
const DAY = 86_400_000;

let n = 0;
const ev = (type: AnyCloudEventV1['type'], time: string, data: Record<string, unknown>, id = `e${++n}`) =>
  ({ specversion: '1.0', id, source: 'urn:test', type, time, data }) as unknown as AnyCloudEventV1;
const reg = (user: string, orgId: string, role: string, time: string) => ev('ru.sferum.user.registered', time, { userId: user, orgId, role });
const left = (user: string, orgId: string, role: string, time: string) => ev('ru.sferum.user.left', time, { userId: user, orgId, role });
const msg = (user: string, time: string, orgId?: string) =>
  ev('ru.sferum.message.sent', time, { userId: user, chatId: 'c', chatKind: 'group', ...(orgId === undefined ? {} : { orgId }) });
const call = (user: string, time: string, orgId: string) => ev('ru.sferum.call.joined', time, { userId: user, callId: 'k', initiator: false, orgId });
const chat = (orgId: string, time: string, audience: string) => ev('ru.sferum.chat.created', time, { orgId, chatId: `chat-${++n}`, chatKind: 'group', audience, memberCount: 12 });
const connected = (orgId: string, time: string) => ev('ru.sferum.org.connected', time, { orgId });

function funnel(orgs: readonly ReferenceOrganization[], events: readonly AnyCloudEventV1[] = []): ReferenceFunnel {
  const f = new ReferenceFunnel(orgs, ZONES);
  for (const e of events) f.observe(e);
  return f;
}
const place = (step: number, since: string | null): ReferencePlace => ({ step, sinceMs: since === null ? null : Date.parse(since) });

describe('reference onboarding funnel (rule 11)', () => {
  it('steps 1, 2, 3 and 5: a registry date is in force from 00:00 local of that date in the zone of the region', () => {
    const orgs = [
      org('a', { onboarding: { list_collected: '2026-11-23' } }), // Novosibirsk 00:00 = 2026-11-22T17:00Z: W47's end itself
      org('b', { onboarding: { list_collected: '2026-11-22' } }),
      org('v', { regionCode: '25', municipalityId: 'v1', onboarding: { passed_to_coordinators: '2026-11-22' } }),
      org('c', { onboarding: { admins_informed: '2026-11-01' } }),
      org('d', { onboarding: { structure_built: '2026-11-01', list_collected: null } }),
    ];
    const f = funnel(orgs);
    // Only evidence strictly before T: the date that starts at W47's end does not count at W47's end.
    expect(f.placeAt('a', END_W47)).toEqual(place(0, null));
    expect(f.placeAt('a', END_W47 + 1)).toEqual(place(1, '2026-11-22T17:00:00.000Z'));
    expect(f.placeAt('b', END_W47)).toEqual(place(1, '2026-11-21T17:00:00.000Z'));
    expect(f.placeAt('v', Date.parse('2026-11-21T14:00:00Z'))).toEqual(place(0, null));
    expect(f.placeAt('v', Date.parse('2026-11-21T14:00:00.001Z'))).toEqual(place(2, '2026-11-21T14:00:00.000Z'));
    expect(f.placeAt('c', END_W47)).toEqual(place(3, '2026-10-31T17:00:00.000Z'));
    expect(f.placeAt('d', END_W47)).toEqual(place(5, '2026-10-31T17:00:00.000Z'));
    // A region's funnel is taken at its own weeks' ends.
    expect(f.answers('25', [W47])[W47]!.at).toBe('2026-11-22T14:00:00.000Z');
    expect(f.answers('54', [W47, '2026-11'])['2026-11']!.at).toBe('2026-11-30T17:00:00.000Z');
  });

  it('the registry date follows the region the registry places the organization in now', () => {
    const moved = funnel([org('a', { regionCode: '25', municipalityId: 'v1', onboarding: { list_collected: '2026-11-23' } })]);
    // In Vladivostok the date starts at 2026-11-22T14:00Z, before Novosibirsk's W47 end.
    expect(moved.placeAt('a', END_W47)).toEqual(place(1, '2026-11-22T14:00:00.000Z'));
  });

  it('step 2: the first org.connected by the millisecond, or the undated connected of the registry (since null)', () => {
    const orgs = [org('e'), org('u', { facts: { connected: true, journalLinked: false, govLabel: false } }), org('both', { facts: { connected: true, journalLinked: false, govLabel: false }, onboarding: { passed_to_coordinators: '2026-11-10' } })];
    const f = funnel(orgs, [connected('e', '2026-11-20T10:00:00.250+07:00'), connected('e', '2026-11-18T10:00:00.750+07:00')]);
    expect(f.placeAt('e', END_W47)).toEqual(place(2, '2026-11-18T03:00:00.750Z'));
    expect(f.placeAt('e', Date.parse('2026-11-18T03:00:00.750Z'))).toEqual(place(0, null));
    expect(f.placeAt('u', END_W47)).toEqual(place(2, null));
    // Undated before the date, the date from then on.
    expect(f.placeAt('both', Date.parse('2026-11-09T17:00:00Z'))).toEqual(place(2, null));
    expect(f.placeAt('both', END_W47)).toEqual(place(2, '2026-11-09T17:00:00.000Z'));
    // The undated flag never makes an organization stuck.
    const a = f.answers('54', ['2026-12'], 1)['2026-12']!;
    expect(a.stuck.map((s) => s.orgId)).toEqual(['both', 'e']);
    expect(a.units['org:u']!.steps[1]).toEqual({ step: 2, id: 'passed_to_coordinators', reached: 1, atStep: 1, stuck: 0 });
  });

  it('steps 4 and 6: the first registration as admin, as teacher; a leave does not undo it; students and parents show nothing', () => {
    const orgs = [org('adm'), org('tch'), org('pupils')];
    const f = funnel(orgs, [
      reg('a1', 'adm', 'admin', '2026-11-10T09:00:00.100+07:00'),
      left('a1', 'adm', 'admin', '2026-11-11T09:00:00+07:00'),
      reg('t1', 'tch', 'teacher', '2026-11-12T09:00:00.200+07:00'),
      reg('t2', 'tch', 'teacher', '2026-11-11T09:00:00.300+07:00'),
      left('t2', 'tch', 'teacher', '2026-11-11T10:00:00+07:00'),
      reg('s', 'pupils', 'student', '2026-11-10T09:00:00+07:00'),
      reg('p', 'pupils', 'parent', '2026-11-10T09:00:00+07:00'),
      msg('s', '2026-11-12T09:00:00+07:00', 'pupils'),
    ]);
    expect(f.placeAt('adm', END_W47)).toEqual(place(4, '2026-11-10T02:00:00.100Z'));
    expect(f.placeAt('tch', END_W47)).toEqual(place(6, '2026-11-11T02:00:00.300Z'));
    expect(f.placeAt('pupils', END_W47)).toEqual(place(0, null));
  });

  it('step 7: the least over persons of max(first activity naming it in whole seconds, first registration as teacher or admin)', () => {
    const orgs = [org('late-reg'), org('trunc'), org('min'), org('unnamed'), org('elsewhere'), org('other'), org('pupil'), org('future')];
    const f = funnel(orgs, [
      // Activity before the registration: the registration's instant, by the millisecond.
      msg('x', '2026-11-10T09:00:00.900+07:00', 'late-reg'),
      reg('x', 'late-reg', 'teacher', '2026-11-10T09:00:00.500+07:00'),
      // Activity after: its instant cut to the second (10:00:01.300 -> 10:00:01.000), still after the registration at 10:00:00.200.
      reg('y', 'trunc', 'admin', '2026-11-10T10:00:00.200+07:00'),
      call('y', '2026-11-10T10:00:01.300+07:00', 'trunc'),
      msg('y', '2026-11-11T10:00:00+07:00', 'trunc'),
      // The least of two persons' instants, each its own max.
      reg('p1', 'min', 'teacher', '2026-11-01T09:00:00+07:00'),
      msg('p1', '2026-11-14T09:00:00+07:00', 'min'),
      reg('p2', 'min', 'teacher', '2026-11-12T09:00:00+07:00'),
      msg('p2', '2026-11-12T11:00:00.999+07:00', 'min'),
      // Naming no organization: never step 7, even for a teacher registered there.
      reg('u', 'unnamed', 'teacher', '2026-11-01T09:00:00+07:00'),
      msg('u', '2026-11-12T11:00:00+07:00'),
      // Naming another organization: counts for that one, with the registration there.
      reg('w', 'elsewhere', 'teacher', '2026-11-01T09:00:00+07:00'),
      msg('w', '2026-11-12T11:00:00+07:00', 'other'),
      reg('s', 'pupil', 'student', '2026-11-01T09:00:00+07:00'),
      reg('t', 'pupil', 'teacher', '2026-11-02T09:00:00+07:00'),
      msg('s', '2026-11-12T11:00:00+07:00', 'pupil'),
      // Both must be before T.
      reg('z', 'future', 'teacher', '2026-11-01T09:00:00+07:00'),
      msg('z', '2026-11-23T00:00:00.500+07:00', 'future'),
    ]);
    expect(f.placeAt('late-reg', END_W47)).toEqual(place(7, '2026-11-10T02:00:00.500Z'));
    expect(f.placeAt('trunc', END_W47)).toEqual(place(7, '2026-11-10T03:00:01.000Z'));
    expect(f.placeAt('min', END_W47)).toEqual(place(7, '2026-11-12T04:00:00.000Z'));
    expect(f.placeAt('unnamed', END_W47)).toEqual(place(6, '2026-11-01T02:00:00.000Z'));
    expect(f.placeAt('elsewhere', END_W47)).toEqual(place(6, '2026-11-01T02:00:00.000Z'));
    expect(f.placeAt('other', END_W47)).toEqual(place(0, null));
    expect(f.placeAt('pupil', END_W47)).toEqual(place(6, '2026-11-02T02:00:00.000Z'));
    expect(f.placeAt('future', END_W47)).toEqual(place(6, '2026-11-01T02:00:00.000Z'));
    // The truncated second is the evidence: at 10:00:01.000 itself not yet, one millisecond later yes.
    expect(f.placeAt('trunc', Date.parse('2026-11-10T03:00:01.000Z')).step).toBe(4);
    expect(f.placeAt('trunc', Date.parse('2026-11-10T03:00:01.001Z')).step).toBe(7);
    expect(f.placeAt('future', Date.parse('2026-11-22T17:00:01Z'))).toEqual(place(7, '2026-11-22T17:00:00.000Z'));
  });

  it('step 8: a whole-staff chat only; the furthest step counts the steps before it as passed', () => {
    const orgs = [org('staff', { onboarding: { list_collected: '2026-09-01' } }), org('classes')];
    const f = funnel(orgs, [chat('staff', '2026-11-20T10:00:00.001+07:00', 'staff'), chat('classes', '2026-11-12T10:00:00+07:00', 'class'), chat('classes', '2026-11-12T10:00:00+07:00', 'other')]);
    expect(f.placeAt('staff', END_W47)).toEqual(place(8, '2026-11-20T03:00:00.001Z'));
    expect(f.placeAt('staff', END_W46)).toEqual(place(1, '2026-08-31T17:00:00.000Z'));
    expect(f.placeAt('classes', END_W47)).toEqual(place(0, null));
    const units = f.answers('54', [W47])[W47]!.units;
    expect(units['org:staff']).toEqual({
      organizations: 1,
      notStarted: 0,
      completed: 1,
      steps: ['list_collected', 'passed_to_coordinators', 'admins_informed', 'admin_registered', 'structure_built', 'staff_registered', 'staff_active', 'chats_created'].map((id, i) => ({
        step: i + 1,
        id,
        reached: 1,
        atStep: i === 7 ? 1 : 0,
        stuck: 0,
      })),
    });
  });

  it('stuck: more than stuckDays x 24 hours at a step below 8; exactly stuckDays days is not stuck, one millisecond more is', () => {
    const orgs = [
      org('exact', { onboarding: { list_collected: '2026-11-09' } }), // 2026-11-08T17:00Z: exactly 14 days before W47's end
      org('one-ms'),
      org('long', { onboarding: { admins_informed: '2026-10-01' } }),
      org('done', { onboarding: { list_collected: '2026-01-10' } }),
    ];
    const f = funnel(orgs, [reg('a', 'one-ms', 'admin', new Date(END_W47 - 14 * DAY - 1).toISOString()), chat('done', '2026-11-01T10:00:00+07:00', 'staff')]);
    const a = f.answers('54', [W47])[W47]!;
    expect(a.stuckDays).toBe(14);
    expect(a.stuck).toEqual([
      { orgId: 'long', orgName: 'School long', municipalityId: 'm1', municipalityName: 'Municipality m1', category: 'general', step: 3, stepId: 'admins_informed', since: '2026-09-30T17:00:00.000Z', days: 53 },
      { orgId: 'one-ms', orgName: 'School one-ms', municipalityId: 'm1', municipalityName: 'Municipality m1', category: 'general', step: 4, stepId: 'admin_registered', since: '2026-11-08T16:59:59.999Z', days: 14 },
    ]);
    expect(a.units['org:exact']!.steps[0]).toMatchObject({ atStep: 1, stuck: 0 });
    expect(a.units['region']).toMatchObject({ organizations: 4, notStarted: 0, completed: 1 });
    // With stuckDays 7 the exact one is stuck too, 14 days; with 53 the long one is not (exactly 53 days).
    const seven = f.answers('54', [W47], 7)[W47]!;
    expect(seven.stuck.map((s) => [s.orgId, s.days])).toEqual([
      ['long', 53],
      ['exact', 14],
      ['one-ms', 14],
    ]);
    expect(f.answers('54', [W47], 53)[W47]!.stuck).toEqual([]);
  });

  it('tallies every unit: reached, at step and stuck per step; the stuck list by days, then orgId', () => {
    const orgs = [
      org('z1', { onboarding: { list_collected: '2026-10-01' } }),
      org('a1', { onboarding: { list_collected: '2026-10-01' } }),
      org('b2', { municipalityId: 'm2', municipalityName: 'Municipality m2', category: 'spo', onboarding: { passed_to_coordinators: '2026-09-01' } }),
      org('c0', { municipalityId: 'm2', municipalityName: 'Municipality m2' }),
      org('d6', { municipalityId: 'm2', municipalityName: 'Municipality m2' }),
      org('elsewhere', { regionCode: '25', municipalityId: 'v1', onboarding: { list_collected: '2026-01-01' } }),
    ];
    const f = funnel(orgs, [reg('t', 'd6', 'teacher', '2026-11-20T10:00:00+07:00')]);
    const a = f.answers('54', [W47])[W47]!;
    expect(Object.keys(a.units).sort()).toEqual(['category:general', 'category:spo', 'municipality:m1', 'municipality:m2', 'org:a1', 'org:b2', 'org:c0', 'org:d6', 'org:z1', 'region']);
    const counts = (unit: string) => a.units[unit]!.steps.map((s) => [s.reached, s.atStep, s.stuck]);
    expect(a.units['region']).toMatchObject({ organizations: 5, notStarted: 1, completed: 0 });
    expect(counts('region')).toEqual([
      [4, 2, 2],
      [2, 1, 1],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(counts('municipality:m2').slice(0, 2)).toEqual([
      [2, 0, 0],
      [2, 1, 1],
    ]);
    expect(a.units['category:spo']).toMatchObject({ organizations: 1, notStarted: 0 });
    expect(a.stuck.map((s) => [s.orgId, s.days, s.municipalityName])).toEqual([
      ['b2', 83, 'Municipality m2'],
      ['a1', 53, 'Municipality m1'],
      ['z1', 53, 'Municipality m1'],
    ]);
  });

  it('duplicates change nothing (the same events twice), and the KPI reference counts admins as registered users', () => {
    const orgs = [org('s')];
    const events = [reg('a', 's', 'admin', '2026-11-10T09:00:00+07:00'), chat('s', '2026-11-11T09:00:00+07:00', 'staff'), reg('t', 's', 'teacher', '2026-11-10T10:00:00+07:00')];
    const once = funnel(orgs, events).answers('54', [W46, W47]);
    const twice = funnel(orgs, [...events, ...events]).answers('54', [W46, W47]);
    expect(twice).toEqual(once);
    expect(once[W47]!.units['region']!.completed).toBe(1);
    const kpi = new ReferenceKpi(orgs, ZONES);
    for (const e of [...events, ...events]) kpi.observe(e);
    expect(kpi.counts).toEqual({ received: 6, distinct: 3 });
    expect(kpi.answers('54', [W47], { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null, minTeacherDenominator: 1 }, [])[W47]!.units['org:s']!.counters).toMatchObject({
      registered_users: 2,
      registered_teachers: 1,
      active_orgs: 1,
    });
  });

  it('a period not over at now is taken at the start of now\'s hour, and says so', () => {
    const f = funnel(
      [org('s', { onboarding: { list_collected: '2026-11-01' } }), org('late', { onboarding: { list_collected: '2026-11-25' } }), org('old', { onboarding: { list_collected: '2026-11-01' } })],
      [reg('a', 's', 'admin', '2026-11-25T11:59:59.999Z'), reg('b', 's', 'teacher', '2026-11-25T12:00:00Z')],
    );
    const now = Date.parse('2026-11-25T12:34:56.789Z');
    const a = f.answers('54', [W47, '2026-W48', '2026-11'], 14, now);
    expect([a[W47]!.at, a[W47]!.partial]).toEqual(['2026-11-22T17:00:00.000Z', false]);
    expect([a['2026-W48']!.at, a['2026-W48']!.partial]).toEqual(['2026-11-25T12:00:00.000Z', true]);
    expect([a['2026-11']!.at, a['2026-11']!.partial]).toEqual(['2026-11-25T12:00:00.000Z', true]);
    // The admin before the hour counts, the teacher at it does not; days are counted to the hour: 24 days and 19 hours.
    expect(a['2026-11']!.units['org:s']!.steps[3]!.atStep).toBe(1);
    expect(a['2026-11']!.units['org:late']!.steps[0]!.atStep).toBe(1);
    expect(a['2026-11']!.stuck.map((x) => [x.orgId, x.days])).toEqual([['old', 24]]);
    expect(f.answers('54', ['2026-11'], 25, now)['2026-11']!.stuck).toEqual([]);
    // Without a now, every period is taken at its end.
    expect(f.answers('54', ['2026-11'])['2026-11']).toMatchObject({ at: '2026-11-30T17:00:00.000Z', partial: false });
  });

  it('a month is taken at the next month 1st 00:00 local', () => {
    const f = funnel([org('m', { onboarding: { list_collected: '2026-12-01' } }), org('n', { onboarding: { list_collected: '2026-11-30' } })]);
    const month = f.answers('54', ['2026-11'])['2026-11']!;
    expect(month.at).toBe('2026-11-30T17:00:00.000Z');
    expect([month.units['org:m']!.notStarted, month.units['org:n']!.notStarted]).toEqual([1, 0]);
  });
});
