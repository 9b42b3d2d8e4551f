/**
 * The weekly report a coordinator sends to the ministry: per category of
 * organization present in the region, the blocks of the brief's slides
 * ("Активных школ (есть 2 и более пользователей) – 94%", "Зарегистрированных
 * учителей – 16 010 (74%)", "Учителей, активных в апреле – 2 655", ...), the
 * federal targets with their gap to 100%, the banded indicators with their
 * band words, and the municipalities' traffic-light table. What is said and
 * in which words is decided here, once; the KPI service only fetches the
 * answers this reads and writes the result as a workbook
 * (GET /v1/report.xlsx) or a printable page (GET /report/weekly), so that
 * the two cannot say different things.
 *
 * It reads KPI rows as the API answers them (kpi-report.ts):
 *   - the week, grouped by category: the blocks, targets and indicators;
 *   - the month of reportMonthOf(week), grouped by category: "teachers
 *     active in <month>" (active_teachers of a month answer);
 *   - per category, the week grouped by municipality within it: the table;
 *   - the onboarding funnel at the week's end grouped by category
 *     (GET /v1/funnel, libs/domain/src/onboarding): the category's row, its
 *     counts per step, and its organizations stuck at their step.
 * A small cell's withheld figures are never shown: the report says
 * "малая группа" instead, with the region's minimum.
 */
import { type Band, type KpiId, ONBOARDING_STEPS, ORG_CATEGORIES, type OrgCategory, TARGET_IDS, type TeacherDenominator } from '@sferum/contracts';
import { type StuckOrganization } from '../onboarding/onboarding-funnel';
import { addMonths, type CalendarMonth, currentMonth, formatCalendarMonth } from '../week/calendar-month';
import { addWeeks, formatIsoWeek, formatLocalDate, type IsoWeek, mondayOf, weekBounds } from '../week/iso-week';
import { type KpiRow, type KpiRowValue } from './kpi-report';
import { percentRounded } from './percent';
import {
  BAND_WORDS,
  fewerTeachers,
  formatCount,
  formatDate,
  formatInstant,
  formatLocalDay,
  formatPercent,
  formatPercentDigits,
  FUNNEL_WORDS,
  funnelStepLabel,
  INDICATOR_NAMES,
  type ReportFunnel,
  type ReportLang,
  smallCellWords,
  TARGET_NAMES,
} from './report-format';

/**
 * The month whose active teachers a week's report shows: the last calendar
 * month complete at the week's end (next Monday 00:00 in the region's
 * zone). 2023-W19 (8-14 May) -> April 2023; a week ending on the last day
 * of a month (2023-W17, 24-30 April) -> that month; 2021-W01 (4-10 January)
 * -> December 2020. It is the month before the one the week's end falls in,
 * so it is complete whenever the week is.
 */
export function reportMonthOf(week: IsoWeek, timeZone: string): CalendarMonth {
  return addMonths(currentMonth(weekBounds(week, timeZone).endMs, timeZone), -1);
}

/** How a figure is coloured: by its band, grey when withheld (a small cell), or not at all. */
export type ReportTone = Band | 'withheld' | 'none';

export interface WeeklyReportBlock {
  /** What the block is of: a counter, a target id or a KPI id (data-block on the page). */
  readonly id: string;
  readonly text: string;
  readonly tone: ReportTone;
}

export type WeeklyReportSectionId = 'counters' | 'targets' | 'indicators';

export interface WeeklyReportSection {
  readonly id: WeeklyReportSectionId;
  readonly heading: string;
  readonly blocks: readonly WeeklyReportBlock[];
}

export interface WeeklyReportCell {
  readonly text: string;
  /** Set on a count: the number itself (a number cell in the workbook). */
  readonly count?: number;
  readonly tone: ReportTone;
  /** A name (an organization, a municipality, a step), not a figure: written left-aligned. The first cell of a row always is one. */
  readonly name?: boolean;
}

