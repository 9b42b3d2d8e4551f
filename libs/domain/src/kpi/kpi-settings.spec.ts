import { DEFAULT_KPI_SETTINGS } from '@sferum/contracts';
import { InvalidKpiSettingsError, validateKpiSettings } from './kpi-settings';

describe('validateKpiSettings', () => {
  it('fills what is left out with the defaults: minTeacherDenominator 5', () => {
    expect(validateKpiSettings({})).toEqual(DEFAULT_KPI_SETTINGS);
    expect(validateKpiSettings({ callMode: 'initiated', countedMessageKinds: ['text', 'file', 'text'] })).toEqual({
      teacherDenominator: 'registered',
      callMode: 'initiated',
      countedMessageKinds: ['file', 'text'],
      minTeacherDenominator: 5,
    });
  });

  it('accepts a minimum from 1 to 1000', () => {
    expect(validateKpiSettings({ minTeacherDenominator: 1 }).minTeacherDenominator).toBe(1);
    expect(validateKpiSettings({ minTeacherDenominator: 1000 }).minTeacherDenominator).toBe(1000);
  });

  it.each([0, 1001, -5, 4.5, '5', null, true, [5], { n: 5 }])('refuses minTeacherDenominator %j', (value) => {
    expect(() => validateKpiSettings({ minTeacherDenominator: value })).toThrow(InvalidKpiSettingsError);
    expect(() => validateKpiSettings({ minTeacherDenominator: value })).toThrow('minTeacherDenominator: expected an integer from 1 to 1000 (default 5)');
  });

  it('names every problem at once', () => {
    expect(() => validateKpiSettings({ teacherDenominator: 'all', callMode: 'sometimes', countedMessageKinds: [], minTeacherDenominator: 0, colour: 'red' })).toThrow(
      /unknown field\(s\): colour; teacherDenominator: expected one of registered, headcount; callMode: expected one of participated, initiated; countedMessageKinds: expected null .*; minTeacherDenominator/,
    );
    expect(() => validateKpiSettings({ countedMessageKinds: ['text', 'gif'] })).toThrow('countedMessageKinds');
  });

  it.each([null, [], 'text', 5])('refuses a body %j that is not an object', (body) => {
    expect(() => validateKpiSettings(body)).toThrow('expected a JSON object');
  });
});
