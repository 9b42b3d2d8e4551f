import Ajv from 'ajv';
import { DEFAULT_KPI_SETTINGS, isMinTeacherDenominator, KPI_SETTINGS_SCHEMA, MIN_TEACHER_DENOMINATOR, SUPPRESSED_SCHEMA } from './kpi-settings';

describe('KPI settings contract', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });

  it('the minimum teacher denominator is an integer from 1 to 1000, 5 by default', () => {
    expect(DEFAULT_KPI_SETTINGS.minTeacherDenominator).toBe(5);
    expect([1, 5, 1000].every(isMinTeacherDenominator)).toBe(true);
    expect([0, 1001, -5, 4.5, Number.NaN, Infinity, '5', null, undefined, true].some(isMinTeacherDenominator)).toBe(false);
    expect(MIN_TEACHER_DENOMINATOR).toEqual({ default: 5, lowest: 1, highest: 1000 });
  });

  it('the settings schema accepts the defaults and refuses what the API refuses', () => {
    const validate = ajv.compile(KPI_SETTINGS_SCHEMA);
    expect(validate(DEFAULT_KPI_SETTINGS)).toBe(true);
    expect(validate({ ...DEFAULT_KPI_SETTINGS, countedMessageKinds: ['text', 'file'], minTeacherDenominator: 1000 })).toBe(true);
    expect(validate({ ...DEFAULT_KPI_SETTINGS, minTeacherDenominator: 0 })).toBe(false);
    expect(validate({ ...DEFAULT_KPI_SETTINGS, minTeacherDenominator: 1001 })).toBe(false);
    expect(validate({ ...DEFAULT_KPI_SETTINGS, minTeacherDenominator: 2.5 })).toBe(false);
    const { minTeacherDenominator: _omitted, ...withoutMinimum } = DEFAULT_KPI_SETTINGS;
    expect(validate(withoutMinimum)).toBe(false);
  });

  it('the one suppression reason is small_cell', () => {
    const validate = ajv.compile(SUPPRESSED_SCHEMA);
    expect(validate('small_cell')).toBe(true);
    expect(validate('hidden')).toBe(false);
  });
});