export interface WeeklyReportTableRow {
  /** The municipality id, or the category id on the total row. */
  readonly id: string;
  /** The last row: the category as a whole. */
  readonly total: boolean;
  readonly cells: readonly WeeklyReportCell[];
}

/** A table: its header and rows. */
export interface WeeklyReportGrid {
  readonly header: readonly string[];
  readonly rows: readonly WeeklyReportTableRow[];
}

export interface WeeklyReportTable extends WeeklyReportGrid {
  readonly heading: string;
}

/** The printable page shows at most this many of a category's stuck organizations (the workbook has them all). */
export const WEEKLY_PAGE_STUCK_ROWS = 50;

/**
 * A category's onboarding funnel: a line of totals and when it is taken,
 * the 8 steps with how many organizations reached each, stand at it and
 * have stood there for more than stuckDays days, and those organizations,
 * the longest first.
 */
export interface WeeklyReportFunnel {
  readonly heading: string;
  readonly lines: readonly string[];
  /** A row per step (id: the step's id): its name, reached, at the step, stuck (counts). */
  readonly steps: WeeklyReportGrid;
  readonly stuck: WeeklyReportTable & {
    /** Said instead of the table when no organization is stuck; null otherwise. */
    readonly none: string | null;
    /** The page's rows: the first WEEKLY_PAGE_STUCK_ROWS. */
    readonly pageRows: number;
    /** What the page says under its rows of the ones it leaves out ("и ещё 894 организации — все в XLSX"); null when it shows them all. */
    readonly pageMore: string | null;
  };
}

/** One category: a sheet of the workbook, a section of the page. */
export interface WeeklyReportSheet {
  readonly category: OrgCategory;
  /** At most 31 characters, none of : \ / ? * [ ] (what a spreadsheet allows a sheet's name), unique in the report. */
  readonly sheetName: string;
  readonly title: string;
  readonly sections: readonly WeeklyReportSection[];
  readonly table: WeeklyReportTable;
  readonly funnel: WeeklyReportFunnel;
  readonly notes: readonly string[];
}

export interface WeeklyReport {
  readonly lang: ReportLang;
  readonly region: string;
  readonly week: string;
  /** The month of "teachers active in <month>", "2023-04". */
  readonly month: string;
  readonly partial: boolean;
  readonly title: string;
  /** Under the title: the week and its days, the month, and whether the week is over. */
  readonly lines: readonly string[];
  /** In the order of ORG_CATEGORIES; none when the registry has no organization of the region. */
  readonly sheets: readonly WeeklyReportSheet[];
  readonly footer: string;
  /** An ISO instant: when it was made (the input's). */
  readonly generatedAt: string;
}

export interface WeeklyReportInput {
  readonly lang: ReportLang;
  readonly region: { readonly code: string; readonly name: string; readonly timeZone: string };
  readonly week: IsoWeek;
  /** The month the `monthCategories` rows are of: reportMonthOf(week). */
  readonly month: CalendarMonth;
  /** The week is not over (the answer's `partial`). */
  readonly partial: boolean;
  /** The week's rows grouped by category. */
  readonly categories: readonly KpiRow[];
  /** The month's rows grouped by category. */
  readonly monthCategories: readonly KpiRow[];
  /** Per category id, the week's rows grouped by municipality within that category. */
  readonly municipalities: ReadonlyMap<string, readonly KpiRow[]>;
  /** The onboarding funnel at the week's end, grouped by category (a row per category), with the region's stuck organizations. */
  readonly funnel: ReportFunnel;
  readonly settings: { readonly teacherDenominator: TeacherDenominator; readonly minTeacherDenominator: number };
  /** An ISO instant: when the report was made. */
  readonly generatedAt: string;
}

/** The words of a category: its sheet's short name, and its title. */
interface CategoryWords {
  readonly sheet: string;
  readonly title: string;
}

