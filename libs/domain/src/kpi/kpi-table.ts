/**
 * KPI rows as a flat table for ministry reports (CSV, XLSX): one line per
 * unit, the same numbers as the API: the indicators, the federal targets
 * (with their gap to 100%), the counters. Column headers in English (API field
 * names) or Russian. A small cell's withheld figures are empty cells, and
 * its last column (`suppressed`) says why, with the region's minimum.
 */
import { KPI_IDS, TARGET_IDS } from '@sferum/contracts';
import { type PeriodKind } from '../week/calendar-month';
import { type KpiRow } from './kpi-report';
import { BAND_WORDS, TARGET_NAMES } from './report-format';

export type TableLanguage = 'en' | 'ru';

const KPI_TITLES_RU: Record<(typeof KPI_IDS)[number], string> = {
  active_schools: 'Доля активных школ',
  active_orgs: 'Доля активных организаций',
  teachers_10_messages: 'Доля педагогов с 10+ сообщениями',
  teachers_1_call: 'Доля педагогов с 1+ звонком',
};


const COUNTER_TITLES_RU: Record<keyof KpiRow['counters'], string> = {
  orgs: 'Организаций',
  active_orgs: 'Активных организаций (2+ пользователя)',
  registered_users: 'Зарегистрировано пользователей',
  registered_teachers: 'Зарегистрировано педагогов',
  registered_students: 'Зарегистрировано обучающихся',
  registered_parents: 'Зарегистрировано родителей',
  teacher_headcount: 'Численность педагогов (штат)',
  teachers_3_messages: 'Педагогов с 3+ сообщениями',
  teachers_10_messages: 'Педагогов с 10+ сообщениями',
  teachers_1_call: 'Педагогов с 1+ звонком',
  active_teachers: 'Активных педагогов',
};

/** "за неделю", "за месяц": the period the counts of active teachers are of. */
const PERIOD_SUFFIX_RU: Record<PeriodKind, string> = { week: 'за неделю', month: 'за месяц' };
const ACTIVITY_COUNTERS: ReadonlySet<keyof KpiRow['counters']> = new Set(['teachers_3_messages', 'teachers_10_messages', 'teachers_1_call', 'active_teachers']);

const PERIOD_TITLES_RU: Record<PeriodKind, string> = { week: 'Неделя', month: 'Месяц' };

const COUNTERS = Object.keys(COUNTER_TITLES_RU) as (keyof KpiRow['counters'])[];

/** The reason a row's figures are withheld, in words a reader of the file acts on; empty when nothing is. */
function suppressedText(row: KpiRow, language: TableLanguage): string | null {
  if (row.suppressed === undefined) return null;
  const minimum = row.minTeacherDenominator ?? '?';
  return language === 'ru'
    ? `малая группа: меньше ${minimum} педагогов, доли педагогов и число активных педагогов не показываются`
    : `small_cell: fewer than ${minimum} teachers, teacher shares and active-teacher counts withheld`;
}

/** The header of a period's table; its first column names the period ("week" or "month"). */
export function kpiTableHeader(language: TableLanguage, period: PeriodKind = 'week'): string[] {
  if (language === 'ru') {
    return [
      PERIOD_TITLES_RU[period],
      'Уровень',
      'Код',
      'Наименование',
      ...KPI_IDS.flatMap((kpi) => [`${KPI_TITLES_RU[kpi]}, %`, `${KPI_TITLES_RU[kpi]}: уровень`, `${KPI_TITLES_RU[kpi]}: числитель`, `${KPI_TITLES_RU[kpi]}: знаменатель`]),
      ...TARGET_IDS.flatMap((t) => [`${TARGET_NAMES[t].ru}, %`, `${TARGET_NAMES[t].ru}: до 100 %`, `${TARGET_NAMES[t].ru}: числитель`, `${TARGET_NAMES[t].ru}: знаменатель`]),
      ...COUNTERS.map((c) => (ACTIVITY_COUNTERS.has(c) ? `${COUNTER_TITLES_RU[c]} ${PERIOD_SUFFIX_RU[period]}` : COUNTER_TITLES_RU[c])),
      'Скрыто (малая группа)',
    ];
  }
  return [
    period,
    'level',
    'id',
    'name',
    ...KPI_IDS.flatMap((kpi) => [`${kpi}_value`, `${kpi}_band`, `${kpi}_numerator`, `${kpi}_denominator`]),
    ...TARGET_IDS.flatMap((t) => [`${t}_value`, `${t}_gap`, `${t}_numerator`, `${t}_denominator`]),
    ...COUNTERS,
    'suppressed',
  ];
}

export function kpiTableRows(period: string, rows: readonly KpiRow[], language: TableLanguage): (string | number | null)[][] {
  return rows.map((row) => [
    period,
    row.level,
    row.id,
    row.name,
    ...KPI_IDS.flatMap((kpi) => {
      const k = row.kpis[kpi];
      const band = k.band === null ? null : language === 'ru' ? BAND_WORDS.ru[k.band] : k.band;
      return [k.value, band, k.numerator, k.denominator];
    }),
    ...TARGET_IDS.flatMap((t) => {
      const v = row.targets[t];
      return [v.value, v.gap, v.numerator, v.denominator];
    }),
    ...COUNTERS.map((c) => row.counters[c]),
    suppressedText(row, language),
  ]);
}
