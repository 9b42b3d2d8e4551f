import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The simulator's reference answers (expected.json) and their comparison
 * with what a running KPI service answers: every unit of every week and
 * grouping of every region the registry places organizations in, the
 * onboarding funnel likewise, and the unknown organizations, exactly. The simulator computes them apart from
 * the pipeline's code (tools/simulator/src/reference); nothing here
 * derives an answer, it only reads both sides.
 */
export interface ExpectedKpi {
  /** null when withheld (a small cell). */
  readonly numerator: number | null;
  readonly denominator: number;
  readonly value: number | null;
  readonly band: string | null;
  readonly previous: number | null;
  readonly suppressed?: string;
}
export interface ExpectedUnit {
  readonly kpis: Record<string, ExpectedKpi>;
  /** The federal targets (value, gap to 100%, numerator, denominator, previous). */
  readonly targets: Record<string, Record<string, number | null>>;
  readonly counters: Record<string, number | null>;
  readonly orgsWithoutHeadcount?: number;
  /** A small cell ("small_cell") and the region's minimum it is below. */
  readonly suppressed?: string;
  readonly minTeacherDenominator?: number;
}
export interface ExpectedUnknownOrganization {
  readonly orgId: string;
  readonly events: Record<string, number>;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}
/** One unit of the onboarding funnel: its organizations, and per step how many reached it, stand at it, are stuck at it. */
export interface ExpectedFunnelUnit {
  readonly organizations: number;
  readonly notStarted: number;
  readonly completed: number;
  readonly steps: readonly { readonly step: number; readonly id: string; readonly reached: number; readonly atStep: number; readonly stuck: number }[];
}
export interface ExpectedStuckOrganization {
  readonly orgId: string;
  readonly orgName: string;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly category: string;
  readonly step: number;
  readonly stepId: string;
  readonly since: string;
  readonly days: number;
}
/** The funnel of a region's week or month. */
export interface ExpectedFunnel {
  readonly at: string;
  readonly partial: boolean;
  readonly stuckDays: number;
  readonly units: Record<string, ExpectedFunnelUnit>;
  readonly stuck: readonly ExpectedStuckOrganization[];
}
export interface Expected {
  readonly weeks: string[];
  /** The calendar months the weeks' days fall in ("2026-11"). */
  readonly months: string[];
  /** Those of them every day of which was simulated. */
  readonly wholeMonths: string[];
  readonly events: { readonly sent: number; readonly distinct: number };
  readonly moves: readonly { readonly orgId: string; readonly municipalityId: string; readonly regionCode: string }[];
  /** Region code -> week or month -> units ("region", "municipality:<id>", "category:<cat>", "org:<id>"). */
  readonly regions: Record<string, Record<string, { readonly units: Record<string, ExpectedUnit> }>>;
  readonly unknownOrganizations: readonly ExpectedUnknownOrganization[];
  /** The funnel under each stuckDays the reference computed (the first: the service's default, asked without the parameter). */
  readonly funnel: readonly { readonly stuckDays: number; readonly regions: Record<string, Record<string, ExpectedFunnel>> }[];
}

export interface ApiFunnelAnswer {
  readonly week?: string;
  readonly month?: string;
  readonly partial: boolean;
  readonly at: string;
  readonly stuckDays: number;
  readonly steps: readonly { readonly step: number; readonly id: string; readonly name: string }[];
  readonly rows: (ExpectedFunnelUnit & { readonly level: string; readonly id: string; readonly name: string })[];
  readonly stuck: readonly ExpectedStuckOrganization[];
}

export interface ApiKpiAnswer {
  /** One of the two: the answer's week, or its month. */
  readonly week?: string;
  readonly month?: string;
  readonly rows: (ExpectedUnit & { readonly level: string; readonly id: string })[];
}

/** A simulator output folder: expected.json parsed, and its exact text (for byte-for-byte comparisons). */
export function readExpected(dir: string): { expected: Expected; text: string } {
  const text = readFileSync(join(dir, 'expected.json'), 'utf8');
  return { expected: JSON.parse(text) as Expected, text };
}