const CATEGORY_WORDS: Record<ReportLang, Record<OrgCategory, CategoryWords>> = {
  ru: {
    general: { sheet: 'Общее образование', title: 'Общее образование (школы и их филиалы)' },
    spo: { sheet: 'СПО', title: 'Среднее профессиональное образование (колледжи, техникумы)' },
    additional: { sheet: 'Доп. образование детей', title: 'Дополнительное образование детей' },
    additional_adult: { sheet: 'Доп. образование взрослых', title: 'Дополнительное образование взрослых' },
    preschool: { sheet: 'Дошкольное образование', title: 'Дошкольное образование' },
    mouo: { sheet: 'МОУО', title: 'Муниципальные органы управления образованием' },
    methodical: { sheet: 'Методические центры', title: 'Методические центры' },
    pro_dev: { sheet: 'Повышение квалификации', title: 'Институты повышения квалификации' },
    higher: { sheet: 'Высшее образование', title: 'Высшее образование' },
    ministry: { sheet: 'Министерство', title: 'Региональный орган управления образованием' },
  },
  en: {
    general: { sheet: 'General education', title: 'General education (schools and their branches)' },
    spo: { sheet: 'Vocational (SPO)', title: 'Vocational education (colleges)' },
    additional: { sheet: 'Additional education', title: 'Additional education for children' },
    additional_adult: { sheet: 'Adult education', title: 'Additional education for adults' },
    preschool: { sheet: 'Preschool', title: 'Preschool education' },
    mouo: { sheet: 'Education authorities', title: 'Municipal education authorities' },
    methodical: { sheet: 'Methodological centres', title: 'Methodological centres' },
    pro_dev: { sheet: 'Professional development', title: 'Professional-development institutes' },
    higher: { sheet: 'Higher education', title: 'Higher education' },
    ministry: { sheet: 'Ministry', title: 'Regional ministry of education' },
  },
};

/**
 * The nouns of a category's blocks: general education counts schools and
 * teachers ("Активных школ", "учителей"), the other categories
 * organizations and teaching staff ("Активных организаций", "педагогов").
 */
interface Nouns {
  /** "Активных школ" / "Active schools". */
  readonly activeUnits: string;
  /** "учителей" (genitive plural, after "Зарегистрированных") / "teachers". */
  readonly teachers: string;
  /** "Учителей" (at the start of a block) / "Teachers". */
  readonly Teachers: string;
  /** The table's column: "Зарегистрированные учителя". */
  readonly registeredTeachersColumn: string;
}

const NOUNS: Record<ReportLang, Record<'schools' | 'organizations', Nouns>> = {
  ru: {
    schools: { activeUnits: 'Активных школ', teachers: 'учителей', Teachers: 'Учителей', registeredTeachersColumn: 'Зарегистрированные учителя' },
    organizations: { activeUnits: 'Активных организаций', teachers: 'педагогов', Teachers: 'Педагогов', registeredTeachersColumn: 'Зарегистрированные педагоги' },
  },
  en: {
    schools: { activeUnits: 'Active schools', teachers: 'teachers', Teachers: 'Teachers', registeredTeachersColumn: 'Registered teachers' },
    organizations: { activeUnits: 'Active organizations', teachers: 'teachers', Teachers: 'Teachers', registeredTeachersColumn: 'Registered teachers' },
  },
};

