import {
  ClickHouse,
  CLICKHOUSE_MIGRATIONS_DIR,
  insertActivityFacts,
  mirrorRegistry,
  readFactWrites,
  runClickHouseMigrations,
  type RegionFiguresQuery,
} from '@sferum/infra-clickhouse';
import { factRows, stackEnv, uniqueName } from '@sferum/testing';
import { WeekFiguresService } from './week-figures.service';

/**
 * The figures kept by the KPI service (week-figures.service.ts) on a real
 * ClickHouse: a repeated question is answered from memory, and any write
 * that could change it (an event of the period, a registration before its
 * end, a registry version) makes it computed again, so what is answered is
 * always what ClickHouse would answer now.
 */
const VERSION = 1;
// 2026-W47 in Novosibirsk (UTC+7).
const START = Date.parse('2026-11-15T17:00:00Z');
const END = Date.parse('2026-11-22T17:00:00Z');

const fact = factRows('e');
const registered = (user: string, time = '2026-11-02 03:00:00') => fact('ru.sferum.user.registered', user, time, { org_id: 's1', role: 'teacher' });
const message = (user: string, time: string, org = 's1') => fact('ru.sferum.message.sent', user, time, { org_id: org, chat_kind: 'group', message_kind: 'text' });

describe('KPI figures kept until a write touches them', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_week_figures');
  let db: ClickHouse;
  let service: WeekFiguresService;
  const query = (registryVersion = VERSION): RegionFiguresQuery => ({
    region: '54',
    registryVersion,
    startMs: START,
    endMs: END,
    countedActivities: ['group:text'],
    callActivity: 'call',
    levels: ['region', 'organization'],
  });
  const teachersWhoWrote = async (registryVersion = VERSION) => {
    const figures = await service.figures(query(registryVersion), await service.writes());
    return { messages: figures.counters.get('region')?.teachers3Messages, teachers: figures.counters.get('region')?.registeredTeachers };
  };

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    // A background merge replaces parts (the figures' version) without changing an answer: stopped, so that what is asserted
    // kept stays kept; a merge could only make a figure be computed once more.
    for (const table of ['user_activity_spans', 'registrations_by_org']) await db.command(`SYSTEM STOP MERGES ${table}`);
    await mirrorRegistry(db, VERSION, [{ orgId: 's1', municipalityId: 'm1', regionCode: '54', category: 'general', headcount: null }]);
    await insertActivityFacts(db, [registered('t1'), registered('t2'), message('t1', '2026-11-17 03:00:00'), message('t1', '2026-11-17 04:00:00'), message('t1', '2026-11-17 05:00:00')]);
    service = new WeekFiguresService(db);
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  it('answers a repeated question from memory', async () => {
    expect(await teachersWhoWrote()).toEqual({ messages: 1, teachers: 2 });
    const before = service.stats();
    expect(await teachersWhoWrote()).toEqual({ messages: 1, teachers: 2 });
    expect(service.stats()).toEqual({ ...before, hits: before.hits + 1 });
  });

  it('keeps the figures through activity of later months', async () => {
    await insertActivityFacts(db, [message('t2', '2026-12-01 03:00:00'), message('t2', '2026-12-01 04:00:00'), message('t2', '2026-12-01 05:00:00')]);
    const before = service.stats();
    expect(await teachersWhoWrote()).toEqual({ messages: 1, teachers: 2 });
    expect(service.stats().hits).toBe(before.hits + 1);
  });

  it('computes again after any registration (one partition), with the same answer for one after the period', async () => {
    await insertActivityFacts(db, [registered('t3', '2026-12-01 03:00:00')]);
    const before = service.stats();
    expect(await teachersWhoWrote()).toEqual({ messages: 1, teachers: 2 });
    expect(service.stats().misses).toBe(before.misses + 1);
  });

  it('computes again after an event of the period, one without an organization too', async () => {
    await insertActivityFacts(db, [message('t2', '2026-11-18 03:00:00'), message('t2', '2026-11-18 04:00:00', ''), message('t2', '2026-11-18 05:00:00')]);
    expect(await teachersWhoWrote()).toEqual({ messages: 2, teachers: 2 });
  });

  it('computes again after a registration before the period ends, even months before it', async () => {
    await insertActivityFacts(db, [registered('t4', '2026-09-01 00:00:00')]);
    expect(await teachersWhoWrote()).toEqual({ messages: 2, teachers: 3 });
  });

  it('computes again for another registry version', async () => {
    await mirrorRegistry(db, VERSION + 1, [{ orgId: 's2', municipalityId: 'm1', regionCode: '54', category: 'general', headcount: null }]);
    expect(await teachersWhoWrote(VERSION + 1)).toEqual({ messages: undefined, teachers: undefined });
  });

  it('sees rows written past the facts (the copies of migration 0004, a rebuild) as a change: the version is the parts ClickHouse holds', async () => {
    const before = await readFactWrites(db);
    // What 0004's copy and a rebuild do: rows straight into the derived table (an event of a person registered nowhere).
    await db.command(
      "INSERT INTO user_activity_spans SELECT 's1', toDateTime('2026-11-16 00:00:00', 'UTC'), 'nobody', 'group:text', uniqExactState('copied-event') FROM system.one",
    );
    const after = await readFactWrites(db);
    expect(after.parts.get('activity:202611')).not.toEqual(before.parts.get('activity:202611'));
    expect(after.parts.get('activity:202611')).toEqual(expect.any(String));
    expect(after.parts.get('registration:0')).toEqual(before.parts.get('registration:0'));
  });
});
