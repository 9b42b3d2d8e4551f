import { ORG_CATEGORIES, type OrgCategory } from '@sferum/contracts';
import { formatCalendarMonth } from '../week/calendar-month';
import { parseIsoWeek } from '../week/iso-week';
import { NO_EVENT_FACTS, NO_REGISTRY_FACTS } from './federal-targets';
import { NO_REGISTRY_ONBOARDING } from '../onboarding/onboarding-funnel';
import { FEDERAL_THRESHOLDS_2023 } from './kpi-bands';
import { type ActivityCounters, buildKpiRows, type KpiRow, type ReportInput, type ReportOrganization } from './kpi-report';
import { buildWeeklyReport, reportMonthOf, type WeeklyReport, type WeeklyReportInput, type WeeklyReportSheet } from './weekly-report';

/** A no-break space, as the reports write "16 010" and "0,32 %". */
const _ = '\u00a0';
const W19 = parseIsoWeek('2023-W19');
const APRIL = { year: 2023, month: 4 };

/**
 * The reference region of the domain brief (report of 12 May 2023), as the
 * KPI rows the API answers (built by the real row builder from registry
 * organizations and activity counters):
 *   general education: 1,004 schools, 944 active (94%); 116,288 users;
 *   16,010 teachers of a headcount of 21,635 (74%); 100,278 students;
 *   2,655 teachers active in April; 109 / 52 / 66 in the week. Schools in
 *   three municipalities: nsk (999 schools, 941 active), berdsk (4, 2
 *   active: 50%, below norm at the edge), tiny (1 school, 4 teachers: a
 *   small cell);
 *   vocational colleges: 30, 22 active; 405 teachers of 540; 824 students;
 *   26 / 13 / 5; 120 active in April; all in nsk;
 *   adult education: one organization with 2 teachers, a small cell.
 */
interface Unit {
  readonly key: string;
  readonly counters: Partial<ActivityCounters>;
}

const counters = (c: Partial<ActivityCounters>): ActivityCounters => ({
  registeredUsers: 0,
  registeredTeachers: 0,
  registeredStudents: 0,
  registeredParents: 0,
  registeredTeachersWithoutHeadcount: 0,
  teachers3Messages: 0,
  teachers10Messages: 0,
  teachers1Call: 0,
  activeTeachers: 0,
  ...c,
});

const MUNICIPALITY_NAMES: Record<string, string> = { berdsk: 'г. Бердск', nsk: 'г. Новосибирск', tiny: 'Кыштовский район' };

/** `count` organizations of a category in a municipality, the first `active` of them active, `connected` of them connected (registry), each with `headcount`. */
function orgs(category: OrgCategory, municipality: string, count: number, active: number, headcount: number | null, facts: { connected?: number; journal?: number; label?: number } = {}) {
  return Array.from({ length: count }, (_, i): { org: ReportOrganization; active: boolean } => ({
    org: {
      orgId: `${category}-${municipality}-${i}`,
      orgName: `${category} ${i}`,
      municipalityId: municipality,
      municipalityName: MUNICIPALITY_NAMES[municipality] ?? municipality,
      category,
      teacherHeadcount: headcount,
      facts: { ...NO_REGISTRY_FACTS, connected: i < (facts.connected ?? 0), journal_linked: i < (facts.journal ?? 0), gov_label: i < (facts.label ?? 0) },
      onboarding: NO_REGISTRY_ONBOARDING,
    },
    active: i < active,
  }));
}

const REGISTRY = [
  // 999 x 21 + 4 x 162 + 8 = 21,635 teachers in the headcount.
  ...orgs('general', 'nsk', 999, 941, 21, { connected: 999, journal: 900, label: 500 }),
  ...orgs('general', 'berdsk', 4, 2, 162, { connected: 1, journal: 0, label: 2 }),
  ...orgs('general', 'tiny', 1, 1, 8, { connected: 0 }),
  ...orgs('spo', 'nsk', 30, 22, 18, { connected: 30, label: 15 }),
  ...orgs('additional_adult', 'nsk', 1, 1, null),
];