/** Month names: Russian in the prepositional case ("в апреле") and the nominative ("апрель 2023"); English. */
const MONTHS_IN_RU = ['январе', 'феврале', 'марте', 'апреле', 'мае', 'июне', 'июле', 'августе', 'сентябре', 'октябре', 'ноябре', 'декабре'] as const;
const MONTHS_RU = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'] as const;
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** Every other text of the report in one language. */
interface WeeklyWords {
  readonly title: (region: string, week: string) => string;
  readonly weekLine: (week: string, monday: string, sunday: string, timeZone: string) => string;
  readonly monthLine: (month: CalendarMonth) => string;
  readonly partial: string;
  readonly noOrganizations: string;
  readonly sheetTitle: (region: string, category: string) => string;
  readonly sections: Record<WeeklyReportSectionId, string>;
  /** "Активных школ (есть 2 и более пользователей)". */
  readonly activeUnits: (nouns: Nouns) => string;
  readonly registeredUsers: string;
  readonly registeredTeachers: (nouns: Nouns) => string;
  readonly students: string;
  readonly activeInMonth: (nouns: Nouns, month: CalendarMonth) => string;
  readonly wroteMessages: (nouns: Nouns, messages: 3 | 10) => string;
  readonly madeCall: (nouns: Nouns) => string;
  /** What a withheld count says: "не показано (малая группа: менее 5 педагогов)". */
  readonly withheldCount: (minimum: number) => string;
  readonly of: (numerator: string, denominator: string) => string;
  readonly gap: (gap: string) => string;
  readonly reached: string;
  readonly noBand: string;
  readonly noData: string;
  readonly tableHeading: string;
  readonly municipality: string;
  readonly organizations: string;
  readonly total: string;
  readonly notes: (input: { readonly nouns: Nouns; readonly month: CalendarMonth; readonly timeZone: string; readonly minimum: number; readonly denominator: TeacherDenominator }) => string[];
  readonly footer: (generated: string) => string;
  /** After the page's stuck organizations, of the ones it leaves out. */
  readonly allInWorkbook: string;
}

const HUNDRED: Record<ReportLang, string> = { ru: formatPercentDigits('100', 'ru'), en: formatPercentDigits('100', 'en') };

