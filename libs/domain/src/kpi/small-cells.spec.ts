import { KPI_IDS } from '@sferum/contracts';
import { isTeacherActivityCounter, isTeacherShareKpi, smallCellOf, TEACHER_ACTIVITY_COUNTERS, TEACHER_SHARE_KPIS } from './small-cells';

describe('small cells', () => {
  it('4 teachers is below the default minimum of 5; 5 is not', () => {
    expect(smallCellOf({ teacherDenominator: 4, registeredTeachers: 4 }, 5)).toBe('small_cell');
    expect(smallCellOf({ teacherDenominator: 5, registeredTeachers: 5 }, 5)).toBeNull();
    expect(smallCellOf({ teacherDenominator: 16_010, registeredTeachers: 16_010 }, 5)).toBeNull();
  });

  it('no teacher at all is a small cell, whatever the minimum', () => {
    expect(smallCellOf({ teacherDenominator: 0, registeredTeachers: 0 }, 1)).toBe('small_cell');
    expect(smallCellOf({ teacherDenominator: 1, registeredTeachers: 1 }, 1)).toBeNull();
  });

  it('the smaller of the teacher denominator and the registered teachers decides', () => {
    // Headcount 40, one registered teacher: the counts would be that teacher's week.
    expect(smallCellOf({ teacherDenominator: 40, registeredTeachers: 1 }, 5)).toBe('small_cell');
    // Headcount 4, 12 registered (duplicates, other staff): a share of 4 is too few.
    expect(smallCellOf({ teacherDenominator: 4, registeredTeachers: 12 }, 5)).toBe('small_cell');
    expect(smallCellOf({ teacherDenominator: 40, registeredTeachers: 5 }, 5)).toBeNull();
    expect(smallCellOf({ teacherDenominator: 5, registeredTeachers: 40 }, 5)).toBeNull();
  });

  it('follows the region minimum at its edges (1 and 1000)', () => {
    expect(smallCellOf({ teacherDenominator: 999, registeredTeachers: 999 }, 1000)).toBe('small_cell');
    expect(smallCellOf({ teacherDenominator: 1000, registeredTeachers: 1000 }, 1000)).toBeNull();
  });

  it('refuses counts and minimums that are not whole', () => {
    expect(() => smallCellOf({ teacherDenominator: -1, registeredTeachers: 5 }, 5)).toThrow(RangeError);
    expect(() => smallCellOf({ teacherDenominator: 5, registeredTeachers: 2.5 }, 5)).toThrow(RangeError);
    expect(() => smallCellOf({ teacherDenominator: 5, registeredTeachers: 5 }, 0)).toThrow('minTeacherDenominator');
    expect(() => smallCellOf({ teacherDenominator: 5, registeredTeachers: 5 }, 4.5)).toThrow('minTeacherDenominator');
  });

  it('withholds the teacher shares and the counts of active teachers, nothing else', () => {
    expect(KPI_IDS.filter(isTeacherShareKpi)).toEqual([...TEACHER_SHARE_KPIS]);
    expect(KPI_IDS.filter(isTeacherShareKpi)).toEqual(['teachers_10_messages', 'teachers_1_call']);
    expect(TEACHER_ACTIVITY_COUNTERS.every(isTeacherActivityCounter)).toBe(true);
    expect(['registered_teachers', 'registered_users', 'teacher_headcount', 'orgs', 'active_orgs'].some(isTeacherActivityCounter)).toBe(false);
  });
});
