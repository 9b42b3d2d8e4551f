import { type ActivityRecord } from '@sferum/contracts';
import { decodeActivityRecord, parseIsoWeek, weekBounds } from '@sferum/domain';
import {
  expectedActivityCounts,
  generateActivity,
  lateAndUnknownRecords,
  pseudonymizeFixture,
  reRegistrationRecords,
  utcWeekBounds,
  weekEdgeRecords,
} from '@sferum/testing';
import { insertActivityFacts, lastEventPerRegion, registrationsAt, unknownOrganizations, userActivityCounts } from '../src/activity-store';
import { type ClickHouse } from '../src/clickhouse-client';
import { readFactWrites } from '../src/fact-writes';
import { mirrorRegistry } from '../src/registry-mirror';
import { closeChdb } from './chdb-engine';
import { CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions } from './versions';

/**
 * The aggregator's fixtures (aggregator.int-spec.ts), written the
 * aggregator's way into 18.16 and into the current ClickHouse: each record
 * as ingest puts it on the topic (JSON), decoded by the aggregator's
 * decoder, inserted in batches of 2,000 (FLUSH_MAX_ROWS of that spec).
 * Then every read of the activity store, asked of both.
 */
async function writeAsAggregator(db: ClickHouse, records: readonly ActivityRecord[]): Promise<void> {
  const rows = records.map((record) => {
    const decoded = decodeActivityRecord(JSON.stringify(record));
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.row;
  });
  for (let i = 0; i < rows.length; i += 2_000) await insertActivityFacts(db, rows.slice(i, i + 2_000));
}

/** Counts per (UTC week, user, activity), as expectedActivityCounts groups them. */
async function weekCounts(db: ClickHouse, weeks: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const week of weeks) for (const r of await userActivityCounts(db, utcWeekBounds(week))) counts.set(`${week}|${r.user_id}|${r.activity}`, r.events);
  return counts;
}

/** The organizations of the fixtures, as the KPI service would mirror them (version 1). */
const mirrorFixtureOrganizations = (db: ClickHouse) =>
  mirrorRegistry(db, 1, [
    { orgId: 'nsk-1', municipalityId: 'nsk-city', regionCode: '54', category: 'general', headcount: null },
    { orgId: 'nsk-2', municipalityId: 'nsk-berdsk', regionCode: '54', category: 'general', headcount: null },
    { orgId: 'msk-1', municipalityId: 'msk', regionCode: '77', category: 'general', headcount: null },
  ]);