const WORDS: Record<ReportLang, WeeklyWords> = {
  ru: {
    title: (region, week) => `${region}: отчёт «Сферума» за неделю ${week}`,
    weekLine: (week, monday, sunday, timeZone) => `Неделя ${week}: с ${monday} по ${sunday}, часовой пояс ${timeZone}`,
    monthLine: (month) => `Активность за месяц: ${MONTHS_RU[month.month - 1]} ${month.year}`,
    partial: 'неделя ещё не закончилась: данные на текущий момент',
    noOrganizations: 'В реестре нет организаций региона.',
    sheetTitle: (region, category) => `${region} — ${category}`,
    sections: { counters: 'Основные показатели', targets: `Федеральные цели (${HUNDRED.ru})`, indicators: 'Федеральные показатели с оценкой' },
    activeUnits: (nouns) => `${nouns.activeUnits} (есть 2 и более пользователей)`,
    registeredUsers: 'Зарегистрировано пользователей',
    registeredTeachers: (nouns) => `Зарегистрированных ${nouns.teachers}`,
    students: 'Обучающихся',
    activeInMonth: (nouns, month) => `${nouns.Teachers}, активных в ${MONTHS_IN_RU[month.month - 1]}`,
    wroteMessages: (nouns, messages) => `${nouns.Teachers}, написавших не менее ${messages} сообщений за неделю`,
    madeCall: (nouns) => `${nouns.Teachers}, совершивших не менее 1 звонка за неделю`,
    withheldCount: (minimum) => `не показано (${smallCellWords(minimum, 'ru')})`,
    of: (numerator, denominator) => `${numerator} из ${denominator}`,
    gap: (gap) => `до ${HUNDRED.ru} не хватает ${gap}`,
    reached: `цель ${HUNDRED.ru} достигнута`,
    noBand: 'без оценки',
    noData: 'нет данных',
    tableHeading: 'Муниципальные образования',
    municipality: 'Муниципальное образование',
    organizations: 'Организации',
    total: 'Итого',
    notes: ({ nouns, month, timeZone, minimum, denominator }) => [
      'Оценка — по федеральным порогам, действующим на понедельник недели: значение не выше нижней границы — «ниже нормы», не ниже верхней — «хороший», между ними — «средний».',
      `Доли учителей — от ${denominator === 'registered' ? 'числа зарегистрированных учителей' : 'штатной численности учителей'}; процент у зарегистрированных ${nouns.teachers} — от штатной численности; сообщения — в групповых чатах.`,
      `${nouns.Teachers}, активных в ${MONTHS_IN_RU[month.month - 1]}: с любой активностью за календарный месяц (${MONTHS_RU[month.month - 1]} ${month.year}, последний полный месяц на конец недели, часовой пояс ${timeZone}).`,
      `Малая группа (${fewerTeachers(minimum, 'ru')}): доли учителей и числа активных учителей не показываются, чтобы по ним нельзя было узнать неделю отдельного человека.`,
    ],
    footer: (generated) => `Показатели «Сферума» · сформировано ${generated}`,
    allInWorkbook: 'полный список — в XLSX',
  },
  en: {
    title: (region, week) => `${region}: Sferum weekly report, ${week}`,
    weekLine: (week, monday, sunday, timeZone) => `Week ${week}: ${monday} to ${sunday}, ${timeZone}`,
    monthLine: (month) => `Monthly activity: ${MONTHS_EN[month.month - 1]} ${month.year}`,
    partial: 'the week is not over: figures so far',
    noOrganizations: 'The registry has no organization of the region.',
    sheetTitle: (region, category) => `${region} — ${category}`,
    sections: { counters: 'Key figures', targets: `Federal targets (${HUNDRED.en})`, indicators: 'Federal indicators with their bands' },
    activeUnits: (nouns) => `${nouns.activeUnits} (2 or more users)`,
    registeredUsers: 'Registered users',
    registeredTeachers: (nouns) => `Registered ${nouns.teachers}`,
    students: 'Students',
    activeInMonth: (nouns, month) => `${nouns.Teachers} active in ${MONTHS_EN[month.month - 1]}`,
    wroteMessages: (nouns, messages) => `${nouns.Teachers} who wrote at least ${messages} messages in the week`,
    madeCall: (nouns) => `${nouns.Teachers} who made at least 1 call in the week`,
    withheldCount: (minimum) => `withheld (${smallCellWords(minimum, 'en')})`,
    of: (numerator, denominator) => `${numerator} of ${denominator}`,
    gap: (gap) => `${gap} short of ${HUNDRED.en}`,
    reached: `target of ${HUNDRED.en} reached`,
    noBand: 'no band',
    noData: 'no data',
    tableHeading: 'Municipalities',
    municipality: 'Municipality',
    organizations: 'Organizations',
    total: 'Total',
    notes: ({ nouns, month, timeZone, minimum, denominator }) => [
      "Bands by the federal thresholds in force on the week's Monday: a value at or below the lower edge is below norm, at or above the upper edge good, in between average.",
      `Teacher shares are of ${denominator === 'registered' ? 'the registered teachers' : 'the teacher headcount'}; the percentage after the registered ${nouns.teachers} is of the headcount; messages are those in group chats.`,
      `${nouns.Teachers} active in ${MONTHS_EN[month.month - 1]}: with any activity in the calendar month (${MONTHS_EN[month.month - 1]} ${month.year}, the last month complete at the week's end, ${timeZone}).`,
      `Small cell (${fewerTeachers(minimum, 'en')}): teacher shares and counts of active teachers are not shown, so that no one's week can be read from them.`,
    ],
    footer: (generated) => `Sferum KPI · generated ${generated}`,
    allInWorkbook: 'the workbook lists them all',
  },
};

/** A whole percentage as the slides print it ("94%", "74%"), rounded once from the exact fraction; "—" for an empty denominator. */
function slidePercent(numerator: number, denominator: number): string {
  const value = percentRounded(numerator, denominator, 0);
  return value === null ? '—' : `${value}%`;
}

/** Sunday of an ISO week, "YYYY-MM-DD": the day before the next week's Monday. */
function sundayOf(week: IsoWeek): string {
  const next = mondayOf(addWeeks(week, 1));
  return new Date(Date.UTC(next.year, next.month - 1, next.day - 1)).toISOString().slice(0, 10);
}