/** The groupings of the KPI API and the prefix of their units' keys in expected.json. */
export const GROUPINGS = [
  { groupBy: undefined, prefix: 'region' },
  { groupBy: 'municipality', prefix: 'municipality:' },
  { groupBy: 'category', prefix: 'category:' },
  { groupBy: 'organization', prefix: 'org:' },
] as const;

/** GET /v1/kpi of a week ("2026-W47") or a month ("2026-11") with a reader key; throws on any answer but 200. */
export async function kpiAnswer(kpiUrl: string, readerKey: string, region: string, period: string, groupBy?: string): Promise<ApiKpiAnswer> {
  const when: Record<string, string> = /^\d{4}-\d{2}$/.test(period) ? { period: 'month', month: period } : { week: period };
  return getJson<ApiKpiAnswer>(`${kpiUrl}/v1/kpi?${new URLSearchParams({ region, ...when, ...(groupBy === undefined ? {} : { groupBy }) }).toString()}`, readerKey);
}

/** GET /v1/funnel of a week or a month with a reader key; stuckDays left to the service's default when not given. Throws on any answer but 200. */
export async function funnelAnswer(kpiUrl: string, readerKey: string, region: string, period: string, groupBy?: string, stuckDays?: number): Promise<ApiFunnelAnswer> {
  const when: Record<string, string> = /^\d{4}-\d{2}$/.test(period) ? { period: 'month', month: period } : { period: 'week', week: period };
  const query = new URLSearchParams({ region, ...when, ...(groupBy === undefined ? {} : { groupBy }), ...(stuckDays === undefined ? {} : { stuckDays: String(stuckDays) }) });
  return getJson<ApiFunnelAnswer>(`${kpiUrl}/v1/funnel?${query.toString()}`, readerKey);
}

/** Both sides of a comparison, keyed alike: a spec asserts `expect(actual).toEqual(reference)`, and a failure names what differs. */
export interface Comparison {
  readonly actual: Record<string, unknown>;
  readonly reference: Record<string, unknown>;
}

/**
 * Every unit of every week and month and every grouping of every region of
 * expected.json, as the API answers and as the reference says, keyed
 * "<region> <week or month> <grouping>" (grouping "region", "municipality", ...).
 */
export async function answersAndReference(kpiUrl: string, readerKey: string, expected: Expected): Promise<Comparison> {
  const periods = [...expected.weeks, ...expected.months];
  if (expected.months.length === 0) throw new Error('expected.json lists no month');
  const asks = Object.entries(expected.regions).flatMap(([region, answers]) =>
    periods.flatMap((week) => GROUPINGS.map(({ groupBy, prefix }) => ({ region, week, groupBy, prefix, want: answers[week] }))),
  );
  const answers = await mapBounded(asks, ANSWERS_IN_FLIGHT, ({ region, week, groupBy }) => kpiAnswer(kpiUrl, readerKey, region, week, groupBy));
  const actual: Record<string, unknown> = {};
  const reference: Record<string, unknown> = {};
  asks.forEach(({ region, week, groupBy, prefix, want }, i) => {
    const name = `${region} ${week} ${groupBy ?? 'region'}`;
    const key = (row: { level: string; id: string }) => (row.level === 'region' ? 'region' : `${prefix}${row.id}`);
    actual[name] = Object.fromEntries(
      answers[i]!.rows.map((row) => [
        key(row),
        {
          kpis: row.kpis,
          targets: row.targets,
          counters: row.counters,
          ...(row.orgsWithoutHeadcount === undefined ? {} : { orgsWithoutHeadcount: row.orgsWithoutHeadcount }),
          ...(row.suppressed === undefined ? {} : { suppressed: row.suppressed, minTeacherDenominator: row.minTeacherDenominator }),
        },
      ]),
    );
    reference[name] = want === undefined ? 'no such week or month in expected.json' : Object.fromEntries(Object.entries(want.units).filter(([k]) => k.startsWith(prefix)));
  });
  return { actual, reference };
}

/**
 * The onboarding funnel of every week and month and every grouping of every
 * region of expected.json, under each of its stuckDays, as the API answers
 * and as the reference says, keyed "<region> <week or month> <grouping>
 * stuckDays <n>": the instant, whether the period was over, the steps' ids,
 * every unit, and the region's stuck organizations.
 */
