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
const DEFAULTS: ReferenceSettings = { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null };
const THRESHOLDS = [
  { kpi: 'active_schools', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'active_orgs', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_10_messages', lower: '10', upper: '25', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' },
];

let n = 0;
const ev = (type: AnyCloudEventV1['type'], time: string, data: Record<string, unknown>, id = `e${++n}`) =>
  ({ specversion: '1.0', id, source: 'urn:test', type, time, data }) as unknown as AnyCloudEventV1;
const reg = (user: string, org: string, role: string, time = '2026-11-02T09:00:00+07:00') => ev('ru.sferum.user.registered', time, { userId: user, orgId: org, role });
const msg = (user: string, time: string, extra: Record<string, unknown> = {}) =>
  ev('ru.sferum.message.sent', time, { userId: user, chatId: 'c', chatKind: 'group', orgId: 's1', ...extra });

function reference(events: AnyCloudEventV1[]): ReferenceKpi {
  const r = new ReferenceKpi(ORGS, ZONES, '54');
  for (const e of events) r.observe(e);
  return r;
}

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

  it('counts a message sent twice once, and a group of 10 distinct messages as 10', () => {
    const ten = Array.from({ length: 10 }, (_, i) => msg('t1', `2026-11-1${i % 5}T10:00:00+07:00`));
    const nine = ten.slice(0, 9);
    const week = '2026-W46';
    const a = reference([reg('t1', 's1', 'teacher'), reg('t2', 's1', 'teacher'), ...ten, ...ten]).answers('54', [week], DEFAULTS, THRESHOLDS)[week]!;
    expect(a.units['region']!.counters.teachers_10_messages).toBe(1);
    const b = reference([reg('t1', 's1', 'teacher'), ...nine, nine[0]!, nine[1]!]).answers('54', [week], DEFAULTS, THRESHOLDS)[week]!;
    expect(b.units['region']!.counters.teachers_10_messages).toBe(0);
    expect(b.units['region']!.counters.teachers_3_messages).toBe(1);
  });

  it("takes an event's week in its organization's zone", () => {
    // Monday 2026-11-16 00:30 in Novosibirsk is Sunday 17:30 UTC: week 47 locally.
    const r = reference([reg('t1', 's1', 'teacher'), ...Array.from({ length: 10 }, () => msg('t1', '2026-11-15T17:30:00Z'))]);
    const answers = r.answers('54', ['2026-W46', '2026-W47'], DEFAULTS, THRESHOLDS);
    expect(answers['2026-W46']!.units['region']!.counters.teachers_10_messages).toBe(0);
    expect(answers['2026-W47']!.units['region']!.counters.teachers_10_messages).toBe(1);
  });

  it('registration in force at the week end: last change before next Monday 00:00 local, a join wins a tie', () => {
    const week = '2026-W47'; // ends 2026-11-23T00:00+07:00
    const r = reference([
      reg('early', 's1', 'teacher', '2026-11-22T23:59:59.999+07:00'),
      reg('late', 's1', 'teacher', '2026-11-23T00:00:00+07:00'),
      reg('tie', 's1', 'teacher', '2026-11-20T10:00:00+07:00'),
      ev('ru.sferum.user.left', '2026-11-20T10:00:00+07:00', { userId: 'tie', orgId: 's1', role: 'teacher' }),
      reg('gone', 's1', 'teacher', '2026-11-02T10:00:00+07:00'),
      ev('ru.sferum.user.left', '2026-11-20T10:00:00+07:00', { userId: 'gone', orgId: 's1', role: 'teacher' }),
    ]);
    const region = r.answers('54', [week], DEFAULTS, THRESHOLDS)[week]!.units['region']!;
    expect(region.counters.registered_teachers).toBe(2); // early, tie
    expect(region.kpis.active_schools).toMatchObject({ numerator: 1, denominator: 3 }); // s1 has early and tie
  });

  it('counts group messages of the counted kinds only, and calls by the call mode', () => {
    const week = '2026-W47';
    const at = '2026-11-18T10:00:00+07:00';
    const events = [
      reg('t1', 's1', 'teacher'),
      reg('t2', 's1', 'teacher'),
      ...Array.from({ length: 8 }, () => msg('t1', at)),
      ...Array.from({ length: 2 }, () => msg('t1', at, { messageKind: 'sticker' })),
      ...Array.from({ length: 5 }, () => msg('t2', at, { chatKind: 'direct' })),
      ...Array.from({ length: 5 }, () => msg('t2', at, { chatKind: 'channel' })),
      ev('ru.sferum.call.joined', at, { userId: 't2', callId: 'k1', initiator: false, orgId: 's1' }),
      ev('ru.sferum.call.joined', at, { userId: 't2', callId: 'k1', initiator: false, orgId: 's1' }),
      ev('ru.sferum.call.joined', at, { userId: 't1', callId: 'k1', initiator: true, orgId: 's1' }),
    ];
    const all = reference(events).answers('54', [week], DEFAULTS, THRESHOLDS)[week]!.units['region']!;
    expect(all.counters).toMatchObject({ teachers_10_messages: 1, teachers_1_call: 2, active_teachers: 2 });
    const strict = reference(events).answers('54', [week], { teacherDenominator: 'registered', callMode: 'initiated', countedMessageKinds: ['text'] }, THRESHOLDS)[week]!.units['region']!;
    expect(strict.counters).toMatchObject({ teachers_10_messages: 0, teachers_3_messages: 1, teachers_1_call: 1 });
  });

  it('counts a person once per unit: two schools, teacher and parent; headcount denominator with the fallback', () => {
    const week = '2026-W47';
    const r = reference([reg('t1', 's1', 'teacher'), reg('t1', 's3', 'teacher'), reg('t2', 's2', 'teacher'), reg('t2', 's3', 'parent'), reg('p', 's3', 'parent')]);
    const units = r.answers('54', [week], { ...DEFAULTS, teacherDenominator: 'headcount' }, THRESHOLDS)[week]!.units;
    expect(units['region']!.counters).toMatchObject({ registered_users: 3, registered_teachers: 2, registered_parents: 2 });
    expect(units['municipality:m2']!.counters).toMatchObject({ registered_users: 3, registered_teachers: 1, registered_parents: 2 });
    expect(units['org:s3']!.counters.registered_teachers).toBe(1);
    // headcount 10 + 4 + 6 = 20, plus the registered teacher of s2 (no headcount)
    expect(units['region']!.kpis.teachers_10_messages.denominator).toBe(21);
    expect(units['region']!.orgsWithoutHeadcount).toBe(1);
    expect(units['category:spo']!.counters).toMatchObject({ orgs: 1, registered_users: 0 });
  });

  it('attributes events of unknown organizations to the home region as unassigned, and keeps regions apart', () => {
    const week = '2026-W47';
    const r = reference([
      reg('x', 'nowhere', 'teacher', '2026-11-18T10:00:00+07:00'),
      msg('x', '2026-11-18T10:00:00+07:00', { orgId: 'nowhere' }),
      reg('v', 'v1', 'teacher', '2026-11-18T10:00:00+10:00'),
    ]);
    const nsk = r.answers('54', [week], DEFAULTS, THRESHOLDS)[week]!;
    expect(nsk.unassignedEvents).toBe(2);
    expect(nsk.units['region']!.counters.registered_users).toBe(0);
    expect(r.answers('25', [week], DEFAULTS, THRESHOLDS)[week]!.units['region']!.counters.registered_users).toBe(1);
  });

  it('carries last week’s value as previous', () => {
    const r = reference([reg('t1', 's1', 'teacher', '2026-11-10T10:00:00+07:00'), reg('t2', 's1', 'teacher', '2026-11-18T10:00:00+07:00')]);
    const a = r.answers('54', ['2026-W47'], DEFAULTS, THRESHOLDS)['2026-W47']!.units['org:s1']!;
    expect(a.kpis.active_orgs).toMatchObject({ value: 100, previous: 0 });
  });
});
