/**
 * A region's KPI settings as a person writes them (PUT
 * /v1/registry/regions/{code}/settings): validated strictly, every problem
 * named. A field left out takes its default (the body replaces the
 * settings). The minimum teacher denominator must be a JSON integer from 1
 * to 1000: "5", 4.5 or 0 are refused, never rounded or read as text.
 */
import {
  CALL_MODES,
  type CallMode,
  DEFAULT_KPI_SETTINGS,
  isMinTeacherDenominator,
  MESSAGE_KINDS,
  MIN_TEACHER_DENOMINATOR,
  type MessageKind,
  type RegionKpiSettings,
  TEACHER_DENOMINATORS,
  type TeacherDenominator,
} from '@sferum/contracts';

export class InvalidKpiSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKpiSettingsError';
  }
}

const FIELDS: readonly string[] = Object.keys(DEFAULT_KPI_SETTINGS);

export function validateKpiSettings(input: unknown): RegionKpiSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidKpiSettingsError('expected a JSON object of KPI settings');
  const body = input as Record<string, unknown>;
  const problems: string[] = [];
  const unknownFields = Object.keys(body).filter((k) => !FIELDS.includes(k));
  if (unknownFields.length > 0) problems.push(`unknown field(s): ${unknownFields.join(', ')}`);
  const denominator = body['teacherDenominator'] ?? DEFAULT_KPI_SETTINGS.teacherDenominator;
  if (!(TEACHER_DENOMINATORS as readonly unknown[]).includes(denominator)) problems.push(`teacherDenominator: expected one of ${TEACHER_DENOMINATORS.join(', ')}`);
  const callMode = body['callMode'] ?? DEFAULT_KPI_SETTINGS.callMode;
  if (!(CALL_MODES as readonly unknown[]).includes(callMode)) problems.push(`callMode: expected one of ${CALL_MODES.join(', ')}`);
  const kinds = body['countedMessageKinds'] ?? null;
  if (kinds !== null && (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !(MESSAGE_KINDS as readonly unknown[]).includes(k)))) {
    problems.push(`countedMessageKinds: expected null (every kind) or a non-empty list of ${MESSAGE_KINDS.join(', ')}`);
  }
  // Only a field left out takes the default: null is no number of teachers.
  const minimum = body['minTeacherDenominator'] === undefined ? DEFAULT_KPI_SETTINGS.minTeacherDenominator : body['minTeacherDenominator'];
  if (!isMinTeacherDenominator(minimum)) {
    problems.push(`minTeacherDenominator: expected an integer from ${MIN_TEACHER_DENOMINATOR.lowest} to ${MIN_TEACHER_DENOMINATOR.highest} (default ${MIN_TEACHER_DENOMINATOR.default})`);
  }
  if (problems.length > 0) throw new InvalidKpiSettingsError(problems.join('; '));
  return {
    teacherDenominator: denominator as TeacherDenominator,
    callMode: callMode as CallMode,
    countedMessageKinds: kinds === null ? null : [...new Set(kinds as MessageKind[])].sort(),
    minTeacherDenominator: minimum as number,
  };
}
