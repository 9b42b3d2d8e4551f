import { factRows } from '@sferum/testing';
import { insertActivityFacts } from '../src/activity-store';
import { type ClickHouse } from '../src/clickhouse-client';
import { mirrorRegistry } from '../src/registry-mirror';
import { KPI_ORGS, KPI_VERSION } from './kpi-fixture';

/**
 * The onboarding evidence's fixture (onboarding-evidence.int-spec.ts on
 * 18.16, onboarding-evidence.chdb-spec.ts on both): events built by hand, as
 * the aggregator writes them, for the organizations of the KPI fixture's
 * registry (s1, s2 of m1; c1 of m2; k1 of region 42), taken at the end of
 * 2023-W15 in Novosibirsk. The expected instants are in the integration spec.
 */
export const ONBOARDING_AT_MS = Date.parse('2023-04-16T17:00:00Z');

export async function loadOnboardingRows(db: ClickHouse): Promise<void> {
  const row = factRows('0b');
  const orgFact = (type: string, org: string, time: string, ms = 0) => row(type, '', time, { org_id: org, time_ms: ms });
  const registered = (user: string, org: string, role: string, time: string, ms = 0) => row('ru.sferum.user.registered', user, time, { org_id: org, role, time_ms: ms });
  const left = (user: string, org: string, role: string, time: string) => row('ru.sferum.user.left', user, time, { org_id: org, role });
  const message = (user: string, org: string, time: string, ms = 0) => row('ru.sferum.message.sent', user, time, { org_id: org, chat_kind: 'group', message_kind: 'text', time_ms: ms });
  const call = (user: string, org: string, time: string) => row('ru.sferum.call.joined', user, time, { org_id: org, call_id: 'c'.repeat(32) });
  const chat = (org: string, audience: string, time: string, ms = 0) =>
    row('ru.sferum.chat.created', '', time, { org_id: org, chat_kind: 'group', chat_audience: audience, member_count: 12, time_ms: ms });
  const rows = [
    // s1: connected; its administrator A1 wrote naming s1 an hour before registering (A1 counts from the
    // registration); T1 wrote before registering too, later; a student wrote first of all (no staff);
    // a class chat, then two staff chats.
    orgFact('ru.sferum.org.connected', 's1', '2023-04-01 03:00:00', 250),
    message('S1', 's1', '2023-04-01 01:00:00'),
    registered('S1', 's1', 'student', '2023-03-30 00:00:00'),
    message('A1', 's1', '2023-04-02 03:00:00', 900),
    registered('A1', 's1', 'admin', '2023-04-02 04:00:00', 100),
    message('T1', 's1', '2023-04-02 10:00:00', 900),
    registered('T1', 's1', 'teacher', '2023-04-03 05:00:00'),
    chat('s1', 'class', '2023-04-04 08:00:00'),
    chat('s1', 'staff', '2023-04-12 08:00:00'),
    chat('s1', 'staff', '2023-04-10 08:00:00', 500),
    // s2: connected twice; T3 registered, left and registered again; T3's call naming s2 comes after the end;
    // T4 wrote naming no organization (step 7 counts only what names it).
    orgFact('ru.sferum.org.connected', 's2', '2023-04-05 06:00:00'),
    orgFact('ru.sferum.org.connected', 's2', '2023-04-03 06:00:00', 1),
    registered('T3', 's2', 'teacher', '2023-04-06 07:00:00', 7),
    left('T3', 's2', 'teacher', '2023-04-07 07:00:00'),
    registered('T3', 's2', 'teacher', '2023-04-08 07:00:00'),
    call('T3', 's2', '2023-04-16 17:00:00'),
    registered('T4', 's2', 'teacher', '2023-04-09 07:00:00'),
    message('T4', '', '2023-04-10 07:00:00'),
    // c1: its administrator registers, and a staff chat is created, at the end or after (not yet).
    registered('A2', 'c1', 'admin', '2023-04-16 17:00:00'),
    chat('c1', 'staff', '2023-04-20 08:00:00'),
    // k1 (region 42) and an organization the registry does not know: nothing of region 54's.
    orgFact('ru.sferum.org.connected', 'k1', '2023-04-01 03:00:00'),
    chat('ghost', 'staff', '2023-04-01 03:00:00'),
  ];
  await insertActivityFacts(db, rows);
  await insertActivityFacts(db, rows.slice(0, 5)); // delivered twice
  await mirrorRegistry(db, KPI_VERSION, KPI_ORGS);
}
