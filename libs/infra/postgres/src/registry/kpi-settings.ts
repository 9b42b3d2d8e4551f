import { CALL_MODES, type CallMode, type KpiId, MESSAGE_KINDS, type MessageKind, TEACHER_DENOMINATORS, type TeacherDenominator } from '@sferum/contracts';
import { edgesOf, type Threshold } from '@sferum/domain';
import { type DataSource, type EntityManager } from 'typeorm';
import { RegistryError } from '../keys/api-keys';

export interface RegionKpiSettings {
  readonly teacherDenominator: TeacherDenominator;
  readonly callMode: CallMode;
  /** Message kinds that count; null means every kind. */
  readonly countedMessageKinds: readonly MessageKind[] | null;
}

/** What a region without a settings row uses (domain brief defaults). */
export const DEFAULT_KPI_SETTINGS: RegionKpiSettings = {
  teacherDenominator: 'registered',
  callMode: 'participated',
  countedMessageKinds: null,
};

export async function getKpiSettings(dataSource: DataSource, regionCode: string): Promise<RegionKpiSettings> {
  const rows = await dataSource.query<{ teacher_denominator: TeacherDenominator; call_mode: CallMode; counted_message_kinds: MessageKind[] | null }[]>(
    'SELECT teacher_denominator, call_mode, counted_message_kinds FROM region_settings WHERE region_code = $1',
    [regionCode],
  );
  const row = rows[0];
  if (row === undefined) return DEFAULT_KPI_SETTINGS;
  return { teacherDenominator: row.teacher_denominator, callMode: row.call_mode, countedMessageKinds: row.counted_message_kinds };
}

/** Validates an untrusted settings document; throws RegistryError naming the field. */
export function parseKpiSettings(input: unknown): RegionKpiSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new RegistryError('expected a JSON object');
  const body = input as Record<string, unknown>;
  const unknownFields = Object.keys(body).filter((k) => !['teacherDenominator', 'callMode', 'countedMessageKinds'].includes(k));
  if (unknownFields.length > 0) throw new RegistryError(`unknown field(s): ${unknownFields.join(', ')}`);
  const denominator = body['teacherDenominator'] ?? DEFAULT_KPI_SETTINGS.teacherDenominator;
  if (!(TEACHER_DENOMINATORS as readonly unknown[]).includes(denominator)) {
    throw new RegistryError(`teacherDenominator: expected one of ${TEACHER_DENOMINATORS.join(', ')}`);
  }
  const callMode = body['callMode'] ?? DEFAULT_KPI_SETTINGS.callMode;
  if (!(CALL_MODES as readonly unknown[]).includes(callMode)) throw new RegistryError(`callMode: expected one of ${CALL_MODES.join(', ')}`);
  const kinds = body['countedMessageKinds'] ?? null;
  if (kinds !== null) {
    if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !(MESSAGE_KINDS as readonly unknown[]).includes(k))) {
      throw new RegistryError(`countedMessageKinds: expected null (every kind) or a non-empty list of ${MESSAGE_KINDS.join(', ')}`);
    }
  }
  return {
    teacherDenominator: denominator as TeacherDenominator,
    callMode: callMode as CallMode,
    countedMessageKinds: kinds === null ? null : [...new Set(kinds as MessageKind[])].sort(),
  };
}

export async function putKpiSettings(dataSource: DataSource, regionCode: string, settings: RegionKpiSettings): Promise<void> {
  await dataSource.query(
    `INSERT INTO region_settings (region_code, teacher_denominator, call_mode, counted_message_kinds) VALUES ($1, $2, $3, $4)
     ON CONFLICT (region_code) DO UPDATE SET teacher_denominator = EXCLUDED.teacher_denominator,
       call_mode = EXCLUDED.call_mode, counted_message_kinds = EXCLUDED.counted_message_kinds`,
    [regionCode, settings.teacherDenominator, settings.callMode, settings.countedMessageKinds],
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
