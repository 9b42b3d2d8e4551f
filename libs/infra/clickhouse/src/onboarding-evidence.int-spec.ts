import { stackEnv, uniqueName } from '@sferum/testing';
import { ClickHouse } from './clickhouse-client';
import { runClickHouseMigrations } from './migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from './migrations-dir';
import { onboardingEvidenceAt } from './onboarding-evidence';
import { SqlLiteralError } from './sql-literal';
import { KPI_VERSION } from '../test/kpi-fixture';
import { loadOnboardingRows, ONBOARDING_AT_MS } from '../test/onboarding-fixture';

/** The onboarding funnel's evidence on ClickHouse 18.16, against the instants of the fixture counted by hand. */
describe('onboarding evidence (migrations 0008-0010)', () => {
  const url = stackEnv().clickhouseUrl;
  const database = uniqueName('test_onboarding');
  let db: ClickHouse;

  beforeAll(async () => {
    await runClickHouseMigrations({ url, database }, CLICKHOUSE_MIGRATIONS_DIR);
    db = new ClickHouse({ url, database });
    await loadOnboardingRows(db);
  });

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS ${database}`);
    await db.close();
  });

  const at = (iso: string) => Date.parse(iso);

  it('the first instant of each step shown by events, per organization of the region, before the end', async () => {
    const evidence = await onboardingEvidenceAt(db, '54', KPI_VERSION, ONBOARDING_AT_MS);
    expect(Object.fromEntries(evidence)).toEqual({
      s1: {
        connected: at('2023-04-01T03:00:00.250Z'),
        admin_registered: at('2023-04-02T04:00:00.100Z'),
        staff_registered: at('2023-04-03T05:00:00.000Z'),
        // A1 wrote at 03:00:00.900 and registered at 04:00:00.100: the later of the two; the student's earlier message is no staff's
        staff_active: at('2023-04-02T04:00:00.100Z'),
        // the earlier of the two staff chats; the class chat does not count
        chats_created: at('2023-04-10T08:00:00.500Z'),
      },
      s2: {
        connected: at('2023-04-03T06:00:00.001Z'),
        admin_registered: null,
        staff_registered: at('2023-04-06T07:00:00.007Z'),
        staff_active: null, // T3's call is at the end (not before it); T4's message names no organization
        chats_created: null,
      },
    });
  });

  it('at an earlier instant, only what happened before it; a step is not undone by a leave', async () => {
    const evidence = await onboardingEvidenceAt(db, '54', KPI_VERSION, at('2023-04-02T04:00:00.100Z'));
    expect(evidence.get('s1')).toEqual({ connected: at('2023-04-01T03:00:00.250Z'), admin_registered: null, staff_registered: null, staff_active: null, chats_created: null });
    expect(evidence.get('s2')).toBeUndefined();
    const afterLeave = await onboardingEvidenceAt(db, '54', KPI_VERSION, at('2023-04-07T12:00:00Z'));
    expect(afterLeave.get('s2')?.staff_registered).toBe(at('2023-04-06T07:00:00.007Z'));
  });

  it("another region's organizations are its own; bad input is refused before any SQL", async () => {
    expect(Object.fromEntries(await onboardingEvidenceAt(db, '42', KPI_VERSION, ONBOARDING_AT_MS))).toEqual({
      k1: { connected: at('2023-04-01T03:00:00.000Z'), admin_registered: null, staff_registered: null, staff_active: null, chats_created: null },
    });
    await expect(onboardingEvidenceAt(db, "54' OR 1", KPI_VERSION, ONBOARDING_AT_MS)).rejects.toThrow(SqlLiteralError);
    await expect(onboardingEvidenceAt(db, '54', -1, ONBOARDING_AT_MS)).rejects.toThrow(SqlLiteralError);
    await expect(onboardingEvidenceAt(db, '54', KPI_VERSION, 1.5)).rejects.toThrow(SqlLiteralError);
  });
});
