/**
 * How the reports people read write the figures: the report page
 * (services/kpi/src/report/report-page.ts), the weekly report and its
 * workbook (weekly-report.ts) and the Russian export headers
 * (kpi-table.ts) take their words and number formats from here, so that
 * "16 010", "0,32 %" and "ниже нормы" are written one way everywhere.
 *
 * Numbers are written out by hand rather than by Intl: the digits a reader
 * gets must not depend on the ICU data of the Node that renders them.
 */
import { type Band, type KpiId, ONBOARDING_STEPS, type OnboardingStep, type TargetId } from '@sferum/contracts';
import { type FunnelRow, type StuckOrganization } from '../onboarding/onboarding-funnel';
import { onboardingStepName } from '../onboarding/onboarding-names';
import { zoneOffsetMs } from '../week/iso-week';

/** The languages of the reports: Russian (the ministries read them; the default) and English. */
export const REPORT_LANGS = ['ru', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

/** A no-break space: "16 010" and "0,32 %" must not break across lines. */
export const NBSP = '\u00a0';

/** A percentage already written in digits ("0.32", "0.5"): "0,32 %" in Russian, "0.32%" in English. */
export function formatPercentDigits(digits: string, lang: ReportLang): string {
  return lang === 'ru' ? `${digits.replace('.', ',')}${NBSP}%` : `${digits}%`;
}

/** A percentage of the API (two decimals): "0,32 %" / "0.32%"; "—" for none. */
export function formatPercent(value: number | null, lang: ReportLang): string {
  return value === null ? '—' : formatPercentDigits(value.toFixed(2), lang);
}

/** A count: "16 010" in Russian, "16,010" in English; "—" for none. */
export function formatCount(value: number | null, lang: ReportLang): string {
  if (value === null) return '—';
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'ru' ? NBSP : ',');
  return value < 0 ? `−${digits}` : digits;
}

/** A calendar date "YYYY-MM-DD": "16.11.2026" in Russian, as is in English. */
export function formatDate(isoDate: string, lang: ReportLang): string {
  if (lang === 'en') return isoDate;
  const [year, month, day] = isoDate.split('-');
  return `${day}.${month}.${year}`;
}

/** An instant's local date and time in a zone, "YYYY-MM-DDTHH:MM". */
function localDateTime(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  return new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString().slice(0, 16);
}

/** When a report was made: in the region's zone in Russian ("29.11.2026 07:00 (Asia/Novosibirsk)"), the ISO instant in English. */
export function formatInstant(instant: string, timeZone: string, lang: ReportLang): string {
  if (lang === 'en') return instant;
  const local = localDateTime(instant, timeZone);
  return `${formatDate(local.slice(0, 10), lang)} ${local.slice(11, 16)} (${timeZone})`;
}

/** The day an instant falls on in the region's zone: "27.03.2023" in Russian, "2023-03-27" in English (the date, not the instant, in both). */
export function formatLocalDay(instant: string, timeZone: string, lang: ReportLang): string {
  return formatDate(localDateTime(instant, timeZone).slice(0, 10), lang);
}

/**
 * A Russian noun's form after a number: "1 организация", "2 организации",
 * "5 организаций", "11 организаций", "21 организация", "22 организации".
 */
