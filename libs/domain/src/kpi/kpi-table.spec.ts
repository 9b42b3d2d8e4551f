import { parseCsv } from '../registry/csv';
import { FEDERAL_THRESHOLDS_2023 } from './kpi-bands';
import { buildKpiRows } from './kpi-report';
import { kpiCsv, kpiTableHeader, kpiTableRows } from './kpi-table';

const rows = buildKpiRows({
  region: { code: '54', name: 'Новосибирская область' },
  organizations: [{ orgId: 's1', orgName: 'Школа № 1, "Лицей"', municipalityId: 'm1', municipalityName: 'Город', category: 'general', teacherHeadcount: 10 }],
  current: new Map([
    ['region', { registeredUsers: 3, registeredTeachers: 2, registeredStudents: 1, registeredParents: 0, registeredTeachersWithoutHeadcount: 0, teachers3Messages: 1, teachers10Messages: 1, teachers1Call: 0, activeTeachers: 1 }],
    ['org:s1', { registeredUsers: 3, registeredTeachers: 2, registeredStudents: 1, registeredParents: 0, registeredTeachersWithoutHeadcount: 0, teachers3Messages: 1, teachers10Messages: 1, teachers1Call: 0, activeTeachers: 1 }],
  ]),
  previous: new Map(),
  activeOrgs: new Set(['s1']),
  previousActiveOrgs: new Set(),
  groupBy: 'organization',
  scope: {},
  teacherDenominator: 'registered',
  thresholds: FEDERAL_THRESHOLDS_2023,
  weekMonday: '2023-05-08',
  previousWeekMonday: '2023-05-01',
});

describe('KPI tables', () => {
  it('one line per unit with the same numbers as the API', () => {
    const header = kpiTableHeader('en');
    const [line] = kpiTableRows('2023-W19', rows, 'en');
    const record = Object.fromEntries(header.map((h, i) => [h, line?.[i]]));
    expect(record).toMatchObject({
      week: '2023-W19',
      level: 'organization',
      id: 's1',
      active_schools_value: 100,
      active_schools_band: 'good',
      teachers_10_messages_value: 50,
      teachers_10_messages_numerator: 1,
      teachers_10_messages_denominator: 2,
      teachers_1_call_value: 0,
      teachers_1_call_band: 'below_norm',
      registered_teachers: 2,
      teacher_headcount: 10,
    });
  });

  it('Russian headers and bands; CSV with a BOM that reads back', () => {
    const csv = kpiCsv('2023-W19', rows, 'ru');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const [header, line] = parseCsv(csv);
    expect(header?.fields.slice(0, 5)).toEqual(['Неделя', 'Уровень', 'Код', 'Наименование', 'Доля активных школ, %']);
    expect(line?.fields[3]).toBe('Школа № 1, "Лицей"');
    expect(line?.fields).toContain('хороший');
    expect(line?.fields).toContain('ниже нормы');
  });
});
