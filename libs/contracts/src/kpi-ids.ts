/**
 * Identifiers of the federal indicators. The same word is the KPI id in the
 * API, the `kpi` column of thresholds and the `kpi` label of metrics.
 */
export const KPI_IDS = ['active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call'] as const;
export type KpiId = (typeof KPI_IDS)[number];

/** Bands of an indicator, worst first. */
export const BANDS = ['below_norm', 'average', 'good'] as const;
export type Band = (typeof BANDS)[number];

export function isKpiId(value: string): value is KpiId {
  return (KPI_IDS as readonly string[]).includes(value);
}