describe(`Activity store: ${CLICKHOUSE_CURRENT.label} answers as ${CLICKHOUSE_18_16.label}`, () => {
  const opened: OnBothVersions[] = [];
  const withRecords = async (prefix: string, ...batches: (readonly ActivityRecord[])[]): Promise<OnBothVersions> => {
    const both = await OnBothVersions.create(prefix, async (db) => {
      for (const batch of batches) await writeAsAggregator(db, batch);
      await mirrorFixtureOrganizations(db);
    });
    opened.push(both);
    return both;
  };

  afterAll(async () => {
    for (const both of opened) await both.close();
    await closeChdb();
  });

  it('every event written twice, in other batches: the weekly counts of each user and activity', async () => {
    const records = generateActivity(40, 30);
    const both = await withRecords('test_versions_twice', records, [...records].reverse());
    const { legacy, current } = await both.ask((db) => weekCounts(db, ['2023-W19', '2023-W20']));
    expect(current).toStrictEqual(legacy);
    expect(legacy).toEqual(expectedActivityCounts(records));
  });

  it('the parts of the facts per month and kind (what keeps the KPI figures valid), read the same way on both versions', async () => {
    const records = generateActivity(40, 30); // messages and calls of May 2023, no registration
    const both = await withRecords('test_versions_writes', records, records);
    const { legacy, current } = await both.ask(async (db) => Object.fromEntries((await readFactWrites(db)).parts));
    for (const parts of [legacy, current]) {
      // Activity of May 2023, and the first activity of each person in each organization named (the funnel's, one partition).
      expect(Object.keys(parts)).toEqual(['activity:202305', 'first_activity:0']);
      expect(parts['activity:202305']).toMatch(/^202305_\d+_\d+_\d+( 202305_\d+_\d+_\d+)*$/);
    }
  });

  it('Sunday 23:59:59 and Monday 00:00:00 local, in Novosibirsk and Moscow, each cut in its own zone', async () => {
    const records = weekEdgeRecords();
    const both = await withRecords('test_versions_edge', records);
    const local = (week: string, zone: string, orgId: string) => (db: ClickHouse) => userActivityCounts(db, { ...weekBounds(parseIsoWeek(week), zone), orgIds: [orgId] });
    const { legacy, current } = await both.ask(async (db) => ({
      nsk19: await local('2023-W19', 'Asia/Novosibirsk', 'nsk-1')(db),
      nsk20: await local('2023-W20', 'Asia/Novosibirsk', 'nsk-1')(db),
      msk19: await local('2023-W19', 'Europe/Moscow', 'msk-1')(db),
      msk20: await local('2023-W20', 'Europe/Moscow', 'msk-1')(db),
    }));
    expect(current).toStrictEqual(legacy);
    expect([legacy.nsk19, legacy.nsk20].map((rows) => rows.map((r) => r.events))).toEqual([[1], [1]]);
    expect([legacy.msk19, legacy.msk20].map((rows) => rows.map((r) => r.events))).toEqual([[2], [1]]); // Novosibirsk's Monday 00:00 is Sunday in Moscow
  });

  it('registrations in force at each week end of a user who registers, leaves and registers again', async () => {
    const records = reRegistrationRecords();
    const both = await withRecords('test_versions_registrations', records, records);
    const endOf = (week: string) => weekBounds(parseIsoWeek(week), 'Asia/Novosibirsk').endMs;
    const { legacy, current } = await both.ask(async (db) => {
      const at: Record<string, Awaited<ReturnType<typeof registrationsAt>>> = {};
      for (const week of ['2023-W17', '2023-W18', '2023-W19', '2023-W20']) at[week] = await registrationsAt(db, endOf(week));
      return at;
    });
    expect(current).toStrictEqual(legacy);
    const returning = pseudonymizeFixture('user', 'returning');
    expect(legacy['2023-W19']?.some((r) => r.user_id === returning)).toBe(false);
    expect(legacy['2023-W20']?.some((r) => r.user_id === returning)).toBe(true);
  });

  it('late events in their own week, organizations the registry does not know, the last event of each region', async () => {
    const onTime = generateActivity(5, 5);
    const { late, unknown } = lateAndUnknownRecords();
    const both = await withRecords('test_versions_unassigned', onTime, [late, ...unknown, ...unknown]);
    const { legacy, current } = await both.ask(async (db) => ({
      counts: await weekCounts(db, ['2023-W09', '2023-W19', '2023-W20']),
      unknown: await unknownOrganizations(db, { registryVersion: 1, limit: 10, offset: 0 }),
      lastEvents: await lastEventPerRegion(db, 1),
    }));
    expect(current).toStrictEqual(legacy);
    expect(legacy.counts).toEqual(expectedActivityCounts([...onTime, late, ...unknown]));
    expect(legacy.unknown).toEqual({
      total: 1,
      items: [
        {
          orgId: 'not-in-registry',
          source: 'test-bus',
          events: { 'ru.sferum.message.sent': 1, 'ru.sferum.user.registered': 1 },
          firstEventTime: '2023-05-10T05:00:00.000Z',
          lastEventTime: '2023-05-10T05:00:00.000Z',
        },
      ],
    });
    expect(legacy.lastEvents.map((r) => r.region)).toEqual(['54']);
  });
});