/** The indicator of a category's active organizations: schools for general education, organizations for the others. */
function activeKpiOf(category: OrgCategory): 'active_schools' | 'active_orgs' {
  return category === 'general' ? 'active_schools' : 'active_orgs';
}

/** The banded indicators of a category's report, in the order of the federal table. */
function indicatorsOf(category: OrgCategory): readonly KpiId[] {
  return [activeKpiOf(category), 'teachers_10_messages', 'teachers_1_call'];
}

/**
 * The categories a report has a sheet of, in the order of ORG_CATEGORIES:
 * those of the week's rows grouped by category (the categories of which
 * the registry holds an organization of the region). The service asks each
 * one's municipalities.
 */
export function reportCategories(categories: readonly KpiRow[]): OrgCategory[] {
  return ORG_CATEGORIES.filter((category) => categories.some((row) => row.id === category));
}

/** The minimum a small cell is below: the row's own, else the region's. */
function minimumOf(row: KpiRow, input: WeeklyReportInput): number {
  return row.minTeacherDenominator ?? input.settings.minTeacherDenominator;
}

/**
 * An indicator's value in words, and its tone. `withCounts` adds the
 * fraction ("0,32 % (52 из 16 010) – ниже нормы", the blocks); without it,
 * the table's cell ("0,32 % – ниже нормы").
 */
function indicatorWords(k: KpiRowValue, minimum: number, lang: ReportLang, withCounts: boolean): { text: string; tone: ReportTone } {
  const words = WORDS[lang];
  if (k.suppressed !== undefined) return { text: smallCellWords(minimum, lang), tone: 'withheld' };
  if (k.value === null || k.numerator === null) return { text: withCounts ? words.noData : '—', tone: 'none' };
  const fraction = withCounts ? ` (${words.of(formatCount(k.numerator, lang), formatCount(k.denominator, lang))})` : '';
  const band = k.band === null ? words.noBand : BAND_WORDS[lang][k.band];
  return { text: `${formatPercent(k.value, lang)}${fraction} – ${band}`, tone: k.band ?? 'none' };
}

/** The slides' blocks of a category: active organizations, registrations, active teachers of the month and of the week. */
function counterBlocks(input: WeeklyReportInput, category: OrgCategory, row: KpiRow, monthRow: KpiRow | undefined, nouns: Nouns): WeeklyReportBlock[] {
  const { lang } = input;
  const words = WORDS[lang];
  const active = row.kpis[activeKpiOf(category)];
  const teachers = row.targets.teachers_registered;
  const ofHeadcount = teachers.denominator === 0 ? '' : ` (${slidePercent(teachers.numerator, teachers.denominator)})`;
  /** A count of what teachers did: the number, or why it is withheld. */
  const activity = (id: string, label: string, value: number | null, of: KpiRow | undefined): WeeklyReportBlock => {
    if (value !== null) return { id, text: `${label} – ${formatCount(value, lang)}`, tone: 'none' };
    // A row that is not a small cell and still has no count: the month's answer has no row of this category (the registry changed in between).
    if (of === undefined || of.suppressed === undefined) return { id, text: `${label} – —`, tone: 'none' };
    return { id, text: `${label} – ${words.withheldCount(minimumOf(of, input))}`, tone: 'withheld' };
  };
  return [
    { id: activeKpiOf(category), text: `${words.activeUnits(nouns)} – ${slidePercent(active.numerator ?? 0, active.denominator)}`, tone: 'none' },
    { id: 'registered_users', text: `${words.registeredUsers} – ${formatCount(row.counters.registered_users, lang)}`, tone: 'none' },
    { id: 'registered_teachers', text: `${words.registeredTeachers(nouns)} – ${formatCount(row.counters.registered_teachers, lang)}${ofHeadcount}`, tone: 'none' },
    { id: 'registered_students', text: `${words.students} – ${formatCount(row.counters.registered_students, lang)}`, tone: 'none' },
    activity('active_teachers', words.activeInMonth(nouns, input.month), monthRow?.counters.active_teachers ?? null, monthRow),
    activity('teachers_3_messages', words.wroteMessages(nouns, 3), row.counters.teachers_3_messages, row),
    activity('teachers_10_messages', words.wroteMessages(nouns, 10), row.counters.teachers_10_messages, row),
    activity('teachers_1_call', words.madeCall(nouns), row.counters.teachers_1_call, row),
  ];
}

