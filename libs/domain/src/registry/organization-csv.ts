/**
 * The organization registry's CSV format (import and export):
 *
 *   org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount
 *   [,connected][,journal_linked][,gov_label]
 *   [,list_collected][,passed_to_coordinators][,admins_informed][,structure_built]
 *
 * The optional columns, in any order after the first seven, are what a
 * coordinator states of each organization:
 * - its facts: its profile connected, its electronic journal linked
 *   (general-education schools that report it by CSV), its community page
 *   labelled a government organization; 1 yes, 0 or empty no. (An event
 *   saying the same, ru.sferum.org.*, counts too: a KPI takes either.)
 * - the onboarding steps no event can show (libs/contracts onboarding.ts):
 *   the local date each was done, YYYY-MM-DD, empty when not yet.
 * A file without one of them leaves that statement as the registry has
 * it; the export writes them all.
 *
 * UTF-8, header row first, one organization a row, LF line ends on export,
 * rows ordered by org_id (byte order) on export. teacher_headcount may be
 * empty (unknown). Export followed by import changes nothing, and export
 * after import gives the same bytes.
 *
 * Free text of the file: org_name and municipality_name, and the two ids
 * (chosen by whoever made the file). The export neutralizes any of them a
 * spreadsheet could read as a formula (csv.ts); the import refuses them, so
 * that no accepted file needs it. category, region_code and
 * teacher_headcount are checked against fixed shapes that cannot.
 */
import {
  IDENTIFIER_PATTERN,
  ORG_CATEGORIES,
  ORG_FACTS,
  REGION_CODE_PATTERN,
  REGISTRY_ONBOARDING_STEPS,
  type OrgCategory,
  type OrgFact,
  type RegistryOnboardingStep,
} from '@sferum/contracts';
import { CsvSyntaxError, formatCsvLine, opensAsFormula, parseCsv } from './csv';

export const ORGANIZATION_CSV_COLUMNS = [
  'org_id',
  'org_name',
  'category',
  'municipality_id',
  'municipality_name',
  'region_code',
  'teacher_headcount',
] as const;
/** The optional columns: a coordinator's statement of each organization fact (ORG_FACTS), 1 or 0. */
export const ORGANIZATION_FACT_COLUMNS: readonly OrgFact[] = ORG_FACTS;
/** The optional columns of the onboarding steps only the registry states: the date each was done (YYYY-MM-DD), or empty. */
export const ORGANIZATION_ONBOARDING_COLUMNS: readonly RegistryOnboardingStep[] = REGISTRY_ONBOARDING_STEPS;
export type OrganizationCsvColumn = (typeof ORGANIZATION_CSV_COLUMNS)[number] | OrgFact | RegistryOnboardingStep;

/** What a file states of an organization's facts: only the columns it has. */
export type StatedFacts = { readonly [F in OrgFact]?: boolean };
/** What a file states of an organization's onboarding: only the columns it has; null, not done. */
export type StatedOnboarding = { readonly [S in RegistryOnboardingStep]?: string | null };

export interface OrganizationRecord {
  readonly orgId: string;
  readonly orgName: string;
  readonly category: OrgCategory;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly regionCode: string;
  readonly teacherHeadcount: number | null;
  /** The facts the file states (its optional columns); absent ones stay as the registry has them. */
  readonly facts: StatedFacts;
  /** The onboarding dates the file states (its optional columns); absent ones stay as the registry has them. */
  readonly onboarding: StatedOnboarding;
}

export interface CsvProblem {
  /** 1-based line of the file. */
  readonly line: number;
  /** The column at fault; null when the whole row or file is. */
  readonly column: OrganizationCsvColumn | null;
  readonly reason: string;
}

export interface ValidatedOrganizations {
  readonly records: OrganizationRecord[];
  readonly problems: CsvProblem[];
}

