import { REPORT_LANGS, type ReportLang } from '@sferum/domain';
import { ProblemException } from '@sferum/infra-http';

/**
 * The query parameters of the pages and files people read (the report
 * page, the weekly report page and workbook): each takes region, week and
 * lang, and refuses anything else, so that a parameter of /v1/kpi (groupBy,
 * period, month) is a 400 that says so rather than silently ignored.
 */
const REPORT_PARAMETERS: readonly string[] = ['region', 'week', 'lang'];

/** 400 when the query has a parameter the report does not take; `what` names the report in the reason. */
export function onlyReportParameters(query: Record<string, unknown>, what: string): void {
  const unknown = Object.keys(query).filter((k) => !REPORT_PARAMETERS.includes(k));
  if (unknown.length > 0) throw new ProblemException(400, `unknown parameter(s): ${unknown.join(', ')}; ${what} takes ${REPORT_PARAMETERS.slice(0, -1).join(', ')} and ${REPORT_PARAMETERS.at(-1)}`);
}

/** `lang`: ru (the default: the ministries read the reports) or en. */
export function reportLang(value: unknown): ReportLang {
  if (value === undefined || value === '') return 'ru';
  if (typeof value === 'string' && (REPORT_LANGS as readonly string[]).includes(value)) return value as ReportLang;
  throw new ProblemException(400, `lang: expected one of ${REPORT_LANGS.join(', ')} (default ru)`, { parameter: 'lang' });
}