/** The federal targets with their gap to 100%; a target with nothing to count (schools' journals in a category without schools) is left out. */
function targetBlocks(lang: ReportLang, row: KpiRow): WeeklyReportBlock[] {
  const words = WORDS[lang];
  return TARGET_IDS.flatMap((id): WeeklyReportBlock[] => {
    const t = row.targets[id];
    if (t.denominator === 0 || t.value === null || t.gap === null) return [];
    const fraction = words.of(formatCount(t.numerator, lang), formatCount(t.denominator, lang));
    const gap = t.gap === 0 ? words.reached : words.gap(formatPercent(t.gap, lang));
    return [{ id, text: `${TARGET_NAMES[id][lang]} – ${formatPercent(t.value, lang)} (${fraction}); ${gap}`, tone: 'none' }];
  });
}

function indicatorBlocks(input: WeeklyReportInput, category: OrgCategory, row: KpiRow): WeeklyReportBlock[] {
  return indicatorsOf(category).map((kpi) => {
    const { text, tone } = indicatorWords(row.kpis[kpi], minimumOf(row, input), input.lang, true);
    return { id: kpi, text: `${INDICATOR_NAMES[kpi][input.lang]} – ${text}`, tone };
  });
}

/** The traffic-light table: a row per municipality with organizations of the category, then the category's total. */
function municipalityTable(input: WeeklyReportInput, category: OrgCategory, row: KpiRow, nouns: Nouns): WeeklyReportTable {
  const { lang } = input;
  const words = WORDS[lang];
  const kpis = indicatorsOf(category);
  const line = (unit: KpiRow, name: string, total: boolean): WeeklyReportTableRow => ({
    id: unit.id,
    total,
    cells: [
      { text: name, tone: 'none' },
      { text: formatCount(unit.counters.orgs, lang), count: unit.counters.orgs, tone: 'none' },
      { text: formatCount(unit.counters.registered_teachers, lang), count: unit.counters.registered_teachers, tone: 'none' },
      ...kpis.map((kpi) => indicatorWords(unit.kpis[kpi], minimumOf(unit, input), lang, false)),
    ],
  });
  return {
    heading: words.tableHeading,
    header: [words.municipality, words.organizations, nouns.registeredTeachersColumn, ...kpis.map((kpi) => INDICATOR_NAMES[kpi][lang])],
    rows: [...(input.municipalities.get(category) ?? []).map((m) => line(m, m.name, false)), line(row, words.total, true)],
  };
}

/** A category's name as a report's sheet (and the report page's tables) calls it: "Доп. образование детей"; an id the report does not know, as it is. */
export function categoryName(category: string, lang: ReportLang): string {
  return (ORG_CATEGORIES as readonly string[]).includes(category) ? CATEGORY_WORDS[lang][category as OrgCategory].sheet : category;
}

/** Longest first, then by id: the funnel's order (buildFunnel), kept whatever the input's. */
function longestFirst(a: StuckOrganization, b: StuckOrganization): number {
  return b.days - a.days || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0);
}

/**
 * A category's funnel block: its row of the funnel grouped by category
 * (none when the registry changed between the answers: every count a dash,
 * not a zero) and its stuck organizations.
 */
