import { FEDERAL_THRESHOLDS_2023, buildKpiRows, NO_EVENT_FACTS, NO_REGISTRY_FACTS, NO_REGISTRY_ONBOARDING, type ActivityCounters, type ReportOrganization } from '@sferum/domain';
import { createMetricsRegistry } from '@sferum/infra-observability';
import { KPI_GAUGE_LABELS, kpiGauges, KpiMetrics } from './kpi-metrics';

const org = (orgId: string, municipalityId: string): ReportOrganization => ({ orgId, orgName: orgId, municipalityId, municipalityName: municipalityId, category: 'general', teacherHeadcount: null, facts: NO_REGISTRY_FACTS, onboarding: NO_REGISTRY_ONBOARDING });
const teachers = (n: number): ActivityCounters => ({
  registeredUsers: n,
  registeredTeachers: n,
  registeredStudents: 0,
  registeredParents: 0,
  registeredTeachersWithoutHeadcount: n,
  teachers3Messages: n,
  teachers10Messages: n,
  teachers1Call: n,
  activeTeachers: n,
});

/** A region of two municipalities: m4 with 4 teachers (a small cell), m5 with 5. */
function rows() {
  const base = {
    region: { code: '54', name: 'Новосибирская область' },
    organizations: [org('a', 'm4'), org('b', 'm5')],
    current: new Map([['region', teachers(9)], ['municipality:m4', teachers(4)], ['municipality:m5', teachers(5)]]),
    previous: new Map<string, ActivityCounters>(),
    activeOrgs: new Set(['a', 'b']),
    previousActiveOrgs: new Set<string>(),
    orgFacts: NO_EVENT_FACTS,
    previousOrgFacts: NO_EVENT_FACTS,
    scope: {},
    teacherDenominator: 'registered' as const,
    minTeacherDenominator: 5,
    thresholds: FEDERAL_THRESHOLDS_2023,
    weekMonday: '2023-05-08',
    previousWeekMonday: '2023-05-01',
  };
  return { region: buildKpiRows(base)[0]!, municipalities: buildKpiRows({ ...base, groupBy: 'municipality' }) };
}

describe('KPI gauges', () => {
  it('a small cell has no gauge of a teacher share; its organization indicators and the other units keep theirs', () => {
    const gauges = kpiGauges('54', rows(), 'last');
    const of = (municipality: string) => gauges.filter((g) => g.municipality === municipality).map((g) => [g.kpi, g.value, g.band]);
    expect(of('m4')).toEqual([
      ['active_schools', 100, 2],
      ['active_orgs', 100, 2],
    ]);
    expect(of('m5')).toEqual([
      ['active_schools', 100, 2],
      ['active_orgs', 100, 2],
      ['teachers_10_messages', 100, 2],
      ['teachers_1_call', 100, 2],
    ]);
    expect(of('')).toHaveLength(4);
  });

  it('/metrics holds no per-organization series: the KPI gauges are labelled by region and municipality only', async () => {
    const registry = createMetricsRegistry('kpi');
    const metrics = new KpiMetrics(registry);
    metrics.publishKpis(kpiGauges('54', rows(), 'last'), new Map([['54', 12]]));
    metrics.publishAlerts([{ kind: 'drop', region: '54', municipality: 'm5', kpi: 'teachers_1_call' }]);
    expect(KPI_GAUGE_LABELS).toEqual(['region', 'municipality', 'kpi', 'week']);
    const text = await registry.metrics();
    const kpiSeries = text.split('\n').filter((line) => line.startsWith('kpi_'));
    const labels = new Set(kpiSeries.flatMap((line) => [...line.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1])));
    expect([...labels].sort()).toEqual(['kind', 'kpi', 'municipality', 'region', 'service', 'week']);
    expect(text).not.toMatch(/municipality="m4",kpi="teachers_/);
    expect(text).toMatch(/^kpi_value\{region="54",municipality="m5",kpi="teachers_10_messages",week="last",service="kpi"\} 100$/m);
  });
});
