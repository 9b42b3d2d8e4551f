import { type CallMode, DEFAULT_KPI_SETTINGS, type KpiId, type MessageKind, type RegionKpiSettings, type TeacherDenominator } from '@sferum/contracts';
import { edgesOf, type Threshold } from '@sferum/domain';
import { type DataSource, type EntityManager } from 'typeorm';

// The settings contract lives in libs/contracts; re-exported for the callers of this repository.
export { DEFAULT_KPI_SETTINGS, type RegionKpiSettings };

/** A row of region_settings (migration 0005 added min_teacher_denominator, 5 for the rows that existed). */
export interface RegionSettingsRow {
  readonly teacher_denominator: TeacherDenominator;
  readonly call_mode: CallMode;
  readonly counted_message_kinds: MessageKind[] | null;
  readonly min_teacher_denominator: number;
}

export const REGION_SETTINGS_COLUMNS = 'teacher_denominator, call_mode, counted_message_kinds, min_teacher_denominator';

export function settingsOfRow(row: RegionSettingsRow): RegionKpiSettings {
  return {
    teacherDenominator: row.teacher_denominator,
    callMode: row.call_mode,
    countedMessageKinds: row.counted_message_kinds,
    minTeacherDenominator: row.min_teacher_denominator,
  };
}

export async function getKpiSettings(dataSource: DataSource, regionCode: string): Promise<RegionKpiSettings> {
  const rows = await dataSource.query<RegionSettingsRow[]>(`SELECT ${REGION_SETTINGS_COLUMNS} FROM region_settings WHERE region_code = $1`, [regionCode]);
  const row = rows[0];
  return row === undefined ? DEFAULT_KPI_SETTINGS : settingsOfRow(row);
}

/** Stores settings validated by the domain (validateKpiSettings); the table's checks refuse anything else. */
export async function putKpiSettings(dataSource: DataSource, regionCode: string, settings: RegionKpiSettings): Promise<void> {
  await dataSource.query(
    `INSERT INTO region_settings (region_code, ${REGION_SETTINGS_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (region_code) DO UPDATE SET teacher_denominator = EXCLUDED.teacher_denominator,
       call_mode = EXCLUDED.call_mode, counted_message_kinds = EXCLUDED.counted_message_kinds,
       min_teacher_denominator = EXCLUDED.min_teacher_denominator`,
    [regionCode, settings.teacherDenominator, settings.callMode, settings.countedMessageKinds, settings.minTeacherDenominator],
  );
}

/** Every threshold, oldest first: the bands of a week are those in force on its Monday. */
export async function listThresholds(db: DataSource | EntityManager): Promise<Threshold[]> {
  const rows = await db.query<{ kpi: KpiId; lower_edge: string; upper_edge: string; effective_from: string }[]>(
    `SELECT kpi, lower_edge::text, upper_edge::text, to_char(effective_from, 'YYYY-MM-DD') AS effective_from
     FROM threshold ORDER BY effective_from, kpi`,
  );
  return rows.map((r) => ({ kpi: r.kpi, lower: trimZeros(r.lower_edge), upper: trimZeros(r.upper_edge), effectiveFrom: r.effective_from }));
}

/** Adds (or replaces, for the same KPI and date) a threshold; edges validated exactly. */
export async function putThreshold(dataSource: DataSource, threshold: Threshold): Promise<void> {
  edgesOf(threshold); // throws on malformed or inverted edges
  await dataSource.query(
    `INSERT INTO threshold (kpi, lower_edge, upper_edge, effective_from) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kpi, effective_from) DO UPDATE SET lower_edge = EXCLUDED.lower_edge, upper_edge = EXCLUDED.upper_edge`,
    [threshold.kpi, threshold.lower, threshold.upper, threshold.effectiveFrom],
  );
}

function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}
