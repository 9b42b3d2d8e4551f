import { ORG_CATEGORIES, type OrgCategory } from '@sferum/contracts';
import { formatCalendarMonth } from '../week/calendar-month';
import { parseIsoWeek } from '../week/iso-week';
import { NO_EVENT_FACTS, NO_REGISTRY_FACTS } from './federal-targets';
import { buildFunnel, NO_REGISTRY_ONBOARDING, type OrganizationOnboarding } from '../onboarding/onboarding-funnel';
import { FEDERAL_THRESHOLDS_2023 } from './kpi-bands';
import { type ActivityCounters, buildKpiRows, type KpiRow, type ReportInput, type ReportOrganization } from './kpi-report';
import { type ReportFunnel } from './report-format';
import { buildWeeklyReport, categoryName, reportMonthOf, WEEKLY_PAGE_STUCK_ROWS, type WeeklyReport, type WeeklyReportInput, type WeeklyReportSheet } from './weekly-report';

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

/** The end of 2023-W19 in Novosibirsk (UTC+7): Monday 15 May 00:00, the instant the week's funnel is taken at. */
const W19_END_MS = Date.parse('2023-05-14T17:00:00Z');
const place = (step: number, stepId: OrganizationOnboarding['stepId'], since: string | null): OrganizationOnboarding => ({ step, stepId, sinceMs: since === null ? null : Date.parse(since) });

/**
 * Where the registry's organizations stand in the onboarding funnel at the
 * week's end (what onboardingOf would make of their evidence):
 *   general, 1,004: nsk 0-849 done (step 8); nsk 850-940 at step 7 since
 *     20 April 10:00 local (24 days: stuck); nsk 941-998 connected with no
 *     date (step 2, never stuck); berdsk 0 at step 4 for 4 days; berdsk 1 at
 *     step 3 since 10 April (35 days); berdsk 2 and 3 not started; tiny 0 at
 *     step 1 since 27 March (49 days, the longest);
 *   spo, 30: all done;
 *   additional_adult, 1: at step 6 since 2 May (13 days: not stuck).
 */
const PLACES = new Map<string, OrganizationOnboarding>([
  ...Array.from({ length: 999 }, (_, i): [string, OrganizationOnboarding] => [
    `general-nsk-${i}`,
    i < 850 ? place(8, 'chats_created', '2023-04-01T03:00:00Z') : i <= 940 ? place(7, 'staff_active', '2023-04-20T03:00:00Z') : place(2, 'passed_to_coordinators', null),
  ]),
  ['general-berdsk-0', place(4, 'admin_registered', '2023-05-10T03:00:00Z')],
  ['general-berdsk-1', place(3, 'admins_informed', '2023-04-09T17:00:00Z')],
  ['general-tiny-0', place(1, 'list_collected', '2023-03-26T17:00:00Z')],
  ...Array.from({ length: 30 }, (_, i): [string, OrganizationOnboarding] => [`spo-nsk-${i}`, place(8, 'chats_created', '2023-03-21T03:00:00Z')]),
  ['additional_adult-nsk-0', place(6, 'staff_registered', '2023-05-01T17:00:00Z')],
]);

