import { type ActivityIngestRow } from '@sferum/contracts';
import { stackEnv, uniqueName } from '@sferum/testing';
import { insertActivity } from './activity-store';
import { ClickHouse } from './clickhouse-client';
import { runClickHouseMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { activeOrganizations, unitActivityCounters, type RegistryOrganization, type UnitCounterQuery } from './kpi-counters';

/** Rows built by hand, as the aggregator writes them; expected numbers counted by hand. */
let seq = 0;
function row(type: string, user: string, time: string, extra: Partial<ActivityIngestRow> = {}): ActivityIngestRow {
  seq += 1;
  return {
    event_id: seq.toString(16).padStart(32, '0'),
    type,
    time,
    week: '2023-W19',
    time_zone: 'Asia/Novosibirsk',
    region: '54',
    municipality: '',
    org_id: '',
    category: '',
    unassigned: 0,
    source: 'test',
    ingested_at: time,
    user_id: user,
    role: '',
    chat_id: '',
    chat_kind: '',
    message_kind: '',
    call_id: '',
    initiator: 0,
    ...extra,
  };
}
const registered = (user: string, org: string, role: string, time = '2023-05-01 03:00:00') =>
  row('ru.sferum.user.registered', user, time, { org_id: org, role, week: '2023-W18' });
const left = (user: string, org: string, role: string, time: string) => row('ru.sferum.user.left', user, time, { org_id: org, role });
const messages = (user: string, count: number, chatKind: string, messageKind: string) =>
  Array.from({ length: count }, (_, i) =>
    row('ru.sferum.message.sent', user, `2023-05-10 0${i % 10}:00:00`, { chat_id: 'c'.repeat(32), chat_kind: chatKind, message_kind: messageKind }),
  );
const call = (user: string, callId: string, initiator: 0 | 1) =>
  row('ru.sferum.call.joined', user, '2023-05-11 05:00:00', { call_id: callId.padEnd(32, '0'), initiator });

const ORGS: RegistryOrganization[] = [
  { orgId: 's1', municipalityId: 'm1', category: 'general', hasHeadcount: true },
  { orgId: 's2', municipalityId: 'm1', category: 'general', hasHeadcount: false },
  { orgId: 'c1', municipalityId: 'm2', category: 'spo', hasHeadcount: true },
];

describe('KPI counters of every unit in one query', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_kpi');
  let db: ClickHouse;

  const rows = [
    // T1: teacher of two schools; 10 group texts (sent twice), one call joined
    registered('T1', 's1', 'teacher'),
    registered('T1', 's2', 'teacher'),
    ...messages('T1', 10, 'group', 'text'),
    call('T1', 'aa', 0),
    // T2: 3 group texts, 5 group stickers, 20 direct messages
    registered('T2', 's1', 'teacher'),
    ...messages('T2', 3, 'group', 'text'),
    ...messages('T2', 5, 'group', 'sticker'),
    ...messages('T2', 20, 'direct', 'text'),
    // T3: teacher and parent of s1; 12 polls; started a call
    registered('T3', 's1', 'teacher'),
    registered('T3', 's1', 'parent'),
    ...messages('T3', 12, 'group', 'poll'),
    call('T3', 'bb', 1),
    // T4: left before the week ended
    registered('T4', 'c1', 'teacher'),
    left('T4', 'c1', 'teacher', '2023-05-12 00:00:00'),
    ...messages('T4', 15, 'group', 'text'),
    // students, a parent
    registered('S1', 's1', 'student'),
    registered('S2', 's1', 'student'),
    registered('P1', 'c1', 'parent'),
    // a teacher of an organization not in the registry; a registration after the week's end
    registered('T5', 'ghost', 'teacher'),
    ...messages('T5', 30, 'group', 'text'),
    registered('T6', 's1', 'teacher', '2023-05-14 17:00:00'),
  ];

  const query = (overrides: Partial<UnitCounterQuery> = {}): UnitCounterQuery => ({
    region: '54',
    week: '2023-W19',
    weekEndMs: Date.parse('2023-05-14T17:00:00Z'),
    organizations: ORGS,
    countedActivities: ['group:emoji', 'group:file', 'group:other', 'group:poll', 'group:sticker', 'group:text', 'group:voice'],
    callActivity: 'call',
    perOrganization: true,
    ...overrides,
  });

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    await insertActivity(db, rows);
    await insertActivity(db, rows.filter((r) => r.user_id === 'T1')); // T1's events delivered twice
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  it('counts the region, its municipalities, categories and organizations exactly', async () => {
    const units = await unitActivityCounters(db, query());
    expect(units.get('region')).toEqual({
      registeredUsers: 6, // T1 T2 T3 S1 S2 P1 (T4 left, T5 not in the registry, T6 after the week)
      registeredTeachers: 3,
      registeredStudents: 2,
      registeredParents: 2, // T3 (also a teacher) and P1
      registeredTeachersWithoutHeadcount: 1, // T1 in s2
      teachers3Messages: 3, // T1 10, T2 3+5 stickers, T3 12
      teachers10Messages: 2, // T1, T3
      teachers1Call: 2, // T1 joined, T3 started
      activeTeachers: 3,
    });
    expect(units.get('municipality:m1')?.registeredTeachers).toBe(3); // T1 counted once for s1 and s2
    expect(units.get('org:s1')).toMatchObject({ registeredUsers: 5, registeredTeachers: 3, teachers10Messages: 2 });
    expect(units.get('org:s2')).toMatchObject({ registeredUsers: 1, registeredTeachers: 1, teachers10Messages: 1 });
    expect(units.get('org:c1')).toMatchObject({ registeredUsers: 1, registeredTeachers: 0, registeredParents: 1 });
    expect(units.get('category:spo')).toMatchObject({ registeredUsers: 1, registeredTeachers: 0 });
    expect(units.get('municipality_category:m1/general')?.registeredTeachers).toBe(3);
    expect(units.has('org:ghost')).toBe(false);
  });

  it('counts organizations only when asked to, and finds the active ones (2+ registered users)', async () => {
    const units = await unitActivityCounters(db, query({ perOrganization: false }));
    expect([...units.keys()].filter((k) => k.startsWith('org:'))).toEqual([]);
    expect(units.get('region')?.registeredTeachers).toBe(3);
    const active = await activeOrganizations(db, { region: '54', atMs: Date.parse('2023-05-14T17:00:00Z'), orgIds: ORGS.map((o) => o.orgId) });
    expect([...active].sort()).toEqual(['s1']); // s2 has T1 only, c1 has P1 only (T4 left)
    const before = await activeOrganizations(db, { region: '54', atMs: Date.parse('2023-05-12T00:00:00Z'), orgIds: ORGS.map((o) => o.orgId) });
    expect([...before].sort()).toEqual(['c1', 's1']); // T4 left at that instant: not counted yet
  });

  it('applies the region settings: counted message kinds and call mode', async () => {
    const onlyText = await unitActivityCounters(db, query({ countedActivities: ['group:text'] }));
    expect(onlyText.get('region')).toMatchObject({ teachers3Messages: 2, teachers10Messages: 1 }); // T1 10, T2 3; T3 polls no longer count
    const started = await unitActivityCounters(db, query({ callActivity: 'call_initiated' }));
    expect(started.get('region')?.teachers1Call).toBe(1); // only T3 started a call
  });

  it('answers for a region with 60,000 organizations (beyond the default max_query_size and AST limits)', async () => {
    const many: RegistryOrganization[] = [...ORGS, ...Array.from({ length: 60_000 }, (_, i) => ({ orgId: `bulk-${i}`, municipalityId: `m${i % 40}`, category: 'general' as const, hasHeadcount: i % 2 === 0 }))];
    const units = await unitActivityCounters(db, query({ organizations: many }));
    expect(units.get('region')?.registeredTeachers).toBe(3);
  });

  it('rejects input that is not what it claims, before any SQL', async () => {
    await expect(unitActivityCounters(db, query({ region: "54' OR 1=1" }))).rejects.toThrow(/not a region code/);
    await expect(unitActivityCounters(db, query({ week: '2023-19' }))).rejects.toThrow(/not an ISO week/);
    await expect(unitActivityCounters(db, query({ countedActivities: ["group:text') OR ('1"] }))).rejects.toThrow(/not an activity key/);
    const nasty = await unitActivityCounters(db, query({ organizations: [{ orgId: "s1'--", municipalityId: "m'1", category: 'general', hasHeadcount: false }] }));
    expect(nasty.size).toBe(0);
  });
});
