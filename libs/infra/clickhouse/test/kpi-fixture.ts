import { type ActivityFactRow } from '@sferum/contracts';
import { factRows } from '@sferum/testing';
import { insertActivityFacts } from '../src/activity-store';
import { type ClickHouse } from '../src/clickhouse-client';
import { type RegionFiguresQuery } from '../src/kpi-counters';
import { mirrorRegistry, type MirroredOrganization } from '../src/registry-mirror';

/**
 * The KPI counters' fixture (kpi-counters.int-spec.ts on 18.16, the
 * cross-version tier on both): facts built by hand, as the aggregator writes
 * them, in one region and week, and the registry mirrored as the KPI service
 * mirrors it; the expected numbers are counted by hand in the integration
 * spec. Registry versions: 1 the three organizations below, 2 the same with
 * 60,000 more, 3 one organization with hostile identifiers.
 */

export const KPI_ORGS: readonly MirroredOrganization[] = [
  { orgId: 's1', municipalityId: 'm1', regionCode: '54', category: 'general', headcount: 30 },
  { orgId: 's2', municipalityId: 'm1', regionCode: '54', category: 'general', headcount: null },
  { orgId: 'c1', municipalityId: 'm2', regionCode: '54', category: 'spo', headcount: 12 },
  // another region's organization, in the same mirror
  { orgId: 'k1', municipalityId: 'k-m1', regionCode: '42', category: 'general', headcount: 5 },
];
export const KPI_VERSION = 1;
export const KPI_MANY_VERSION = 2;
export const KPI_NASTY_VERSION = 3;

/** 2023-W19 in Novosibirsk (UTC+7): Monday 2023-05-08 00:00 local to the next Monday, in UTC. */
export const KPI_WEEK_START_MS = Date.parse('2023-05-07T17:00:00Z');
export const KPI_WEEK_END_MS = Date.parse('2023-05-14T17:00:00Z');
/** When T4 leaves c1 (in force only after this instant). */
export const KPI_T4_LEFT_MS = Date.parse('2023-05-12T00:00:00Z');
/** After T4 left c1 and before T10 (re)joined it: c1 has one user, P1. */
export const KPI_C1_ALONE_MS = Date.parse('2023-05-12T12:00:00Z');

/** The facts of the fixture, with event ids 1, 2, ... in order. */
export function kpiRows(): ActivityFactRow[] {
  const row = factRows();
  const registered = (user: string, org: string, role: string, time = '2023-05-01 03:00:00', ms = 0) =>
    row('ru.sferum.user.registered', user, time, { org_id: org, role, time_ms: ms });
  const left = (user: string, org: string, role: string, time: string, ms = 0) => row('ru.sferum.user.left', user, time, { org_id: org, role, time_ms: ms });
  const messages = (user: string, count: number, chatKind: string, messageKind: string, org = '') =>
    Array.from({ length: count }, (_, i) =>
      row('ru.sferum.message.sent', user, `2023-05-10 0${i % 10}:00:00`, { chat_kind: chatKind, message_kind: messageKind, org_id: org }),
    );
  const orgFact = (type: string, org: string, time: string, ms = 0, journalSystem = '') => row(type, '', time, { org_id: org, time_ms: ms, journal_system: journalSystem });
  const call = (user: string, callId: string, initiator: 0 | 1, org = '') =>
    row('ru.sferum.call.joined', user, '2023-05-11 05:00:00', { call_id: callId.padEnd(32, '0'), initiator, org_id: org });

  return [
    // T1: teacher of two schools; 10 group texts naming no organization (sent twice), one call joined
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
    // T7 (of s1) writes 10 group texts naming c1, a college of m2 where T7 is not
    // registered: they count for the region only (c1's units hold T7 nowhere)
    registered('T7', 's1', 'teacher'),
    ...messages('T7', 10, 'group', 'text', 'c1'),
    // T8 (of s2) writes 5 naming s1 and 5 naming none: 10 in m1 and the region, 5 in s2
    registered('T8', 's2', 'teacher'),
    ...messages('T8', 5, 'group', 'text', 's1'),
    ...messages('T8', 5, 'group', 'text'),
    // T9 joins c1 and leaves it 200 ms later, in the same second; T10 leaves and joins again
    registered('T9', 'c1', 'teacher', '2023-05-13 10:00:00', 100),
    left('T9', 'c1', 'teacher', '2023-05-13 10:00:00', 300),
    left('T10', 'c1', 'teacher', '2023-05-13 10:00:00', 100),
    registered('T10', 'c1', 'teacher', '2023-05-13 10:00:00', 300),
    // K1 of the other region writes naming k1 and naming none: nothing of it is region 54's
    registered('K1', 'k1', 'teacher'),
    ...messages('K1', 10, 'group', 'text', 'k1'),
    // Organization facts: s1 connected before the week and its journal linked
    // in its last millisecond; s2's journal linked at the week's end (not yet
    // in force); c1 labelled; an unknown organization and k1 (region 42) connected.
    orgFact('ru.sferum.org.connected', 's1', '2023-05-02 03:00:00'),
    orgFact('ru.sferum.org.journal_linked', 's1', '2023-05-14 16:59:59', 999, 'fgis-moya-shkola'),
    orgFact('ru.sferum.org.journal_linked', 's2', '2023-05-14 17:00:00', 0, 'netschool'),
    orgFact('ru.sferum.org.gov_label_granted', 'c1', '2023-05-09 03:00:00'),
    orgFact('ru.sferum.org.connected', 'ghost', '2023-05-02 03:00:00'),
    orgFact('ru.sferum.org.connected', 'k1', '2023-05-02 03:00:00'),
  ];
}

/** Writes the fixture as the aggregator would (one batch, then T1's events delivered a second time) and mirrors the registry versions. */
export async function loadKpiRows(db: ClickHouse): Promise<void> {
  const rows = kpiRows();
  await insertActivityFacts(db, rows);
  await insertActivityFacts(db, rows.filter((r) => r.user_id === 'T1'));
  await mirrorRegistry(db, KPI_VERSION, KPI_ORGS);
  await mirrorRegistry(db, KPI_MANY_VERSION, manyOrganizations());
  await mirrorRegistry(db, KPI_NASTY_VERSION, NASTY_ORGS);
}

/** Every level of units: the fixture's expected numbers are per unit of each. */
export const ALL_LEVELS = ['region', 'municipality', 'category', 'municipality_category', 'organization'] as const;

/** The figures query of the fixture's region and week, every level, with the default settings unless overridden. */
export function kpiQuery(overrides: Partial<RegionFiguresQuery> = {}): RegionFiguresQuery {
  return {
    region: '54',
    registryVersion: KPI_VERSION,
    startMs: KPI_WEEK_START_MS,
    endMs: KPI_WEEK_END_MS,
    countedActivities: ['group:emoji', 'group:file', 'group:other', 'group:poll', 'group:sticker', 'group:text', 'group:voice'],
    callActivity: 'call',
    levels: ALL_LEVELS,
    ...overrides,
  };
}

/** A region with 60,000 more organizations. */
export function manyOrganizations(): MirroredOrganization[] {
  return [
    ...KPI_ORGS,
    ...Array.from({ length: 60_000 }, (_, i) => ({ orgId: `bulk-${i}`, municipalityId: `m${i % 40}`, regionCode: '54', category: 'general', headcount: i % 2 === 0 ? 10 : null })),
  ];
}

/** An organization whose identifiers try to break out of their literals. */
export const NASTY_ORGS: readonly MirroredOrganization[] = [{ orgId: "s1'--", municipalityId: "m'1", regionCode: '54', category: 'general', headcount: null }];
