/**
 * A region's KPI settings (GET/PUT /v1/registry/regions/{code}/settings)
 * and the small-cell rule they carry: a unit whose teacher figures would
 * describe fewer than `minTeacherDenominator` teachers shows its counts but
 * not its per-teacher shares, bands or activity counts, and says why with
 * `suppressed: "small_cell"`. The same words are the settings field, the
 * PostgreSQL column (min_teacher_denominator) and the KPI answer's fields.
 */
import { objectSchema, type JsonSchema } from './json-schema';
import { CALL_MODES, type CallMode, MESSAGE_KINDS, type MessageKind, TEACHER_DENOMINATORS, type TeacherDenominator } from './registry';

export interface RegionKpiSettings {
  readonly teacherDenominator: TeacherDenominator;
  readonly callMode: CallMode;
  /** Message kinds that count; null means every kind. */
  readonly countedMessageKinds: readonly MessageKind[] | null;
  /** Units with fewer teachers than this show no per-teacher share (small cells). */
  readonly minTeacherDenominator: number;
}

/** The smallest teacher denominator whose shares are shown, and the range a region may set. */
export const MIN_TEACHER_DENOMINATOR = { default: 5, lowest: 1, highest: 1000 } as const;

/** What a region without a settings row uses (domain brief defaults). */
export const DEFAULT_KPI_SETTINGS: RegionKpiSettings = {
  teacherDenominator: 'registered',
  callMode: 'participated',
  countedMessageKinds: null,
  minTeacherDenominator: MIN_TEACHER_DENOMINATOR.default,
};

/** Whether a settings value is an allowed minimum: an integer (a JSON number, not a string) from 1 to 1000. */
export function isMinTeacherDenominator(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_TEACHER_DENOMINATOR.lowest && value <= MIN_TEACHER_DENOMINATOR.highest;
}

/**
 * Why figures of a unit are withheld. `small_cell`: the unit has fewer
 * teachers than the region's minTeacherDenominator, so a share, a band or
 * a count of active teachers would describe a few identifiable people.
 */
export const SUPPRESSION_REASONS = ['small_cell'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const MIN_TEACHER_DENOMINATOR_SCHEMA: JsonSchema = {
  type: 'integer',
  minimum: MIN_TEACHER_DENOMINATOR.lowest,
  maximum: MIN_TEACHER_DENOMINATOR.highest,
  default: MIN_TEACHER_DENOMINATOR.default,
  description: 'units whose teacher denominator (or registered teachers) is below this show counts but no per-teacher share, band or activity count',
};

export const SUPPRESSED_SCHEMA: JsonSchema = {
  enum: SUPPRESSION_REASONS,
  description: 'present when figures are withheld; small_cell: fewer teachers than minTeacherDenominator',
};

export const KPI_SETTINGS_SCHEMA: JsonSchema = objectSchema<RegionKpiSettings>(
  {
    teacherDenominator: { enum: TEACHER_DENOMINATORS },
    callMode: { enum: CALL_MODES },
    countedMessageKinds: { oneOf: [{ type: 'null', description: 'every kind counts' }, { type: 'array', items: { enum: MESSAGE_KINDS }, uniqueItems: true }] },
    minTeacherDenominator: MIN_TEACHER_DENOMINATOR_SCHEMA,
  },
  { title: "A region's KPI settings" },
);