function funnelBlock(input: WeeklyReportInput, category: OrgCategory): WeeklyReportFunnel {
  const { lang, funnel } = input;
  const words = FUNNEL_WORDS[lang];
  const row = funnel.rows.find((r) => r.id === category);
  const count = (value: number | undefined): WeeklyReportCell =>
    value === undefined ? { text: '—', tone: 'none' } : { text: formatCount(value, lang), count: value, tone: 'none' };
  const stuck = funnel.stuck.filter((o) => o.category === category).sort(longestFirst);
  const left = stuck.length - WEEKLY_PAGE_STUCK_ROWS;
  return {
    heading: words.heading,
    lines: [
      words.summary(formatCount(row?.organizations ?? null, lang), formatCount(row?.notStarted ?? null, lang), formatCount(row?.completed ?? null, lang)),
      words.at(formatInstant(funnel.at, input.region.timeZone, lang), funnel.partial),
    ],
    steps: {
      header: [words.step, words.reached, words.atStep, words.stuck(funnel.stuckDays)],
      rows: ONBOARDING_STEPS.map((id, i): WeeklyReportTableRow => {
        const step = row?.steps.find((s) => s.id === id);
        return { id, total: false, cells: [{ text: funnelStepLabel(i + 1, id, lang), tone: 'none' }, count(step?.reached), count(step?.atStep), count(step?.stuck)] };
      }),
    },
    stuck: {
      heading: words.stuckHeading(funnel.stuckDays, formatCount(stuck.length, lang)),
      header: [words.organization, words.days, words.since, words.step, words.municipality, words.orgId],
      rows: stuck.map((o) => ({
        id: o.orgId,
        total: false,
        cells: [
          { text: o.orgName, tone: 'none' },
          { text: formatCount(o.days, lang), count: o.days, tone: 'none' },
          { text: formatLocalDay(o.since, input.region.timeZone, lang), tone: 'none' },
          { text: funnelStepLabel(o.step, o.stepId, lang), tone: 'none', name: true },
          { text: o.municipalityName, tone: 'none', name: true },
          { text: o.orgId, tone: 'none', name: true },
        ],
      })),
      none: stuck.length === 0 ? words.noneStuck(funnel.stuckDays) : null,
      pageRows: WEEKLY_PAGE_STUCK_ROWS,
      pageMore: left > 0 ? `${words.more(left)}; ${WORDS[lang].allInWorkbook}` : null,
    },
  };
}

export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const { lang, region } = input;
  const words = WORDS[lang];
  const week = formatIsoWeek(input.week);
  const monday = formatLocalDate(mondayOf(input.week));
  const sheets = reportCategories(input.categories).map((category): WeeklyReportSheet => {
    const row = input.categories.find((r) => r.id === category)!;
    const nouns = NOUNS[lang][category === 'general' ? 'schools' : 'organizations'];
    const names = CATEGORY_WORDS[lang][category];
    return {
      category,
      sheetName: names.sheet,
      title: words.sheetTitle(region.name, names.title),
      sections: [
        { id: 'counters', heading: words.sections.counters, blocks: counterBlocks(input, category, row, input.monthCategories.find((m) => m.id === category), nouns) },
        { id: 'targets', heading: words.sections.targets, blocks: targetBlocks(lang, row) },
        { id: 'indicators', heading: words.sections.indicators, blocks: indicatorBlocks(input, category, row) },
      ],
      table: municipalityTable(input, category, row, nouns),
      funnel: funnelBlock(input, category),
      notes: [
        ...words.notes({ nouns, month: input.month, timeZone: region.timeZone, minimum: input.settings.minTeacherDenominator, denominator: input.settings.teacherDenominator }),
        FUNNEL_WORDS[lang].note(input.funnel.stuckDays),
      ],
    };
  });
  return {
    lang,
    region: region.code,
    week,
    month: formatCalendarMonth(input.month),
    partial: input.partial,
    title: words.title(region.name, week),
    lines: [
      words.weekLine(week, formatDate(monday, lang), formatDate(sundayOf(input.week), lang), region.timeZone),
      words.monthLine(input.month),
      ...(input.partial ? [words.partial] : []),
      ...(sheets.length === 0 ? [words.noOrganizations] : []),
    ],
    sheets,
    footer: words.footer(formatInstant(input.generatedAt, region.timeZone, lang)),
    generatedAt: input.generatedAt,
  };
}