export async function funnelAndReference(kpiUrl: string, readerKey: string, expected: Expected): Promise<Comparison> {
  if (expected.funnel.length === 0) throw new Error('expected.json has no funnel');
  const asks = expected.funnel.flatMap(({ stuckDays, regions }, set) =>
    Object.entries(regions).flatMap(([region, answers]) =>
      [...expected.weeks, ...expected.months].flatMap((period) =>
        GROUPINGS.map(({ groupBy, prefix }) => ({ region, period, groupBy, prefix, stuckDays, asked: set === 0 ? undefined : stuckDays, want: answers[period] })),
      ),
    ),
  );
  const answers = await mapBounded(asks, ANSWERS_IN_FLIGHT, ({ region, period, groupBy, asked }) => funnelAnswer(kpiUrl, readerKey, region, period, groupBy, asked));
  const actual: Record<string, unknown> = {};
  const reference: Record<string, unknown> = {};
  asks.forEach(({ region, period, groupBy, prefix, stuckDays, want }, i) => {
    const name = `${region} ${period} ${groupBy ?? 'region'} stuckDays ${stuckDays}`;
    const answer = answers[i]!;
    const key = (row: { level: string; id: string }) => (row.level === 'region' ? 'region' : `${prefix}${row.id}`);
    actual[name] = {
      at: answer.at,
      partial: answer.partial,
      stuckDays: answer.stuckDays,
      steps: answer.steps.map((s) => [s.step, s.id]),
      units: Object.fromEntries(answer.rows.map((row) => [key(row), { organizations: row.organizations, notStarted: row.notStarted, completed: row.completed, steps: row.steps }])),
      stuck: answer.stuck,
    };
    reference[name] =
      want === undefined
        ? 'no such week or month in expected.json'
        : {
            at: want.at,
            partial: want.partial,
            stuckDays: want.stuckDays,
            steps: want.units['region']!.steps.map((s) => [s.step, s.id]),
            units: Object.fromEntries(Object.entries(want.units).filter(([k]) => k.startsWith(prefix))),
            stuck: want.stuck,
          };
  });
  return { actual, reference };
}

/** KPI requests a comparison keeps in flight. */
const ANSWERS_IN_FLIGHT = 4;

/** Runs `work` over `items` with at most `limit` at once; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface ApiUnknownOrganizations {
  readonly total: number;
  readonly items: (ExpectedUnknownOrganization & { readonly source: string })[];
}

export function unknownOrganizations(kpiUrl: string, readerKey: string): Promise<ApiUnknownOrganizations> {
  return getJson<ApiUnknownOrganizations>(`${kpiUrl}/v1/registry/unknown-organizations?limit=1000`, readerKey);
}

/** `GET /v1/registry/unknown-organizations` and the reference's unknown organizations, each from `source`, ordered by orgId. */
export async function unknownOrganizationsAndReference(kpiUrl: string, readerKey: string, expected: Expected, source: string): Promise<Comparison> {
  const answer = await unknownOrganizations(kpiUrl, readerKey);
  const byOrg = (a: { orgId: string }, b: { orgId: string }) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0);
  return {
    actual: { total: answer.total, items: [...answer.items].sort(byOrg) },
    reference: { total: expected.unknownOrganizations.length, items: expected.unknownOrganizations.map((o) => ({ ...o, source })).sort(byOrg) },
  };
}

/** Imports a registry CSV (a simulator's registry.csv) into the KPI service with the admin key; resolves once it answered 200, throws otherwise. */
export async function importRegistry(kpiUrl: string, adminKey: string, csv: string): Promise<void> {
  const response = await fetch(`${kpiUrl}/v1/registry/organizations/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv; charset=utf-8', Authorization: `Bearer ${adminKey}` },
    body: csv,
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`registry import: the KPI service answered ${response.status}: ${body.slice(0, 500)}`);
}

async function getJson<T>(url: string, readerKey: string): Promise<T> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${readerKey}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 500)}`);
  return JSON.parse(body) as T;
}
