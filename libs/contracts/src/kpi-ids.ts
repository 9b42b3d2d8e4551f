/**
 * Identifiers of the federal indicators. The same word is the KPI id in the
 * API, the `kpi` column of thresholds and the `kpi` label of metrics.
 */
export const KPI_IDS = ['active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call'] as const;
export type KpiId = (typeof KPI_IDS)[number];

/**
 * Identifiers of the federal targets besides the bands (target 100%, shown
 * as the gap to it): organizations connected, teachers registered of the
 * headcount, general-education schools with the e-journal linked,
 * organizations with the "government organization" label. The same word is
 * the API's key and a history's `kpi`.
 */
export const TARGET_IDS = ['orgs_connected', 'teachers_registered', 'schools_journal_linked', 'orgs_gov_label'] as const;
export type TargetId = (typeof TARGET_IDS)[number];

export function isTargetId(value: string): value is TargetId {
  return (TARGET_IDS as readonly string[]).includes(value);
}

/** Bands of an indicator, worst first. */
export const BANDS = ['below_norm', 'average', 'good'] as const;
export type Band = (typeof BANDS)[number];

export function isKpiId(value: string): value is KpiId {
  return (KPI_IDS as readonly string[]).includes(value);
}

/**
 * Kinds of alert the KPI service raises: a band worse than the week before,
 * a fall against the mean of the previous weeks, a region whose events
 * stopped arriving during school hours. The same words are the `kind` of
 * GET /v1/alerts, of webhook payloads and of the kpi_alert_active metric.
 */
export const ALERT_KINDS = ['band_worse', 'drop', 'silence'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
