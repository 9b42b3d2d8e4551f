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
import { type Band, type KpiId, type TargetId } from '@sferum/contracts';
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

/** When a report was made: in the region's zone in Russian ("29.11.2026 07:00 (Asia/Novosibirsk)"), the ISO instant in English. */
export function formatInstant(instant: string, timeZone: string, lang: ReportLang): string {
  if (lang === 'en') return instant;
  const ms = Date.parse(instant);
  const local = new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString();
  return `${formatDate(local.slice(0, 10), lang)} ${local.slice(11, 16)} (${timeZone})`;
}

export const BAND_WORDS: Record<ReportLang, Record<Band, string>> = {
  ru: { below_norm: 'ниже нормы', average: 'средний', good: 'хороший' },
  en: { below_norm: 'below norm', average: 'average', good: 'good' },
};

/** "педагога" after "менее 1", "менее 21"; "педагогов" after "менее 2", "менее 5", "менее 11". */
function teachersAfterFewerThan(count: number): string {
  return count % 10 === 1 && count % 100 !== 11 ? 'педагога' : 'педагогов';
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