export function russianPlural(count: number, one: string, few: string, many: string): string {
  const [mod10, mod100] = [count % 10, count % 100];
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** A Russian noun in the genitive after "менее" or "более" a number: singular after 1, 21, 101 ("более 21 дня"), plural otherwise ("более 14 дней", "менее 11 педагогов"). */
function genitiveAfterComparative(count: number, singular: string, plural: string): string {
  return count % 10 === 1 && count % 100 !== 11 ? singular : plural;
}

export const BAND_WORDS: Record<ReportLang, Record<Band, string>> = {
  ru: { below_norm: 'ниже нормы', average: 'средний', good: 'хороший' },
  en: { below_norm: 'below norm', average: 'average', good: 'good' },
};

/** "педагога" after "менее 1", "менее 21"; "педагогов" after "менее 2", "менее 5", "менее 11". */
function teachersAfterFewerThan(count: number): string {
  return genitiveAfterComparative(count, 'педагога', 'педагогов');
}

/** What a small cell's withheld figure says instead: "менее 5 педагогов" / "fewer than 5 teachers" (the region's minimum). */
export function fewerTeachers(minimum: number, lang: ReportLang): string {
  return lang === 'ru' ? `менее ${minimum} ${teachersAfterFewerThan(minimum)}` : `fewer than ${minimum} teachers`;
}

/** The reason in full: "малая группа: менее 5 педагогов" / "small cell: fewer than 5 teachers". */
export function smallCellWords(minimum: number, lang: ReportLang): string {
  return `${lang === 'ru' ? 'малая группа' : 'small cell'}: ${fewerTeachers(minimum, lang)}`;
}

/**
 * The indicators under their official names (the federal table of 17 March
 * 2023), the words of the Grafana dashboards too (libs/dashboards, which
 * imports nothing of the others: tools/e2e/src/report.e2e-spec.ts holds the
 * two equal). `active_orgs` is the same rule over every category, named
 * after it.
 */
export const INDICATOR_NAMES: Record<KpiId, Record<ReportLang, string>> = {
  active_schools: { ru: 'Доля активных школ (есть 2 и более пользователей)', en: 'Share of active schools (2 or more users)' },
  active_orgs: { ru: 'Доля активных организаций (есть 2 и более пользователей)', en: 'Share of active organizations (2 or more users)' },
  teachers_10_messages: {
    ru: 'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю',
    en: 'Teachers who wrote at least 10 messages in group chats during the week',
  },
  teachers_1_call: { ru: 'Учителя, совершившие не менее 1 звонка за неделю', en: 'Teachers who made at least 1 call during the week' },
};

/** The three indicators of the federal table, as the report page shows them (its cards, charts and table). */
export const REPORT_INDICATORS = (['active_schools', 'teachers_10_messages', 'teachers_1_call'] as const).map((kpi) => ({ kpi, name: INDICATOR_NAMES[kpi] }));
export type ReportKpi = (typeof REPORT_INDICATORS)[number]['kpi'];

/** The federal targets (100%) by name. */
export const TARGET_NAMES: Record<TargetId, Record<ReportLang, string>> = {
  orgs_connected: { ru: 'Подключено организаций', en: 'Organizations connected' },
  teachers_registered: { ru: 'Зарегистрировано педагогов от штатной численности', en: 'Teachers registered of the headcount' },
  schools_journal_linked: { ru: 'Школ с подключённым электронным журналом', en: 'Schools with the e-journal linked' },
  orgs_gov_label: { ru: 'Организаций с отметкой «Госорганизация»', en: 'Organizations with the government label' },
};

/**
 * The onboarding funnel as the reports show it (the report page, the
 * weekly report): what GET /v1/funnel answers (FunnelService), or the part
 * of it a report reads. Organizations, not people, are named.
 */
export interface ReportFunnel {
  /** The instant (exclusive) the funnel is taken at, UTC ISO 8601: the week's end, or the start of the hour while the week is not over. */
  readonly at: string;
  readonly partial: boolean;
  /** More than this many days at a step below the last is stuck. */
  readonly stuckDays: number;
  readonly rows: readonly FunnelRow[];
  /** Longest first. */
  readonly stuck: readonly StuckOrganization[];
}

/** "более 14 дней" / "more than 14 days". */
function moreThanDays(days: number, lang: ReportLang): string {
  return lang === 'ru' ? `более ${days} ${genitiveAfterComparative(days, 'дня', 'дней')}` : `more than ${days} ${days === 1 ? 'day' : 'days'}`;
}

/** Every text of the funnel in one language: the same on the report page and in the weekly report. */
export interface FunnelWords {
  readonly heading: string;
  /** "Организаций – 1 004; не начинали подключение – 2; прошли все 8 шагов – 5". */
  readonly summary: (organizations: string, notStarted: string, completed: string) => string;
  /** When the funnel is taken: the week's end, or so far. */
  readonly at: (instant: string, partial: boolean) => string;
  readonly step: string;
  readonly share: string;
  readonly reached: string;
  readonly atStep: string;
  /** "На шаге более 14 дней". */
  readonly stuck: (days: number) => string;
  /** "Организации на шаге более 14 дней – 10". */
  readonly stuckHeading: (days: number, count: string) => string;
  readonly noneStuck: (days: number) => string;
  readonly organization: string;
  readonly municipality: string;
  readonly category: string;
  readonly since: string;
  readonly days: string;
  readonly orgId: string;
  /** "и ещё 894 организации" / "and 894 more". */
  readonly more: (count: number) => string;
  /** How to read it, once under it. */
  readonly note: (days: number) => string;
}

export const FUNNEL_WORDS: Record<ReportLang, FunnelWords> = {
  ru: {
    heading: 'Воронка подключения',
    summary: (organizations, notStarted, completed) => `Организаций – ${organizations}; не начинали подключение – ${notStarted}; прошли все ${ONBOARDING_STEPS.length} шагов – ${completed}`,
    at: (instant, partial) => (partial ? `На ${instant}: неделя ещё не закончилась` : `На ${instant}, конец недели`),
    step: 'Шаг подключения',
    share: 'Доля организаций, дошедших до шага',
    reached: 'Дошли до шага',
    atStep: 'На шаге',
    stuck: (days) => `На шаге ${moreThanDays(days, 'ru')}`,
    stuckHeading: (days, count) => `Организации на шаге ${moreThanDays(days, 'ru')} – ${count}`,
    noneStuck: (days) => `Нет организаций, которые стоят на шаге ${moreThanDays(days, 'ru')}.`,
    organization: 'Организация',
    municipality: 'Муниципальное образование',
    category: 'Категория',
    since: 'На шаге с',
    days: 'Дней на шаге',
    orgId: 'Идентификатор организации',
    more: (count) => `и ещё ${formatCount(count, 'ru')} ${russianPlural(count, 'организация', 'организации', 'организаций')}`,
    note: (days) =>
      `Воронка подключения: шаг организации — последний из ${ONBOARDING_STEPS.length} шагов порядка подключения, о котором есть сведения до конца недели ` +
      '(даты в реестре организаций или события платформы); шаги до него считаются пройденными. ' +
      `«На шаге ${moreThanDays(days, 'ru')}» — организации, которые стоят на своём шаге (до ${ONBOARDING_STEPS.length}-го) дольше ${days} ${genitiveAfterComparative(days, 'дня', 'дней')}: с ними стоит связаться в первую очередь.`,
  },
  en: {
    heading: 'Onboarding funnel',
    summary: (organizations, notStarted, completed) => `Organizations – ${organizations}; not started – ${notStarted}; all ${ONBOARDING_STEPS.length} steps done – ${completed}`,
    at: (instant, partial) => (partial ? `As at ${instant}: the week is not over` : `As at ${instant}, the week's end`),
    step: 'Onboarding step',
    share: 'Share of the organizations that reached the step',
    reached: 'Reached the step',
    atStep: 'At the step',
    stuck: (days) => `At it for ${moreThanDays(days, 'en')}`,
    stuckHeading: (days, count) => `Organizations at their step for ${moreThanDays(days, 'en')} – ${count}`,
    noneStuck: (days) => `No organization has been at its step for ${moreThanDays(days, 'en')}.`,
    organization: 'Organization',
    municipality: 'Municipality',
    category: 'Category',
    since: 'At the step since',
    days: 'Days at the step',
    orgId: 'Organization id',
    more: (count) => `and ${formatCount(count, 'en')} more`,
    note: (days) =>
      `Onboarding funnel: an organization's step is the last of the ${ONBOARDING_STEPS.length} onboarding steps with evidence before the week's end ` +
      "(a date in the organization registry, or a platform event); the steps before it count as done. " +
      `"At it for ${moreThanDays(days, 'en')}": organizations at their step (below step ${ONBOARDING_STEPS.length}) for longer: the first to call.`,
  },
};

/** A step as the reports name it: "4. Администратор зарегистрировался". */
export function funnelStepLabel(step: number, id: OnboardingStep, lang: ReportLang): string {
  return `${step}. ${onboardingStepName(id, lang)}`;
}
