import { onboardingEvidenceAt } from '../src/onboarding-evidence';
import { closeChdb } from './chdb-engine';
import { KPI_VERSION } from './kpi-fixture';
import { loadOnboardingRows, ONBOARDING_AT_MS } from './onboarding-fixture';
import { CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions } from './versions';

/** The onboarding evidence's fixture on 18.16 and the current ClickHouse: the same answers (18.16's is checked by hand in the integration spec). */
describe(`onboarding evidence: ${CLICKHOUSE_CURRENT.label} answers as ${CLICKHOUSE_18_16.label}`, () => {
  let both: OnBothVersions;

  beforeAll(async () => {
    both = await OnBothVersions.create('test_versions_onboarding', loadOnboardingRows);
  });

  afterAll(async () => {
    await (both as OnBothVersions | undefined)?.close();
    await closeChdb();
  });

  it.each([
    ['at the end of the week', '54', ONBOARDING_AT_MS, 2],
    ['before the staff registered', '54', Date.parse('2023-04-02T04:00:00.100Z'), 1],
    ['of another region', '42', ONBOARDING_AT_MS, 1],
  ])('onboardingEvidenceAt %s', async (_, region, atMs, organizations) => {
    const { legacy, current } = await both.ask(async (db) => Object.fromEntries(await onboardingEvidenceAt(db, region, KPI_VERSION, atMs)));
    expect(current).toStrictEqual(legacy);
    expect(Object.keys(legacy)).toHaveLength(organizations); // the fixture, not an empty answer
  });
});
