import { formatCsv, parseCsv } from '../registry/csv';
import { NO_EVENT_FACTS, NO_REGISTRY_FACTS } from './federal-targets';
import { NO_REGISTRY_ONBOARDING } from '../onboarding/onboarding-funnel';
import { FEDERAL_THRESHOLDS_2023 } from './kpi-bands';
import { buildKpiRows, type KpiRow, type ReportInput } from './kpi-report';
import { kpiTableHeader, kpiTableRows } from './kpi-table';

/** The Russian table of 2023-W19 as the KPI service exports it (services/kpi/src/kpi/kpi-export.ts): the one CSV writer, with a BOM. */
const kpiCsv = (rows: readonly KpiRow[]) => formatCsv([kpiTableHeader('ru'), ...kpiTableRows('2023-W19', rows, 'ru')], { bom: true });

const input = {
  region: { code: '54', name: 'Новосибирская область' },
  organizations: [{ orgId: 's1', orgName: 'Школа № 1, "Лицей"', municipalityId: 'm1', municipalityName: 'Город', category: 'general', teacherHeadcount: 10, facts: NO_REGISTRY_FACTS, onboarding: NO_REGISTRY_ONBOARDING }],
  current: new Map([
    ['region', { registeredUsers: 3, registeredTeachers: 2, registeredStudents: 1, registeredParents: 0, registeredTeachersWithoutHeadcount: 0, teachers3Messages: 1, teachers10Messages: 1, teachers1Call: 0, activeTeachers: 1 }],
    ['org:s1', { registeredUsers: 3, registeredTeachers: 2, registeredStudents: 1, registeredParents: 0, registeredTeachersWithoutHeadcount: 0, teachers3Messages: 1, teachers10Messages: 1, teachers1Call: 0, activeTeachers: 1 }],
  ]),
  previous: new Map(),
  activeOrgs: new Set(['s1']),
  previousActiveOrgs: new Set(),
  orgFacts: NO_EVENT_FACTS,
  previousOrgFacts: NO_EVENT_FACTS,
  groupBy: 'organization',
  scope: {},
  teacherDenominator: 'registered',
  minTeacherDenominator: 1,
  thresholds: FEDERAL_THRESHOLDS_2023,
  weekMonday: '2023-05-08',
  previousWeekMonday: '2023-05-01',
} satisfies ReportInput;
const rows = buildKpiRows(input);
// The same school under the default minimum of 5: its 2 teachers are a small cell.
const small = buildKpiRows({ ...input, minTeacherDenominator: 5 });

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
      orgs_connected_value: 0,
      orgs_connected_gap: 100,
      teachers_registered_value: 20, // 2 of a headcount of 10
      teachers_registered_gap: 80,
      teachers_registered_numerator: 2,
      teachers_registered_denominator: 10,
      schools_journal_linked_denominator: 1,
      registered_teachers: 2,
      teacher_headcount: 10,
      suppressed: null,
    });
    expect(header).toEqual(expect.arrayContaining(['orgs_gov_label_value', 'orgs_gov_label_gap', 'orgs_gov_label_numerator', 'orgs_gov_label_denominator']));
    expect(kpiTableHeader('ru')).toEqual(expect.arrayContaining(['Зарегистрировано педагогов от штатной численности, %', 'Зарегистрировано педагогов от штатной численности: до 100 %']));
  });

  it('a small cell: withheld figures are empty cells, and the last column says why with the minimum', () => {
    const header = kpiTableHeader('en');
    const [line] = kpiTableRows('2023-W19', small, 'en');
    const record = Object.fromEntries(header.map((h, i) => [h, line?.[i]]));
    expect(header[header.length - 1]).toBe('suppressed');
    expect(record).toMatchObject({
      active_schools_value: 100,
      active_schools_band: 'good',
      teachers_10_messages_value: null,
      teachers_10_messages_band: null,
      teachers_10_messages_numerator: null,
      teachers_10_messages_denominator: 2,
      teachers_1_call_value: null,
      teachers_1_call_numerator: null,
      registered_teachers: 2,
      teachers_3_messages: null,
      teachers_10_messages: null,
      teachers_1_call: null,
      active_teachers: null,
      suppressed: 'small_cell: fewer than 5 teachers, teacher shares and active-teacher counts withheld',
    });
    const [headerLine, csvLine] = parseCsv(kpiCsv(small));
    const ru = Object.fromEntries(headerLine!.fields.map((h, i) => [h, csvLine?.fields[i]]));
    expect(ru).toMatchObject({
      'Доля педагогов с 10+ сообщениями, %': '',
      'Доля педагогов с 10+ сообщениями: уровень': '',
      'Доля педагогов с 10+ сообщениями: числитель': '',
      'Доля педагогов с 10+ сообщениями: знаменатель': '2',
      'Педагогов с 10+ сообщениями за неделю': '',
      'Зарегистрировано педагогов': '2',
      'Скрыто (малая группа)': 'малая группа: меньше 5 педагогов, доли педагогов и число активных педагогов не показываются',
    });
  });

  it('Russian headers and bands; CSV with a BOM that reads back', () => {
    const csv = kpiCsv(rows);
    expect(csv.startsWith('\ufeff')).toBe(true);
    const [header, line] = parseCsv(csv);
    expect(header?.fields.slice(0, 5)).toEqual(['Неделя', 'Уровень', 'Код', 'Наименование', 'Доля активных школ, %']);
    expect(line?.fields[3]).toBe('Школа № 1, "Лицей"');
    expect(line?.fields).toContain('хороший');
    expect(line?.fields).toContain('ниже нормы');
  });

  it("a month's table names the month and the counts of active teachers as the month's", () => {
    expect(kpiTableHeader('en', 'month')[0]).toBe('month');
    const ru = kpiTableHeader('ru', 'month');
    expect(ru[0]).toBe('Месяц');
    expect(ru).toContain('Активных педагогов за месяц');
    expect(ru).toContain('Педагогов с 3+ сообщениями за месяц');
    expect(ru).toContain('Зарегистрировано педагогов');
    expect(kpiTableHeader('ru')).toContain('Активных педагогов за неделю');
    expect(kpiTableRows('2023-04', rows, 'en')[0]?.[0]).toBe('2023-04');
  });
});