const GENERAL = { registeredUsers: 116_288, registeredTeachers: 16_010, registeredStudents: 100_278, teachers3Messages: 109, teachers10Messages: 52, teachers1Call: 66 };
const SPO = { registeredUsers: 1_229, registeredTeachers: 405, registeredStudents: 824, teachers3Messages: 26, teachers10Messages: 13, teachers1Call: 5 };
// No headcount in the registry: its registered teachers stand in for it (federal-targets.ts).
const ADULT = { registeredUsers: 2, registeredTeachers: 2, registeredTeachersWithoutHeadcount: 2, teachers3Messages: 1, teachers10Messages: 1, teachers1Call: 1 };

const WEEK_UNITS: Unit[] = [
  { key: 'category:general', counters: GENERAL },
  { key: 'category:spo', counters: SPO },
  { key: 'category:additional_adult', counters: ADULT },
  { key: 'municipality_category:nsk/general', counters: { registeredUsers: 110_000, registeredTeachers: 15_950, registeredStudents: 94_050, teachers3Messages: 90, teachers10Messages: 40, teachers1Call: 50 } },
  { key: 'municipality_category:berdsk/general', counters: { registeredUsers: 6_280, registeredTeachers: 56, registeredStudents: 6_224, teachers3Messages: 19, teachers10Messages: 12, teachers1Call: 16 } },
  { key: 'municipality_category:tiny/general', counters: { registeredUsers: 8, registeredTeachers: 4, registeredStudents: 4 } },
  { key: 'municipality_category:nsk/spo', counters: SPO },
  { key: 'municipality_category:nsk/additional_adult', counters: ADULT },
];
const MONTH_UNITS: Unit[] = [
  { key: 'category:general', counters: { ...GENERAL, activeTeachers: 2_655 } },
  { key: 'category:spo', counters: { ...SPO, activeTeachers: 120 } },
  { key: 'category:additional_adult', counters: { ...ADULT, activeTeachers: 2 } },
];

/** The rows of one answer, by the real row builder. */
function rows(units: readonly Unit[], over: Partial<ReportInput>): KpiRow[] {
  return buildKpiRows({
    region: { code: '54', name: 'Новосибирская область' },
    organizations: REGISTRY.map((o) => o.org),
    current: new Map(units.map((u) => [u.key, counters(u.counters)])),
    previous: new Map(),
    activeOrgs: new Set(REGISTRY.filter((o) => o.active).map((o) => o.org.orgId)),
    previousActiveOrgs: new Set(),
    orgFacts: NO_EVENT_FACTS,
    previousOrgFacts: NO_EVENT_FACTS,
    scope: {},
    teacherDenominator: 'registered',
    minTeacherDenominator: 5,
    thresholds: FEDERAL_THRESHOLDS_2023,
    weekMonday: '2023-05-08',
    previousWeekMonday: '2023-05-01',
    ...over,
  });
}

const weekCategories = rows(WEEK_UNITS, { groupBy: 'category' });
const monthCategories = rows(MONTH_UNITS, { groupBy: 'category', thresholds: [], weekMonday: '2023-04-01', previousWeekMonday: '2023-03-01' });
const municipalities = new Map(['general', 'spo', 'additional_adult'].map((c) => [c, rows(WEEK_UNITS, { groupBy: 'municipality', scope: { category: c as OrgCategory } })]));

const input = (over: Partial<WeeklyReportInput> = {}): WeeklyReportInput => ({
  lang: 'ru',
  region: { code: '54', name: 'Новосибирская область', timeZone: 'Asia/Novosibirsk' },
  week: W19,
  month: APRIL,
  partial: false,
  // Out of order on purpose: the sheets follow ORG_CATEGORIES.
  categories: [...weekCategories].reverse(),
  monthCategories,
  municipalities,
  settings: { teacherDenominator: 'registered', minTeacherDenominator: 5 },
  generatedAt: '2023-05-15T02:00:00.000Z',
  ...over,
});