/** The funnel of the week by category, as GET /v1/funnel answers it (the real builder). */
function funnelOf(stuckDays = 14, places: ReadonlyMap<string, OrganizationOnboarding> = PLACES): ReportFunnel {
  const { rows, stuck } = buildFunnel({
    region: { code: '54', name: 'Новосибирская область' },
    organizations: REGISTRY.map((o) => o.org),
    onboarding: places,
    groupBy: 'category',
    scope: {},
    atMs: W19_END_MS,
    stuckDays,
  });
  return { at: new Date(W19_END_MS).toISOString(), partial: false, stuckDays, rows, stuck };
}

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
  funnel: funnelOf(),
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
      // The teacher's 1 message and 1 call nowhere (the funnel counts organizations: its one organization is no one's week).
      expect(JSON.stringify({ ...adult, funnel: null })).not.toMatch(/– 1\b/);
    });

    it('notes under each sheet: the band rule, the denominator, the month, the small cell', () => {
      expect(general.notes).toEqual([
        'Оценка — по федеральным порогам, действующим на понедельник недели: значение не выше нижней границы — «ниже нормы», не ниже верхней — «хороший», между ними — «средний».',
        'Доли учителей — от числа зарегистрированных учителей; процент у зарегистрированных учителей — от штатной численности; сообщения — в групповых чатах.',
        'Учителей, активных в апреле: с любой активностью за календарный месяц (апрель 2023, последний полный месяц на конец недели, часовой пояс Asia/Novosibirsk).',
        'Малая группа (менее 5 педагогов): доли учителей и числа активных учителей не показываются, чтобы по ним нельзя было узнать неделю отдельного человека.',
        'Воронка подключения: шаг организации — последний из 8 шагов порядка подключения, о котором есть сведения до конца недели (даты в реестре организаций или события платформы); шаги до него считаются пройденными. ' +
          '«На шаге более 14 дней» — организации, которые стоят на своём шаге (до 8-го) дольше 14 дней: с ними стоит связаться в первую очередь.',
      ]);
      const headcount = buildWeeklyReport(input({ settings: { teacherDenominator: 'headcount', minTeacherDenominator: 21 } }));
      expect(sheetOf(headcount, 'spo').notes[1]).toContain('Доли учителей — от штатной численности учителей; процент у зарегистрированных педагогов');
      expect(sheetOf(headcount, 'spo').notes[3]).toMatch(/^Малая группа \(менее 21 педагога\)/);
    });
  });

  describe('the onboarding funnel of each category', () => {
    const report = buildWeeklyReport(input());
    const general = sheetOf(report, 'general').funnel;
    const cells = (rows: readonly { cells: readonly { text: string; count?: number }[] }[]) => rows.map((r) => r.cells.map((c) => c.count ?? c.text));

    it('general education: its totals, when it is taken, and per step how many reached it, stand at it and are stuck there', () => {
      expect(general.heading).toBe('Воронка подключения');
      expect(general.lines).toEqual([
        `Организаций – 1${_}004; не начинали подключение – 2; прошли все 8 шагов – 850`,
        'На 15.05.2023 00:00 (Asia/Novosibirsk), конец недели',
      ]);
      expect(general.steps.header).toEqual(['Шаг подключения', 'Дошли до шага', 'На шаге', 'На шаге более 14 дней']);
      expect(general.steps.rows.map((r) => r.id)).toEqual([
        'list_collected',
        'passed_to_coordinators',
        'admins_informed',
        'admin_registered',
        'structure_built',
        'staff_registered',
        'staff_active',
        'chats_created',
      ]);
      // At each step: tiny 0; the 58 connected; berdsk 1; berdsk 0; none; none; the 91 of nsk 850-940; the 850 done.
      expect(cells(general.steps.rows)).toEqual([
        ['1. Собран список организаций без профиля и контакты администраторов', 1_002, 1, 1],
        ['2. Список передан федеральным координаторам, профиль создан', 1_001, 58, 0],
        ['3. Администраторы проинформированы о регистрации', 943, 1, 1],
        ['4. Администратор зарегистрировался', 942, 1, 0],
        ['5. Создана структура организации и ссылки-приглашения', 941, 0, 0],
        ['6. Сотрудники зарегистрировались', 941, 0, 0],
        ['7. Сотрудники пользуются мессенджером или веб-версией', 941, 91, 91],
        ['8. Созданы чаты коллектива и классов', 850, 850, 0],
      ]);
      expect(general.steps.rows[0]!.cells[1]).toEqual({ text: `1${_}002`, count: 1_002, tone: 'none' });
    });

    it('general education: the organizations stuck at their step, the longest first, with the day they reached it in the region', () => {
      expect(general.stuck.heading).toBe('Организации на шаге более 14 дней – 93');
      expect(general.stuck.header).toEqual(['Организация', 'Дней на шаге', 'На шаге с', 'Шаг подключения', 'Муниципальное образование', 'Идентификатор организации']);
      expect(general.stuck.none).toBeNull();
      expect(general.stuck.rows).toHaveLength(93);
      expect(cells(general.stuck.rows.slice(0, 4))).toEqual([
        ['general 0', 49, '27.03.2023', '1. Собран список организаций без профиля и контакты администраторов', 'Кыштовский район', 'general-tiny-0'],
        ['general 1', 35, '10.04.2023', '3. Администраторы проинформированы о регистрации', 'г. Бердск', 'general-berdsk-1'],
        // 20 April 10:00 in Novosibirsk: 24 days and 14 hours before the week's end.
        ['general 850', 24, '20.04.2023', '7. Сотрудники пользуются мессенджером или веб-версией', 'г. Новосибирск', 'general-nsk-850'],
        ['general 851', 24, '20.04.2023', '7. Сотрудники пользуются мессенджером или веб-версией', 'г. Новосибирск', 'general-nsk-851'],
      ]);
      expect(general.stuck.rows.at(-1)?.id).toBe('general-nsk-940');
      // Names are names (left-aligned, never read as figures); the days a count.
      expect(general.stuck.rows[0]!.cells.map((c) => [c.name ?? false, c.count !== undefined])).toEqual([
        [false, false],
        [false, true],
        [false, false],
        [true, false],
        [true, false],
        [true, false],
      ]);
      // The page shows the first 50 and says how many more the workbook has.
      expect([general.stuck.pageRows, WEEKLY_PAGE_STUCK_ROWS]).toEqual([50, 50]);
      expect(general.stuck.pageMore).toBe('и ещё 43 организации; полный список — в XLSX');
    });

    it('a category with none stuck says so; one under the limit needs no "more"; a step reached 13 days ago is not stuck', () => {
      const spo = sheetOf(report, 'spo').funnel;
      expect(spo.lines[0]).toBe('Организаций – 30; не начинали подключение – 0; прошли все 8 шагов – 30');
      expect(spo.stuck).toMatchObject({ heading: 'Организации на шаге более 14 дней – 0', rows: [], none: 'Нет организаций, которые стоят на шаге более 14 дней.', pageMore: null });
      const adult = sheetOf(report, 'additional_adult').funnel;
      expect(cells(adult.steps.rows)[5]).toEqual(['6. Сотрудники зарегистрировались', 1, 1, 0]);
      expect(adult.stuck.none).toBe('Нет организаций, которые стоят на шаге более 14 дней.');
    });

    it('the stuck organizations of the category only, in the funnel order whatever the input order', () => {
      const funnel = funnelOf();
      const shuffled = buildWeeklyReport(input({ funnel: { ...funnel, stuck: [...funnel.stuck].reverse() } }));
      expect(sheetOf(shuffled, 'general').funnel.stuck.rows.map((r) => r.id)).toEqual(general.stuck.rows.map((r) => r.id));
      expect(sheetOf(shuffled, 'spo').funnel.stuck.rows).toEqual([]);
    });

    it('the limit of stuck days in the words: "более 21 дня", "более 1 дня", "более 2 дней"; fewer stuck with a longer limit', () => {
      const of = (days: number) => sheetOf(buildWeeklyReport(input({ funnel: funnelOf(days) })), 'general').funnel;
      expect(of(21).steps.header[3]).toBe('На шаге более 21 дня');
      // 24 days is more than 21: the same 93; more than 30 days: tiny 0 and berdsk 1 only.
      expect(of(21).stuck.heading).toBe('Организации на шаге более 21 дня – 93');
      expect(of(30).stuck.heading).toBe('Организации на шаге более 30 дней – 2');
      expect(of(30).stuck.pageMore).toBeNull();
      expect(of(1).steps.header[3]).toBe('На шаге более 1 дня');
      // Berdsk 0's 4 days count from 2 days on.
      expect(cells(of(2).steps.rows)[3]).toEqual(['4. Администратор зарегистрировался', 942, 1, 1]);
      expect(sheetOf(buildWeeklyReport(input({ funnel: funnelOf(2) })), 'general').notes.at(-1)).toContain('«На шаге более 2 дней»');
    });

    it('a week not over says the funnel is so far; a category the funnel has no row of shows dashes, not zeros', () => {
      const partial = buildWeeklyReport(input({ partial: true, funnel: { ...funnelOf(), partial: true, at: '2023-05-12T05:00:00.000Z' } }));
      expect(sheetOf(partial, 'general').funnel.lines[1]).toBe('На 12.05.2023 12:00 (Asia/Novosibirsk): неделя ещё не закончилась');
      const funnel = funnelOf();
      const missing = sheetOf(buildWeeklyReport(input({ funnel: { ...funnel, rows: funnel.rows.filter((r) => r.id !== 'spo') } })), 'spo').funnel;
      expect(missing.lines[0]).toBe('Организаций – —; не начинали подключение – —; прошли все 8 шагов – —');
      expect(missing.steps.rows.map((r) => r.cells.slice(1).map((c) => [c.text, c.count]))).toEqual(Array(8).fill([['—', undefined], ['—', undefined], ['—', undefined]]));
    });

    it('in English', () => {
      const en = sheetOf(buildWeeklyReport(input({ lang: 'en' })), 'general').funnel;
      expect(en.heading).toBe('Onboarding funnel');
      expect(en.lines).toEqual(['Organizations – 1,004; not started – 2; all 8 steps done – 850', "As at 2023-05-14T17:00:00.000Z, the week's end"]);
      expect(en.steps.header).toEqual(['Onboarding step', 'Reached the step', 'At the step', 'At it for more than 14 days']);
      expect(en.steps.rows[3]!.cells[0]!.text).toBe('4. Administrator registered');
      expect(en.stuck.heading).toBe('Organizations at their step for more than 14 days – 93');
      expect(en.stuck.rows[0]!.cells.map((c) => c.text)).toEqual(['general 0', '49', '2023-03-27', "1. List collected, administrators' contacts gathered", 'Кыштовский район', 'general-tiny-0']);
      expect(en.stuck.pageMore).toBe('and 43 more; the workbook lists them all');
    });

    it('names the categories as the sheets do', () => {
      expect([categoryName('additional', 'ru'), categoryName('additional', 'en'), categoryName('unknown', 'ru')]).toEqual(['Доп. образование детей', 'Additional education', 'unknown']);
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
