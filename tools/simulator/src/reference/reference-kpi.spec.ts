import { type AnyCloudEventV1 } from '@sferum/contracts';
import { band, ReferenceKpi, type ReferenceOrganization, type ReferenceSettings, roundedPercent } from './reference-kpi';

const ZONES = new Map([
  ['54', 'Asia/Novosibirsk'],
  ['25', 'Asia/Vladivostok'],
]);
const ORGS: ReferenceOrganization[] = [
  { id: 's1', category: 'general', municipalityId: 'm1', regionCode: '54', headcount: 10 },
  { id: 's2', category: 'general', municipalityId: 'm1', regionCode: '54', headcount: null },
  { id: 's3', category: 'general', municipalityId: 'm2', regionCode: '54', headcount: 4 },
  { id: 'c1', category: 'spo', municipalityId: 'm2', regionCode: '54', headcount: 6 },
  { id: 'v1', category: 'general', municipalityId: 'v', regionCode: '25', headcount: 1 },
];
/** Rules 1 to 7 are shown on units of one or two teachers: a minimum of 1 shows them (rule 8 has its own cases). */
const DEFAULTS: ReferenceSettings = { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null, minTeacherDenominator: 1 };
const THRESHOLDS = [
  { kpi: 'active_schools', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'active_orgs', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_10_messages', lower: '10', upper: '25', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' },
];
/** 2026-W47 is Monday 16 to Sunday 22 November; W48 starts Monday 23 November. */
const W47 = '2026-W47';
const W48 = '2026-W48';

let n = 0;
const ev = (type: AnyCloudEventV1['type'], time: string, data: Record<string, unknown>, id = `e${++n}`) =>
  ({ specversion: '1.0', id, source: 'urn:test', type, time, data }) as unknown as AnyCloudEventV1;
const reg = (user: string, org: string, role: string, time = '2026-11-02T09:00:00+07:00') => ev('ru.sferum.user.registered', time, { userId: user, orgId: org, role });
const left = (user: string, org: string, role: string, time: string) => ev('ru.sferum.user.left', time, { userId: user, orgId: org, role });
const msg = (user: string, time: string, extra: Record<string, unknown> = {}) =>
  ev('ru.sferum.message.sent', time, { userId: user, chatId: 'c', chatKind: 'group', orgId: 's1', ...extra });
/** A group message naming no organization. */
const bare = (user: string, time: string) => ev('ru.sferum.message.sent', time, { userId: user, chatId: 'c', chatKind: 'group' });
const call = (user: string, time: string, callId: string, extra: Record<string, unknown> = {}) =>
  ev('ru.sferum.call.joined', time, { userId: user, callId, initiator: true, ...extra });
const times = (count: number, time: string) => Array.from({ length: count }, () => time);

function reference(events: AnyCloudEventV1[], orgs: readonly ReferenceOrganization[] = ORGS): ReferenceKpi {
  const r = new ReferenceKpi(orgs, ZONES);
  for (const e of events) r.observe(e);
  return r;
}
const unitsOf = (r: ReferenceKpi, region: string, week: string, settings = DEFAULTS) => r.answers(region, [week], settings, THRESHOLDS)[week]!.units;