const sheetOf = (report: WeeklyReport, category: OrgCategory): WeeklyReportSheet => {
  const sheet = report.sheets.find((s) => s.category === category);
  if (sheet === undefined) throw new Error(`no sheet of ${category}`);
  return sheet;
};
const blocksOf = (sheet: WeeklyReportSheet, section: string) => sheet.sections.find((s) => s.id === section)!.blocks.map((b) => b.text);
const tableOf = (sheet: WeeklyReportSheet) => sheet.table.rows.map((r) => r.cells.map((c) => c.text));

describe('the weekly report', () => {
  describe('the month of "teachers active in <month>": the last calendar month complete at the week end', () => {
    it.each([
      ['2023-W19', '2023-04'], // 8-14 May: April, as in the brief's report of 12 May
      ['2023-W18', '2023-04'], // 1-7 May
      ['2023-W17', '2023-04'], // 24-30 April: April is over when the week is
      ['2023-W13', '2023-03'], // 27 March - 2 April: April is not over
      ['2021-W01', '2020-12'], // 4-10 January
      ['2020-W53', '2020-12'], // 28 December 2020 - 3 January 2021
    ])('%s -> %s, in every zone of Russia', (week, month) => {
      for (const zone of ['Europe/Kaliningrad', 'Asia/Novosibirsk', 'Asia/Kamchatka']) {
        expect(formatCalendarMonth(reportMonthOf(parseIsoWeek(week), zone))).toBe(month);
      }
    });
  });

  describe('in Russian: the brief reference region', () => {
    const report = buildWeeklyReport(input());
    const general = sheetOf(report, 'general');
    const spo = sheetOf(report, 'spo');

    it('one sheet per category present in the region, in the order of the categories, with the region, week and month', () => {
      expect(report.sheets.map((s) => [s.category, s.sheetName])).toEqual([
        ['general', 'Общее образование'],
        ['spo', 'СПО'],
        ['additional_adult', 'Доп. образование взрослых'],
      ]);
      expect(report).toMatchObject({ lang: 'ru', region: '54', week: '2023-W19', month: '2023-04', partial: false, generatedAt: '2023-05-15T02:00:00.000Z' });
      expect(report.title).toBe('Новосибирская область: отчёт «Сферума» за неделю 2023-W19');
      expect(report.lines).toEqual(['Неделя 2023-W19: с 08.05.2023 по 14.05.2023, часовой пояс Asia/Novosibirsk', 'Активность за месяц: апрель 2023']);
      expect(general.title).toBe('Новосибирская область — Общее образование (школы и их филиалы)');
      // Made at 02:00 UTC on Monday: 09:00 in Novosibirsk.
      expect(report.footer).toBe('Показатели «Сферума» · сформировано 15.05.2023 09:00 (Asia/Novosibirsk)');
    });

    it("general education: the slide's blocks, as the brief prints them", () => {
      expect(blocksOf(general, 'counters')).toEqual([
        'Активных школ (есть 2 и более пользователей) – 94%',
        `Зарегистрировано пользователей – 116${_}288`,
        `Зарегистрированных учителей – 16${_}010 (74%)`,
        `Обучающихся – 100${_}278`,
        `Учителей, активных в апреле – 2${_}655`,
        'Учителей, написавших не менее 3 сообщений за неделю – 109',
        'Учителей, написавших не менее 10 сообщений за неделю – 52',
        'Учителей, совершивших не менее 1 звонка за неделю – 66',
      ]);
      expect(general.sections.map((s) => s.heading)).toEqual(['Основные показатели', `Федеральные цели (100${_}%)`, 'Федеральные показатели с оценкой']);
    });

    it('general education: the federal targets with what is missing to 100%', () => {
      expect(blocksOf(general, 'targets')).toEqual([
        `Подключено организаций – 99,60${_}% (1${_}000 из 1${_}004); до 100${_}% не хватает 0,40${_}%`,
        `Зарегистрировано педагогов от штатной численности – 74,00${_}% (16${_}010 из 21${_}635); до 100${_}% не хватает 26,00${_}%`,
        `Школ с подключённым электронным журналом – 89,64${_}% (900 из 1${_}004); до 100${_}% не хватает 10,36${_}%`,
        `Организаций с отметкой «Госорганизация» – 50,00${_}% (502 из 1${_}004); до 100${_}% не хватает 50,00${_}%`,
      ]);
    });

    it("general education: the banded indicators with their band words (the brief's worked example)", () => {
      const indicators = general.sections.find((s) => s.id === 'indicators')!.blocks;
      expect(indicators.map((b) => [b.id, b.text, b.tone])).toEqual([
        ['active_schools', `Доля активных школ (есть 2 и более пользователей) – 94,02${_}% (944 из 1${_}004) – хороший`, 'good'],
        ['teachers_10_messages', `Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – 0,32${_}% (52 из 16${_}010) – ниже нормы`, 'below_norm'],
        ['teachers_1_call', `Учителя, совершившие не менее 1 звонка за неделю – 0,41${_}% (66 из 16${_}010) – ниже нормы`, 'below_norm'],
      ]);
    });

    it('general education: the municipalities traffic-light table, with band words, tones, a small cell and the total', () => {
      expect(general.table.heading).toBe('Муниципальные образования');
      expect(general.table.header).toEqual([
        'Муниципальное образование',
        'Организации',
        'Зарегистрированные учителя',
        'Доля активных школ (есть 2 и более пользователей)',
        'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю',
        'Учителя, совершившие не менее 1 звонка за неделю',
      ]);
      expect(tableOf(general)).toEqual([
        // 2 of 4 schools is 50%: at the lower edge, below norm; 12 of 56 is 21.43%, average; 16 of 56 is 28.57%, good.
        ['г. Бердск', '4', '56', `50,00${_}% – ниже нормы`, `21,43${_}% – средний`, `28,57${_}% – хороший`],
        ['г. Новосибирск', '999', `15${_}950`, `94,19${_}% – хороший`, `0,25${_}% – ниже нормы`, `0,31${_}% – ниже нормы`],
        ['Кыштовский район', '1', '4', `100,00${_}% – хороший`, 'малая группа: менее 5 педагогов', 'малая группа: менее 5 педагогов'],
        ['Итого', `1${_}004`, `16${_}010`, `94,02${_}% – хороший`, `0,32${_}% – ниже нормы`, `0,41${_}% – ниже нормы`],
      ]);
      expect(general.table.rows.map((r) => r.cells.slice(3).map((c) => c.tone))).toEqual([
        ['below_norm', 'average', 'good'],
        ['good', 'below_norm', 'below_norm'],
        ['good', 'withheld', 'withheld'],
        ['good', 'below_norm', 'below_norm'],
      ]);
      expect(general.table.rows.map((r) => [r.id, r.total, r.cells[1]?.count, r.cells[2]?.count])).toEqual([
        ['berdsk', false, 4, 56],
        ['nsk', false, 999, 15_950],
        ['tiny', false, 1, 4],
        ['general', true, 1_004, 16_010],
      ]);
    });

    it('vocational colleges: "Активных организаций", teaching staff, active_orgs banded, no journal target (it counts schools)', () => {
      expect(blocksOf(spo, 'counters')).toEqual([
        'Активных организаций (есть 2 и более пользователей) – 73%',
        `Зарегистрировано пользователей – 1${_}229`,
        'Зарегистрированных педагогов – 405 (75%)',
        'Обучающихся – 824',
        'Педагогов, активных в апреле – 120',
        'Педагогов, написавших не менее 3 сообщений за неделю – 26',
        'Педагогов, написавших не менее 10 сообщений за неделю – 13',
        'Педагогов, совершивших не менее 1 звонка за неделю – 5',
      ]);
      expect(blocksOf(spo, 'targets')).toEqual([
        `Подключено организаций – 100,00${_}% (30 из 30); цель 100${_}% достигнута`,
        `Зарегистрировано педагогов от штатной численности – 75,00${_}% (405 из 540); до 100${_}% не хватает 25,00${_}%`,
        `Организаций с отметкой «Госорганизация» – 50,00${_}% (15 из 30); до 100${_}% не хватает 50,00${_}%`,
      ]);
      expect(blocksOf(spo, 'indicators')).toEqual([
        `Доля активных организаций (есть 2 и более пользователей) – 73,33${_}% (22 из 30) – средний`,
        `Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – 3,21${_}% (13 из 405) – ниже нормы`,
        `Учителя, совершившие не менее 1 звонка за неделю – 1,23${_}% (5 из 405) – хороший`,
      ]);
      expect(spo.table.header.slice(2, 4)).toEqual(['Зарегистрированные педагоги', 'Доля активных организаций (есть 2 и более пользователей)']);
      expect(tableOf(spo)).toEqual([
        ['г. Новосибирск', '30', '405', `73,33${_}% – средний`, `3,21${_}% – ниже нормы`, `1,23${_}% – хороший`],
        ['Итого', '30', '405', `73,33${_}% – средний`, `3,21${_}% – ниже нормы`, `1,23${_}% – хороший`],
      ]);
    });

    it('a category that is a small cell: its counts shown, what its teachers did withheld in words, never a number', () => {
      const adult = sheetOf(report, 'additional_adult');
      const counters = adult.sections.find((s) => s.id === 'counters')!.blocks;
      expect(counters.map((b) => [b.text, b.tone])).toEqual([
        ['Активных организаций (есть 2 и более пользователей) – 100%', 'none'],
        ['Зарегистрировано пользователей – 2', 'none'],
        // No headcount in the registry: the registered teachers stand in for it, as in the target.
        ['Зарегистрированных педагогов – 2 (100%)', 'none'],
        ['Обучающихся – 0', 'none'],
        ['Педагогов, активных в апреле – не показано (малая группа: менее 5 педагогов)', 'withheld'],
        ['Педагогов, написавших не менее 3 сообщений за неделю – не показано (малая группа: менее 5 педагогов)', 'withheld'],
        ['Педагогов, написавших не менее 10 сообщений за неделю – не показано (малая группа: менее 5 педагогов)', 'withheld'],
        ['Педагогов, совершивших не менее 1 звонка за неделю – не показано (малая группа: менее 5 педагогов)', 'withheld'],
      ]);
      expect(blocksOf(adult, 'indicators').slice(1)).toEqual([
        'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – малая группа: менее 5 педагогов',
        'Учителя, совершившие не менее 1 звонка за неделю – малая группа: менее 5 педагогов',
      ]);
      // Without a headcount the registered-teachers target counts the registered teachers themselves (federal-targets.ts).
      expect(blocksOf(adult, 'targets')).toEqual([
        `Подключено организаций – 0,00${_}% (0 из 1); до 100${_}% не хватает 100,00${_}%`,
        `Зарегистрировано педагогов от штатной численности – 100,00${_}% (2 из 2); цель 100${_}% достигнута`,
        `Организаций с отметкой «Госорганизация» – 0,00${_}% (0 из 1); до 100${_}% не хватает 100,00${_}%`,
      ]);
      expect(JSON.stringify(adult)).not.toMatch(/– 1\b/); // the teacher's 1 message and 1 call nowhere
    });

    it('notes under each sheet: the band rule, the denominator, the month, the small cell', () => {
      expect(general.notes).toEqual([
        'Оценка — по федеральным порогам, действующим на понедельник недели: значение не выше нижней границы — «ниже нормы», не ниже верхней — «хороший», между ними — «средний».',
        'Доли учителей — от числа зарегистрированных учителей; процент у зарегистрированных учителей — от штатной численности; сообщения — в групповых чатах.',
        'Учителей, активных в апреле: с любой активностью за календарный месяц (апрель 2023, последний полный месяц на конец недели, часовой пояс Asia/Novosibirsk).',
        'Малая группа (менее 5 педагогов): доли учителей и числа активных учителей не показываются, чтобы по ним нельзя было узнать неделю отдельного человека.',
      ]);
      const headcount = buildWeeklyReport(input({ settings: { teacherDenominator: 'headcount', minTeacherDenominator: 21 } }));
      expect(sheetOf(headcount, 'spo').notes[1]).toContain('Доли учителей — от штатной численности учителей; процент у зарегистрированных педагогов');
      expect(sheetOf(headcount, 'spo').notes[3]).toMatch(/^Малая группа \(менее 21 педагога\)/);
    });
  });

  describe('in English', () => {
    const report = buildWeeklyReport(input({ lang: 'en' }));

    it('the same blocks and table in English words and numbers', () => {
      const general = sheetOf(report, 'general');
      expect(report.title).toBe('Новосибирская область: Sferum weekly report, 2023-W19');
      expect(report.lines).toEqual(['Week 2023-W19: 2023-05-08 to 2023-05-14, Asia/Novosibirsk', 'Monthly activity: April 2023']);
      expect(report.footer).toBe('Sferum KPI · generated 2023-05-15T02:00:00.000Z');
      expect(report.sheets.map((s) => s.sheetName)).toEqual(['General education', 'Vocational (SPO)', 'Adult education']);
      expect(blocksOf(general, 'counters')).toEqual([
        'Active schools (2 or more users) – 94%',
        'Registered users – 116,288',
        'Registered teachers – 16,010 (74%)',
        'Students – 100,278',
        'Teachers active in April – 2,655',
        'Teachers who wrote at least 3 messages in the week – 109',
        'Teachers who wrote at least 10 messages in the week – 52',
        'Teachers who made at least 1 call in the week – 66',
      ]);
      expect(blocksOf(general, 'targets')[0]).toBe('Organizations connected – 99.60% (1,000 of 1,004); 0.40% short of 100%');
      expect(blocksOf(sheetOf(report, 'spo'), 'targets')[0]).toBe('Organizations connected – 100.00% (30 of 30); target of 100% reached');
      expect(blocksOf(general, 'indicators')[1]).toBe('Teachers who wrote at least 10 messages in group chats during the week – 0.32% (52 of 16,010) – below norm');
      expect(tableOf(general)[2]).toEqual(['Кыштовский район', '1', '4', '100.00% – good', 'small cell: fewer than 5 teachers', 'small cell: fewer than 5 teachers']);
      expect(tableOf(general)[3]?.[0]).toBe('Total');
      expect(blocksOf(sheetOf(report, 'additional_adult'), 'counters')[4]).toBe('Teachers active in April – withheld (small cell: fewer than 5 teachers)');
    });
  });

  describe('edges', () => {
    it('every category has a sheet name a spreadsheet takes (at most 31 characters, none of :\\/?*[]), unique, in both languages', () => {
      const all = rows(
        ORG_CATEGORIES.map((c) => ({ key: `category:${c}`, counters: { registeredUsers: 10, registeredTeachers: 10 } })),
        { groupBy: 'category', organizations: ORG_CATEGORIES.map((c) => orgs(c, 'nsk', 1, 1, 10)[0]!.org), activeOrgs: new Set() },
      );
      for (const lang of ['ru', 'en'] as const) {
        const report = buildWeeklyReport(input({ lang, categories: all, monthCategories: [], municipalities: new Map() }));
        const names = report.sheets.map((s) => s.sheetName);
        expect(report.sheets.map((s) => s.category)).toEqual([...ORG_CATEGORIES]);
        expect(new Set(names).size).toBe(ORG_CATEGORIES.length);
        for (const name of names) {
          expect(name.length).toBeLessThanOrEqual(31);
          expect(name).not.toMatch(/[:\\/?*[\]]/);
        }
      }
    });

    it('whole percentages are rounded once from the exact fraction: 14,699 of 20,000 (73.495%) is 73%, not 74%', () => {
      const row = weekCategories.find((r) => r.id === 'general')!;
      const close: KpiRow = { ...row, counters: { ...row.counters, registered_teachers: 14_699 }, targets: { ...row.targets, teachers_registered: { ...row.targets.teachers_registered, numerator: 14_699, denominator: 20_000 } } };
      const report = buildWeeklyReport(input({ categories: [close] }));
      expect(blocksOf(sheetOf(report, 'general'), 'counters')[2]).toBe(`Зарегистрированных учителей – 14${_}699 (73%)`);
    });

    it('no teacher and no headcount: the registered teachers without a share of nothing', () => {
      const row = weekCategories.find((r) => r.id === 'spo')!;
      const none: KpiRow = { ...row, counters: { ...row.counters, registered_teachers: 0 }, targets: { ...row.targets, teachers_registered: { numerator: 0, denominator: 0, value: null, gap: null, previous: null } } };
      const spo = sheetOf(buildWeeklyReport(input({ categories: [none] })), 'spo');
      expect(blocksOf(spo, 'counters')[2]).toBe('Зарегистрированных педагогов – 0');
      expect(spo.sections.find((s) => s.id === 'targets')!.blocks.map((b) => b.id)).toEqual(['orgs_connected', 'orgs_gov_label']);
    });

    it('an indicator with no threshold in force, or nothing to count: said so, uncoloured', () => {
      const row = weekCategories.find((r) => r.id === 'spo')!;
      const unjudged: KpiRow = {
        ...row,
        kpis: { ...row.kpis, active_orgs: { ...row.kpis.active_orgs, band: null }, teachers_1_call: { numerator: 0, denominator: 0, value: null, band: null, previous: null } },
      };
      const spo = sheetOf(buildWeeklyReport(input({ categories: [unjudged], municipalities: new Map([['spo', [unjudged]]]) })), 'spo');
      expect(spo.sections.find((s) => s.id === 'indicators')!.blocks.map((b) => [b.text, b.tone])).toEqual([
        [`Доля активных организаций (есть 2 и более пользователей) – 73,33${_}% (22 из 30) – без оценки`, 'none'],
        [`Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – 3,21${_}% (13 из 405) – ниже нормы`, 'below_norm'],
        ['Учителя, совершившие не менее 1 звонка за неделю – нет данных', 'none'],
      ]);
      expect(tableOf(spo)[0]?.slice(3)).toEqual([`73,33${_}% – без оценки`, `3,21${_}% – ниже нормы`, '—']);
    });

    it("a category the month's answer has no row of (the registry changed between the answers): a dash, not a zero", () => {
      const report = buildWeeklyReport(input({ monthCategories: [] }));
      expect(blocksOf(sheetOf(report, 'general'), 'counters')[4]).toBe('Учителей, активных в апреле – —');
    });

    it('a week not over says so; a region without organizations has no sheet and says why', () => {
      expect(buildWeeklyReport(input({ partial: true })).lines).toContain('неделя ещё не закончилась: данные на текущий момент');
      const empty = buildWeeklyReport(input({ categories: [], monthCategories: [], municipalities: new Map() }));
      expect(empty.sheets).toEqual([]);
      expect(empty.lines).toEqual(['Неделя 2023-W19: с 08.05.2023 по 14.05.2023, часовой пояс Asia/Novosibirsk', 'Активность за месяц: апрель 2023', 'В реестре нет организаций региона.']);
    });

    it('a category without municipality rows still has its total row; the week line crosses a year', () => {
      const report = buildWeeklyReport(input({ municipalities: new Map(), week: parseIsoWeek('2020-W53'), month: { year: 2020, month: 12 } }));
      expect(tableOf(sheetOf(report, 'spo')).map((r) => r[0])).toEqual(['Итого']);
      expect(report.lines.slice(0, 2)).toEqual(['Неделя 2020-W53: с 28.12.2020 по 03.01.2021, часовой пояс Asia/Novosibirsk', 'Активность за месяц: декабрь 2020']);
      expect(blocksOf(sheetOf(report, 'general'), 'counters')[4]).toBe(`Учителей, активных в декабре – 2${_}655`);
    });
  });
});