/** Identifiers shared with the event contract: 1..128 of [A-Za-z0-9._:-]. */
const IDENTIFIER = IDENTIFIER_PATTERN;
const HEADCOUNT = /^\d{1,8}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a YYYY-MM-DD is a real calendar date of 2000 to 2099 (a registry date of the platform's time). */
export function isRegistryDate(value: string): boolean {
  const m = DATE.exec(value);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && year <= 2099 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
const MAX_NAME = 500;

/**
 * Text the export would have to neutralize (a leading quote) is refused
 * here instead, so that a file the import accepts exports to the same
 * bytes: names, and identifiers (which may begin with "-").
 */
const FORMULA_NAME = 'must not begin with =, +, -, @, a tab or a carriage return, nor have one right after a semicolon: a spreadsheet opening the export would read it as a formula';
const FORMULA_ID = 'must not begin with "-": a spreadsheet opening the export would read it as a formula';

export interface ValidationContext {
  /** Region codes of the registry. */
  readonly knownRegions: ReadonlySet<string>;
}

/**
 * Parses and validates a whole file. Every bad row is reported with its line,
 * column and a reason a person can act on; records are returned only for a
 * file without problems being applied as a whole.
 */
export function validateOrganizationCsv(text: string, context: ValidationContext, onProgress?: (done: number, total: number) => void): ValidatedOrganizations {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      return { records: [], problems: [{ line: error.line, column: null, reason: error.message.replace(/^line \d+: /, '') }] };
    }
    throw error;
  }
  const problems: CsvProblem[] = [];
  const header = rows[0];
  if (header === undefined) {
    return { records: [], problems: [{ line: 1, column: null, reason: 'the file is empty: expected a header row' }] };
  }
  const expectedHeader = ORGANIZATION_CSV_COLUMNS.join(',');
  const names = header.fields.map((f) => f.trim());
  const optionalColumns = names.slice(ORGANIZATION_CSV_COLUMNS.length);
  const optional: readonly string[] = [...ORGANIZATION_FACT_COLUMNS, ...ORGANIZATION_ONBOARDING_COLUMNS];
  if (
    names.slice(0, ORGANIZATION_CSV_COLUMNS.length).join(',') !== expectedHeader ||
    optionalColumns.some((c) => !optional.includes(c)) ||
    new Set(optionalColumns).size !== optionalColumns.length
  ) {
    return {
      records: [],
      problems: [
        {
          line: header.line,
          column: null,
          reason: `the header must be ${expectedHeader}, then any of ${optional.join(', ')} (each once, in any order)`,
        },
      ],
    };
  }

  const records: OrganizationRecord[] = [];
  const firstLineOfOrg = new Map<string, number>();
  const municipalities = new Map<string, { name: string; regionCode: string; line: number }>();
  const total = rows.length - 1;

  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (onProgress !== undefined && r % 5000 === 0) onProgress(r, total);
    const problem = (column: OrganizationCsvColumn | null, reason: string) => problems.push({ line: row.line, column, reason });
    if (row.fields.length !== names.length) {
      problem(null, `expected ${names.length} fields, found ${row.fields.length}`);
      continue;
    }
    const fields = row.fields.map((f) => f.trim());
    const [orgId, orgName, category, municipalityId, municipalityName, regionCode, headcount] = fields as [
      string, string, string, string, string, string, string,
    ];
    const before = problems.length;
    const facts: { [F in OrgFact]?: boolean } = {};
    const onboarding: { [S in RegistryOnboardingStep]?: string | null } = {};
    optionalColumns.forEach((column, i) => {
      const value = fields[ORGANIZATION_CSV_COLUMNS.length + i]!;
      if ((ORGANIZATION_FACT_COLUMNS as readonly string[]).includes(column)) {
        const fact = column as OrgFact;
        if (value === '1') facts[fact] = true;
        else if (value === '0' || value === '') facts[fact] = false;
        else problem(fact, `must be 1 (yes), 0 or empty (no), got "${value}"`);
      } else {
        const step = column as RegistryOnboardingStep;
        if (value === '') onboarding[step] = null;
        else if (isRegistryDate(value)) onboarding[step] = value;
        else problem(step, `must be the date the step was done, YYYY-MM-DD (2000 to 2099), or empty (not yet), got "${value}"`);
      }
    });

    if (!IDENTIFIER.test(orgId)) problem('org_id', 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : -');
    else if (opensAsFormula(orgId)) problem('org_id', FORMULA_ID);
    else {
      const first = firstLineOfOrg.get(orgId);
      if (first !== undefined) problem('org_id', `duplicate org_id "${orgId}", first on line ${first}`);
      else firstLineOfOrg.set(orgId, row.line);
    }
    if (orgName.length === 0) problem('org_name', 'must not be empty');
    else if (orgName.length > MAX_NAME) problem('org_name', `must be at most ${MAX_NAME} characters`);
    else if (opensAsFormula(orgName)) problem('org_name', FORMULA_NAME);
    if (!(ORG_CATEGORIES as readonly string[]).includes(category)) {
      problem('category', `unknown category "${category}": expected one of ${ORG_CATEGORIES.join(', ')}`);
    }
    if (!IDENTIFIER.test(municipalityId)) problem('municipality_id', 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : -');
    else if (opensAsFormula(municipalityId)) problem('municipality_id', FORMULA_ID);
    if (municipalityName.length === 0) problem('municipality_name', 'must not be empty');
    else if (municipalityName.length > MAX_NAME) problem('municipality_name', `must be at most ${MAX_NAME} characters`);
    else if (opensAsFormula(municipalityName)) problem('municipality_name', FORMULA_NAME);
    const regionKnown = REGION_CODE_PATTERN.test(regionCode) && context.knownRegions.has(regionCode);
    if (!REGION_CODE_PATTERN.test(regionCode)) problem('region_code', `must be two digits, for example 54 (got "${regionCode}")`);
    else if (!regionKnown) problem('region_code', `unknown region code "${regionCode}"`);
    let teacherHeadcount: number | null = null;
    if (headcount !== '') {
      if (headcount.startsWith('-')) problem('teacher_headcount', `must not be negative (got ${headcount})`);
      else if (!HEADCOUNT.test(headcount)) problem('teacher_headcount', `must be a whole number or empty (got "${headcount}")`);
      else teacherHeadcount = Number(headcount);
    }
    if (regionKnown && IDENTIFIER.test(municipalityId) && municipalityName.length > 0 && !opensAsFormula(municipalityName)) {
      const seen = municipalities.get(municipalityId);
      if (seen === undefined) municipalities.set(municipalityId, { name: municipalityName, regionCode, line: row.line });
      else if (seen.name !== municipalityName || seen.regionCode !== regionCode) {
        problem(
          'municipality_name',
          `municipality "${municipalityId}" is "${seen.name}" in region ${seen.regionCode} on line ${seen.line}, but "${municipalityName}" in region ${regionCode} here`,
        );
      }
    }
    if (problems.length === before) {
      records.push({
        orgId,
        orgName,
        category: category as OrgCategory,
        municipalityId,
        municipalityName,
        regionCode,
        teacherHeadcount,
        facts,
        onboarding,
      });
    }
  }
  onProgress?.(total, total);
  return { records: problems.length === 0 ? records : [], problems };
}

/** The export: header (every column), then rows ordered by org_id (byte order). */
export function formatOrganizationCsv(records: readonly OrganizationRecord[]): string {
  const sorted = [...records].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  let out = formatCsvLine([...ORGANIZATION_CSV_COLUMNS, ...ORGANIZATION_FACT_COLUMNS, ...ORGANIZATION_ONBOARDING_COLUMNS]);
  for (const r of sorted) {
    out += formatCsvLine([
      r.orgId,
      r.orgName,
      r.category,
      r.municipalityId,
      r.municipalityName,
      r.regionCode,
      r.teacherHeadcount,
      ...ORGANIZATION_FACT_COLUMNS.map((f) => (r.facts[f] === true ? 1 : 0)),
      ...ORGANIZATION_ONBOARDING_COLUMNS.map((s) => r.onboarding[s] ?? ''),
    ]);
  }
  return out;
}