describe('reference KPI answers', () => {
  it('rounds half-up and bands on the exact fraction, edges included', () => {
    expect(roundedPercent(52, 16_010)).toBe(0.32);
    expect(roundedPercent(1, 8)).toBe(12.5);
    expect(roundedPercent(1, 3)).toBe(33.33);
    expect(roundedPercent(2, 3)).toBe(66.67);
    expect(roundedPercent(1, 0)).toBeNull();
    const t = { lower: '10', upper: '25' };
    expect(band(1, 10, t)).toBe('below_norm');
    expect(band(10_001, 100_000, t)).toBe('average');
    expect(band(1, 4, t)).toBe('good');
    expect(band(24_999, 100_000, t)).toBe('average');
    // 0.5% of 199 is 0.995 teachers: one teacher is above the edge, although 0.50% is printed
    expect(roundedPercent(1, 199)).toBe(0.5);
    expect(band(1, 199, { lower: '0.5', upper: '1' })).toBe('average');
    expect(band(1, 200, { lower: '0.5', upper: '1' })).toBe('below_norm');
    expect(band(0, 0, t)).toBeNull();
  });

  it('rule 6: counts a message sent twice once, and a group of 10 distinct messages as 10', () => {
    const ten = Array.from({ length: 10 }, (_, i) => msg('t1', `2026-11-1${i % 5}T10:00:00+07:00`));
    const nine = ten.slice(0, 9);
    const week = '2026-W46';
    const a = unitsOf(reference([reg('t1', 's1', 'teacher'), reg('t2', 's1', 'teacher'), ...ten, ...ten]), '54', week);
    expect(a['region']!.counters.teachers_10_messages).toBe(1);
    const b = reference([reg('t1', 's1', 'teacher'), ...nine, nine[0]!, nine[1]!]);
    expect(b.counts).toEqual({ received: 12, distinct: 10 });
    expect(unitsOf(b, '54', week)['region']!.counters).toMatchObject({ teachers_10_messages: 0, teachers_3_messages: 1 });
  });

  it("rule 4: an event naming an organization is weeked in its organization's zone", () => {
    // Monday 2026-11-16 00:30 in Novosibirsk is Sunday 17:30 UTC: week 47 locally.
    const r = reference([reg('t1', 's1', 'teacher'), ...Array.from({ length: 10 }, () => msg('t1', '2026-11-15T17:30:00Z'))]);
    const answers = r.answers('54', ['2026-W46', W47], DEFAULTS, THRESHOLDS);
    expect(answers['2026-W46']!.units['region']!.counters.teachers_10_messages).toBe(0);
    expect(answers[W47]!.units['region']!.counters.teachers_10_messages).toBe(1);
  });

  it('rule 1: the last change before next Monday 00:00 local, by the millisecond; a join wins a tie', () => {
    // W47 ends 2026-11-23T00:00+07:00.
    const r = reference([
      reg('early', 's1', 'teacher', '2026-11-22T23:59:59.999+07:00'),
      reg('late', 's1', 'teacher', '2026-11-23T00:00:00+07:00'),
      reg('tie', 's1', 'teacher', '2026-11-20T10:00:00+07:00'),
      left('tie', 's1', 'teacher', '2026-11-20T10:00:00+07:00'),
      reg('gone', 's1', 'teacher', '2026-11-02T10:00:00+07:00'),
      left('gone', 's1', 'teacher', '2026-11-20T10:00:00+07:00'),
    ]);
    const region = unitsOf(r, '54', W47)['region']!;
    expect(region.counters.registered_teachers).toBe(2); // early, tie
    expect(region.kpis.active_schools).toMatchObject({ numerator: 1, denominator: 3 }); // s1 has early and tie
    expect(unitsOf(r, '54', W48)['region']!.counters.registered_teachers).toBe(3); // late too
  });

  it('rule 1: a join and a leave 200 ms apart in one second, both ways (by seconds both would be joins)', () => {
    const r = reference([
      reg('steady', 's2', 'teacher'),
      // joins, then leaves 200 ms later: not registered at the week's end
      reg('in-out', 's2', 'teacher', '2026-11-18T10:00:00.100+07:00'),
      left('in-out', 's2', 'teacher', '2026-11-18T10:00:00.300+07:00'),
      // registered long ago, leaves, comes back 200 ms later: registered
      reg('out-in', 's3', 'teacher'),
      reg('other', 's3', 'student'),
      left('out-in', 's3', 'teacher', '2026-11-19T10:00:00.100+07:00'),
      reg('out-in', 's3', 'teacher', '2026-11-19T10:00:00.300+07:00'),
    ]);
    const units = unitsOf(r, '54', W47);
    expect(units['org:s2']!.counters).toMatchObject({ registered_users: 1, active_orgs: 0 });
    expect(units['org:s3']!.counters).toMatchObject({ registered_users: 2, registered_teachers: 1, active_orgs: 1 });
    // The same events with the instants cut to whole seconds: the tie makes both joins win.
    const cut = (e: AnyCloudEventV1) => ({ ...e, time: e.time.replace(/\.\d{3}/, '') }) as AnyCloudEventV1;
    const bySeconds = unitsOf(reference([reg('steady', 's2', 'teacher'), reg('in-out', 's2', 'teacher', '2026-11-18T10:00:00.100+07:00'), left('in-out', 's2', 'teacher', '2026-11-18T10:00:00.300+07:00')].map(cut)), '54', W47);
    expect(bySeconds['org:s2']!.counters).toMatchObject({ registered_users: 2, active_orgs: 1 });
  });

  it('rule 5: group messages of the counted kinds only, calls by the call mode, "active" for anything', () => {
    const at = '2026-11-18T10:00:00+07:00';
    const events = [
      reg('t1', 's1', 'teacher'),
      reg('t2', 's1', 'teacher'),
      reg('t3', 's1', 'teacher'),
      ...Array.from({ length: 8 }, () => msg('t1', at)),
      ...Array.from({ length: 2 }, () => msg('t1', at, { messageKind: 'sticker' })),
      ...Array.from({ length: 5 }, () => msg('t2', at, { chatKind: 'direct' })),
      ...Array.from({ length: 5 }, () => msg('t2', at, { chatKind: 'channel' })),
      call('t2', at, 'k1', { initiator: false, orgId: 's1' }),
      call('t2', at, 'k1', { initiator: false, orgId: 's1' }),
      call('t1', at, 'k1', { orgId: 's1' }),
      msg('t3', at, { chatKind: 'direct', orgId: undefined }),
    ];
    const all = unitsOf(reference(events), '54', W47)['region']!;
    expect(all.counters).toMatchObject({ teachers_10_messages: 1, teachers_1_call: 2, active_teachers: 3 });
    const strict = unitsOf(reference(events), '54', W47, { ...DEFAULTS, callMode: 'initiated', countedMessageKinds: ['text'] })['region']!;
    expect(strict.counters).toMatchObject({ teachers_10_messages: 0, teachers_3_messages: 1, teachers_1_call: 1, active_teachers: 3 });
  });

  it('rule 3: a person once per unit (two schools, teacher and parent), by role; headcount denominator with the fallback', () => {
    const r = reference([reg('t1', 's1', 'teacher'), reg('t1', 's3', 'teacher'), reg('t2', 's2', 'teacher'), reg('t2', 's3', 'parent'), reg('p', 's3', 'parent')]);
    const units = unitsOf(r, '54', W47, { ...DEFAULTS, teacherDenominator: 'headcount' });
    expect(units['region']!.counters).toMatchObject({ registered_users: 3, registered_teachers: 2, registered_parents: 2 });
    expect(units['municipality:m2']!.counters).toMatchObject({ registered_users: 3, registered_teachers: 1, registered_parents: 2 });
    expect(units['org:s3']!.counters.registered_teachers).toBe(1);
    // headcount 10 + 4 + 6 = 20, plus the registered teacher of s2 (no headcount)
    expect(units['region']!.kpis.teachers_10_messages.denominator).toBe(21);
    expect(units['region']!.orgsWithoutHeadcount).toBe(1);
    expect(units['category:spo']!.counters).toMatchObject({ orgs: 1, registered_users: 0 });
  });

  it('rule 4: an orgId of another municipality than the registration counts where that organization is, not where the person is', () => {
    const at = '2026-11-18T10:00:00+07:00';
    const r = reference([reg('t1', 's1', 'teacher'), reg('t2', 's3', 'teacher'), ...times(10, at).map((t) => msg('t1', t, { orgId: 's3' }))]);
    const units = unitsOf(r, '54', W47);
    // the region holds both organizations: t1 wrote 10 there
    expect(units['region']!.counters.teachers_10_messages).toBe(1);
    // t1's own municipality and school: none of it (it named s3)
    expect(units['municipality:m1']!.counters).toMatchObject({ registered_teachers: 1, teachers_10_messages: 0, active_teachers: 0 });
    expect(units['org:s1']!.counters.teachers_10_messages).toBe(0);
    // s3's municipality: t1 is not registered there, so it does not count there either
    expect(units['municipality:m2']!.counters).toMatchObject({ registered_teachers: 1, teachers_10_messages: 0 });
    // and naming an organization of another region counts in neither region for t1
    const away = reference([reg('t1', 's1', 'teacher'), ...times(10, at).map((t) => msg('t1', t, { orgId: 'v1' }))]);
    expect(unitsOf(away, '54', W47)['region']!.counters.active_teachers).toBe(0);
    expect(unitsOf(away, '25', W47)['region']!.counters.registered_teachers).toBe(0);
  });

  it('rule 4: without orgId, a message counts in every unit the person is registered in', () => {
    const at = '2026-11-18T10:00:00+07:00';
    const r = reference([reg('t1', 's1', 'teacher'), reg('t1', 's3', 'teacher'), ...times(10, at).map((t) => bare('t1', t))]);
    const units = unitsOf(r, '54', W47);
    for (const unit of ['region', 'municipality:m1', 'municipality:m2', 'org:s1', 'org:s3', 'category:general']) expect([unit, units[unit]!.counters.teachers_10_messages]).toEqual([unit, 1]);
    expect(units['org:s2']!.counters.teachers_10_messages).toBeNull(); // no teacher there: a small cell (rule 8), even with a minimum of 1
    expect(units['org:s2']!.counters.registered_teachers).toBe(0);
  });

  it('rule 4: without orgId, a person registered in two regions counts in both, each week cut in its own zone', () => {
    // Sunday 22 November 23:30 in Novosibirsk (+07) is Monday 23 November 02:30 in Vladivostok (+10).
    const r = reference([
      reg('t1', 's1', 'teacher'),
      reg('t1', 'v1', 'teacher'),
      ...times(9, '2026-11-18T12:00:00+07:00').map((t) => bare('t1', t)),
      bare('t1', '2026-11-22T23:30:00+07:00'),
      call('t1', '2026-11-22T23:30:00+07:00', 'k1'),
    ]);
    const nsk = r.answers('54', [W47, W48], DEFAULTS, THRESHOLDS);
    const vvo = r.answers('25', [W47, W48], DEFAULTS, THRESHOLDS);
    expect(nsk[W47]!.units['region']!.counters).toMatchObject({ registered_teachers: 1, teachers_10_messages: 1, teachers_1_call: 1 });
    expect(nsk[W48]!.units['region']!.counters).toMatchObject({ teachers_3_messages: 0, teachers_1_call: 0, active_teachers: 0 });
    expect(vvo[W47]!.units['region']!.counters).toMatchObject({ registered_teachers: 1, teachers_10_messages: 0, teachers_3_messages: 1, teachers_1_call: 0 });
    expect(vvo[W48]!.units['region']!.counters).toMatchObject({ teachers_1_call: 1, active_teachers: 1 });
  });

  it('rule 4: Sunday 23:59:59.999 local is still the week, Monday 00:00:00.000 local the next one (no orgId)', () => {
    const mid = '2026-11-18T12:00:00+07:00';
    const r = reference([
      reg('sun', 's1', 'teacher'),
      reg('mon', 's1', 'teacher'),
      ...times(9, mid).map((t) => bare('sun', t)),
      bare('sun', '2026-11-22T23:59:59.999+07:00'),
      ...times(9, mid).map((t) => bare('mon', t)),
      bare('mon', '2026-11-23T00:00:00.000+07:00'),
      call('mon', '2026-11-22T17:00:00.000Z', 'k-monday'), // Monday 00:00:00.000 in Novosibirsk
    ]);
    const a = r.answers('54', [W47, W48], DEFAULTS, THRESHOLDS);
    expect(a[W47]!.units['region']!.counters).toMatchObject({ teachers_10_messages: 1, teachers_3_messages: 2, teachers_1_call: 0 });
    expect(a[W48]!.units['org:s1']!.counters).toMatchObject({ teachers_10_messages: 0, teachers_1_call: 1, active_teachers: 1 });
  });

  it('rule 2: organizations are placed by the registry given, whatever was in force when the events were sent', () => {
    const events = [
      reg('t1', 's3', 'teacher'),
      reg('t2', 's3', 'student'),
      ...times(9, '2026-11-18T12:00:00+07:00').map((t) => msg('t1', t, { orgId: 's3' })),
      msg('t1', '2026-11-22T23:30:00+07:00', { orgId: 's3' }), // Monday 02:30 in Vladivostok
    ];
    const moved = ORGS.map((o) => (o.id === 's3' ? { ...o, municipalityId: 'm1' } : o));
    const inM1 = unitsOf(reference(events, moved), '54', W47);
    expect(inM1['municipality:m1']!.counters).toMatchObject({ orgs: 3, registered_users: 2, teachers_10_messages: 1 });
    expect(inM1['municipality:m2']!.counters).toMatchObject({ orgs: 1, registered_users: 0 });
    // To another region: counted there, its week cut in the new region's zone; gone from the old one.
    const otherRegion = ORGS.map((o) => (o.id === 's3' ? { ...o, municipalityId: 'v', regionCode: '25' } : o));
    const r = reference(events, otherRegion);
    expect(unitsOf(r, '25', W47)['municipality:v']!.counters).toMatchObject({ orgs: 2, registered_users: 2, teachers_10_messages: 0, teachers_3_messages: 1 });
    expect(unitsOf(r, '25', W48)['org:s3']!.counters).toMatchObject({ teachers_3_messages: 0, active_teachers: 1 });
    expect(unitsOf(r, '54', W47)['region']!.counters).toMatchObject({ orgs: 3, registered_users: 0 });
    expect(unitsOf(r, '54', W47)['org:s3']).toBeUndefined();
  });

  it('rule 7: an unknown organization counts nowhere and is listed; once in the registry its history counts', () => {
    const events = [
      reg('x', 'ghost', 'teacher', '2026-11-18T10:00:00.700+07:00'),
      reg('y', 'ghost', 'student', '2026-11-18T10:00:01+07:00'),
      ...times(10, '2026-11-19T10:00:00+07:00').map((t) => msg('x', t, { orgId: 'ghost' })),
      call('x', '2026-11-20T10:30:59.999+07:00', 'k1', { orgId: 'ghost' }),
      bare('x', '2026-11-20T11:00:00+07:00'),
      ev('ru.sferum.org.connected', '2026-11-01T00:00:00Z', { orgId: 'ghost' }),
      ev('ru.sferum.org.connected', '2026-11-01T00:00:00Z', { orgId: 's1' }),
    ];
    const before = reference([...events, events[2]!]);
    const region = unitsOf(before, '54', W47)['region']!;
    expect(region.counters).toMatchObject({ registered_users: 0, registered_teachers: 0 });
    expect(region.suppressed).toBe('small_cell'); // no teacher: rule 8 withholds the (empty) activity counts
    expect(before.unknownOrganizations()).toEqual([
      {
        orgId: 'ghost',
        events: { 'ru.sferum.user.registered': 2, 'ru.sferum.message.sent': 10, 'ru.sferum.call.joined': 1, 'ru.sferum.org.connected': 1 },
        firstEventTime: '2026-11-01T00:00:00.000Z',
        lastEventTime: '2026-11-20T03:30:59.000Z',
      },
    ]);
    // The registry now knows it (in m2): the same history counts there, nothing replayed.
    const after = reference(events, [...ORGS, { id: 'ghost', category: 'general', municipalityId: 'm2', regionCode: '54', headcount: 3 }]);
    const m2 = unitsOf(after, '54', W47)['municipality:m2']!;
    expect(m2.counters).toMatchObject({ orgs: 3, registered_users: 2, registered_teachers: 1, teachers_10_messages: 1, teachers_1_call: 1, active_teachers: 1 });
    expect(unitsOf(after, '54', W47)['org:ghost']!.kpis.active_orgs).toMatchObject({ numerator: 1, denominator: 1 });
    expect(after.unknownOrganizations()).toEqual([]);
  });

  it('rule 5: an organization is active with 2+ registered users of any role', () => {
    const r = reference([reg('a', 's1', 'teacher'), reg('b', 's1', 'parent'), reg('c', 's2', 'teacher'), reg('c', 's2', 'parent')]);
    const units = unitsOf(r, '54', W47);
    expect(units['org:s1']!.kpis.active_orgs).toMatchObject({ numerator: 1, denominator: 1 });
    expect(units['org:s2']!.kpis.active_orgs).toMatchObject({ numerator: 0, denominator: 1 });
    expect(units['municipality:m1']!.kpis.active_schools).toMatchObject({ numerator: 1, denominator: 2, value: 50, band: 'below_norm' });
  });

  it('carries last week’s value as previous', () => {
    const r = reference([reg('t1', 's1', 'teacher', '2026-11-10T10:00:00+07:00'), reg('t2', 's1', 'teacher', '2026-11-18T10:00:00+07:00')]);
    const a = unitsOf(r, '54', W47)['org:s1']!;
    expect(a.kpis.active_orgs).toMatchObject({ value: 100, previous: 0 });
  });

  describe('rule 8: small cells', () => {
    const SMALL: ReferenceSettings = { ...DEFAULTS, minTeacherDenominator: 5 };
    const at = '2026-11-18T10:00:00+07:00';
    /** A teacher of `org` who wrote 10 group messages and took part in a call there in W47. */
    const busy = (user: string, org: string) => [reg(user, org, 'teacher'), ...times(10, at).map((t) => msg(user, t, { orgId: org })), call(user, at, `k-${user}`, { orgId: org })];
    // s1 (headcount 10): 4 teachers; s2: 1; so m1 has 5. s3 (headcount 4): 5 teachers; c1 (spo): none.
    const events = [
      ...['a1', 'a2', 'a3', 'a4'].flatMap((u) => busy(u, 's1')),
      ...busy('b1', 's2'),
      ...['c1', 'c2', 'c3', 'c4', 'c5'].flatMap((u) => busy(u, 's3')),
      reg('pupil', 's1', 'student'),
    ];
    const withheld = (denominator: number) => ({ numerator: null, denominator, value: null, band: null, previous: null, suppressed: 'small_cell' });

    it('4 teachers: counts stay, teacher shares and active-teacher counts withheld, the reason and the minimum said', () => {
      const s1 = unitsOf(reference(events), '54', W47, SMALL)['org:s1']!;
      expect(s1.suppressed).toBe('small_cell');
      expect(s1.minTeacherDenominator).toBe(5);
      expect(s1.counters).toEqual({
        orgs: 1,
        active_orgs: 1,
        registered_users: 5,
        registered_teachers: 4,
        registered_students: 1,
        registered_parents: 0,
        teacher_headcount: 10,
        teachers_3_messages: null,
        teachers_10_messages: null,
        teachers_1_call: null,
        active_teachers: null,
      });
      expect(s1.kpis.teachers_10_messages).toEqual(withheld(4));
      expect(s1.kpis.teachers_1_call).toEqual(withheld(4));
      expect(s1.kpis.active_schools).toMatchObject({ numerator: 1, denominator: 1, value: 100, band: 'good' });
    });

    it('5 teachers: shown, without a reason', () => {
      const units = unitsOf(reference(events), '54', W47, SMALL);
      for (const unit of ['org:s3', 'municipality:m1', 'municipality:m2', 'region', 'category:general']) expect([unit, units[unit]!.suppressed]).toEqual([unit, undefined]);
      expect(units['org:s3']!.kpis.teachers_10_messages).toEqual({ numerator: 5, denominator: 5, value: 100, band: 'good', previous: 0 }); // registered since W45
      expect(units['org:s3']!.counters).toMatchObject({ teachers_3_messages: 5, teachers_10_messages: 5, teachers_1_call: 5, active_teachers: 5 });
      expect(units['municipality:m1']!.kpis.teachers_1_call).toMatchObject({ numerator: 5, denominator: 5 });
      expect(units['org:s3']).not.toHaveProperty('minTeacherDenominator');
    });

    it('no teacher at all is a small cell; a minimum of 6 withholds the five', () => {
      expect(unitsOf(reference(events), '54', W47, SMALL)['category:spo']).toMatchObject({ suppressed: 'small_cell', counters: { registered_teachers: 0, active_teachers: null } });
      expect(unitsOf(reference(events), '54', W47, { ...SMALL, minTeacherDenominator: 6 })['org:s3']!.suppressed).toBe('small_cell');
    });

    it('with the headcount denominator, the smaller of headcount and registered teachers decides', () => {
      const units = unitsOf(reference(events), '54', W47, { ...SMALL, teacherDenominator: 'headcount' });
      expect([units['org:s1']!.kpis.teachers_10_messages.denominator, units['org:s1']!.suppressed]).toEqual([10, 'small_cell']); // 4 registered
      expect([units['org:s3']!.kpis.teachers_10_messages.denominator, units['org:s3']!.suppressed]).toEqual([4, 'small_cell']); // headcount 4
      expect(units['municipality:m1']!.suppressed).toBeUndefined(); // headcount 10 + 1 registered without one; 5 registered
    });

    it("previous: the week before's value as that week showed it", () => {
      const later = [...events, reg('a5', 's1', 'teacher', '2026-11-24T10:00:00+07:00'), left('c5', 's3', 'teacher', '2026-11-24T10:00:00+07:00')];
      const w48 = reference(later).answers('54', [W48], SMALL, THRESHOLDS)[W48]!.units;
      // s1 has 5 teachers in W48 (shown) but was withheld in W47: no previous.
      expect(w48['org:s1']!.kpis.teachers_10_messages).toEqual({ numerator: 0, denominator: 5, value: 0, band: 'below_norm', previous: null });
      // s3 is down to 4 in W48 (withheld); W47 was shown.
      expect(w48['org:s3']!.kpis.teachers_10_messages).toEqual({ ...withheld(4), previous: 100 });
    });
  });

  describe('rule 9: calendar months', () => {
    // November 2026 in Novosibirsk (+07): 31 October 17:00 UTC to 30 November 17:00 UTC.
    it("counts the month's activity across its weeks, registrations at its end, and no band", () => {
      const r = reference([
        reg('t1', 's1', 'teacher', '2026-10-20T10:00:00+07:00'),
        reg('t2', 's1', 'teacher', '2026-10-20T10:00:00+07:00'),
        left('t2', 's1', 'teacher', '2026-11-25T10:00:00+07:00'), // gone before the month's end
        ...times(6, '2026-11-10T10:00:00+07:00').map((t) => msg('t1', t)), // W46
        ...times(4, '2026-11-18T10:00:00+07:00').map((t) => msg('t1', t)), // W47
        call('t2', '2026-11-10T11:00:00+07:00', 'k1', { orgId: 's1' }),
      ]);
      const november = r.answers('54', ['2026-11', '2026-W46', '2026-W47'], DEFAULTS, THRESHOLDS);
      expect(november['2026-11']!.units['region']!.counters).toMatchObject({ registered_teachers: 1, teachers_3_messages: 1, teachers_10_messages: 1, teachers_1_call: 0, active_teachers: 1 });
      expect(november['2026-11']!.units['region']!.kpis.teachers_10_messages).toEqual({ numerator: 1, denominator: 1, value: 100, band: null, previous: 0 });
      expect(november['2026-11']!.units['region']!.kpis.active_schools).toEqual({ numerator: 0, denominator: 3, value: 0, band: null, previous: 33.33 });
      // Neither week has ten; the weeks keep their bands.
      expect(november['2026-W46']!.units['region']!.counters.teachers_10_messages).toBe(0);
      expect(november['2026-W47']!.units['region']!.counters).toMatchObject({ teachers_10_messages: 0, teachers_3_messages: 1 });
      expect(november['2026-W47']!.units['region']!.kpis.teachers_10_messages.band).toBe('below_norm');
    });

    it("cuts a month at the 1st 00:00 local, in the named organization's zone or, without orgId, the unit's region's", () => {
      // 1 December 00:00 in Novosibirsk is 30 November 17:00 UTC; in Vladivostok (+10), 14:00 UTC.
      const r = reference([
        reg('t1', 's1', 'teacher'),
        reg('t1', 'v1', 'teacher'),
        ...times(9, '2026-11-18T12:00:00+07:00').map((t) => bare('t1', t)),
        bare('t1', '2026-11-30T16:59:59.999Z'), // November in Novosibirsk, December in Vladivostok
        call('t1', '2026-11-30T17:00:00.000Z', 'k-december'), // December in both
      ]);
      const nsk = r.answers('54', ['2026-11', '2026-12'], DEFAULTS, THRESHOLDS);
      const vvo = r.answers('25', ['2026-11', '2026-12'], DEFAULTS, THRESHOLDS);
      expect(nsk['2026-11']!.units['region']!.counters).toMatchObject({ teachers_10_messages: 1, teachers_1_call: 0 });
      expect(nsk['2026-12']!.units['region']!.counters).toMatchObject({ teachers_3_messages: 0, teachers_1_call: 1, active_teachers: 1 });
      expect(vvo['2026-11']!.units['region']!.counters).toMatchObject({ teachers_10_messages: 0, teachers_3_messages: 1 });
      expect(vvo['2026-12']!.units['region']!.counters).toMatchObject({ teachers_3_messages: 0, teachers_1_call: 1, active_teachers: 1 });
      // Naming s1 (Novosibirsk), the same instant is November wherever the person is registered.
      const named = reference([reg('t1', 's1', 'teacher'), reg('t1', 'v1', 'teacher'), ...times(10, '2026-11-30T16:59:59.999Z').map((t) => msg('t1', t))]);
      expect(named.answers('54', ['2026-11'], DEFAULTS, THRESHOLDS)['2026-11']!.units['org:s1']!.counters.teachers_10_messages).toBe(1);
      expect(named.answers('25', ['2026-11'], DEFAULTS, THRESHOLDS)['2026-11']!.units['region']!.counters.teachers_10_messages).toBe(0);
    });
  });

  describe('rule 10: federal targets', () => {
    const orgFact = (type: 'ru.sferum.org.connected' | 'ru.sferum.org.journal_linked' | 'ru.sferum.org.gov_label_granted', org: string, time: string) =>
      ev(type, time, type === 'ru.sferum.org.journal_linked' ? { orgId: org, journalSystem: 'fgis-moya-shkola' } : { orgId: org });
    const stated = ORGS.map((o) => (o.id === 's2' ? { ...o, facts: { connected: true, journalLinked: false, govLabel: true } } : o));

    it('an event before the end or the registry; journals of general-education schools only; registered teachers of the headcount', () => {
      const r = reference(
        [
          reg('t1', 's1', 'teacher'),
          reg('t2', 's2', 'teacher'),
          reg('t3', 'c1', 'teacher'),
          orgFact('ru.sferum.org.connected', 's1', '2026-11-18T10:00:00+07:00'),
          orgFact('ru.sferum.org.journal_linked', 's1', '2026-11-22T23:59:59.999+07:00'), // the last millisecond of W47
          orgFact('ru.sferum.org.journal_linked', 's3', '2026-11-23T00:00:00.000+07:00'), // W48
          orgFact('ru.sferum.org.journal_linked', 'c1', '2026-11-18T10:00:00+07:00'), // a college: no school
          orgFact('ru.sferum.org.connected', 'ghost', '2026-11-18T10:00:00+07:00'), // not in the registry
        ],
        stated,
      );
      const w47 = r.answers('54', [W47, W48], DEFAULTS, THRESHOLDS);
      expect(w47[W47]!.units['region']!.targets).toEqual({
        orgs_connected: { numerator: 2, denominator: 4, value: 50, gap: 50, previous: 25 }, // s1 by event, s2 by the registry (before: s2 only)
        // t1 t2 t3 of a headcount of 10 + 4 + 6, and s2's t2 standing in for its missing headcount
        teachers_registered: { numerator: 3, denominator: 21, value: 14.29, gap: 85.71, previous: 14.29 },
        schools_journal_linked: { numerator: 1, denominator: 3, value: 33.33, gap: 66.67, previous: 0 },
        orgs_gov_label: { numerator: 1, denominator: 4, value: 25, gap: 75, previous: 25 },
      });
      expect(w47[W48]!.units['region']!.targets.schools_journal_linked).toMatchObject({ numerator: 2, previous: 33.33 });
      expect(w47[W47]!.units['org:c1']!.targets.schools_journal_linked).toEqual({ numerator: 0, denominator: 0, value: null, gap: null, previous: null });
    });

    it('no gap past 100 %, and a small cell keeps its targets', () => {
      const r = reference([reg('a', 's3', 'teacher'), reg('b', 's3', 'teacher'), reg('c', 's3', 'teacher'), reg('d', 's3', 'teacher'), reg('e', 's3', 'teacher')]);
      const units = r.answers('54', [W47], { ...DEFAULTS, minTeacherDenominator: 6 }, THRESHOLDS)[W47]!.units;
      expect(units['org:s3']!.suppressed).toBe('small_cell');
      expect(units['org:s3']!.targets.teachers_registered).toEqual({ numerator: 5, denominator: 4, value: 125, gap: 0, previous: 125 });
    });
  });
});
