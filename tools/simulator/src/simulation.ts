/**
 * One simulator run: build the profile's world, import its registry into
 * the KPI service (before the first event, half-way or after the last:
 * with read-time placement the order must not matter), push its events
 * through the ingest, compute the reference answers from the registry as
 * imported, and optionally wait until the KPI service shows them.
 */
import { mkdirSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { regionEventChunks, DEFAULT_SHAPE } from './events';
import { type FetchLike, IngestClient, type PushStats } from './ingest-client';
import { type ApiFunnelAnswer, type ApiKpiAnswer, type ApiUnknownOrganizations, type KpiClient } from './kpi-client';
import { type Profile } from './profiles';
import { FEDERAL_ZONES, isFederalSubject } from './profiles/subjects';
import { Random } from './random';
import {
  type ExpectedUnknownOrganization,
  type ExpectedWeek,
  ReferenceKpi,
  type ReferenceOrganization,
  type ReferenceSettings,
  type ReferenceThreshold,
} from './reference/reference-kpi';
import { type ExpectedFunnel, REFERENCE_STUCK_DAYS, ReferenceFunnel } from './reference/reference-funnel';
import { applyMoves, REGISTRY_HEADER, registryCsvLine, type RegistryMove, type RegistryMunicipality, type RegistryRow, registryRows } from './registry-csv';
import { allUsers, type RegionWorld, type SimUser } from './world';
import { monthsOfWeeks, weekEndUtc, weekStartUtc, wholeMonthsOfWeeks } from './zones';

export interface SimulationOptions {
  readonly profile: Profile;
  readonly seed: number;
  readonly weeks: readonly string[];
  /**
   * The simulator's present (epoch ms): a period not over then has its
   * funnel taken at the start of its hour (reference rule 11). Without it,
   * every period is taken at its end.
   */
  readonly now?: number;
  readonly outDir: string;
  /** Settings and thresholds come from here; with importRegistry, the registry goes there. */
  readonly kpi?: KpiClient;
  readonly importRegistry?: boolean;
  readonly ingest?: {
    readonly url: string;
    readonly sourceKey: string;
    readonly batchSize: number;
    readonly concurrency: number;
    readonly ratePerSecond: number;
    /** For the specs: the ingest's HTTP (default: fetch). */
    readonly fetch?: FetchLike;
  };
  readonly scenario?: Scenario;
  /** When the registry is imported: before the first event (default), after half of the event chunks, after the last event. */
  readonly registryAt?: RegistryAt;
  /** Organizations the registry places in another municipality than the profile does (the events stay the same). */
  readonly moves?: readonly RegistryMove[];
  /** Also write every event pushed (duplicates included) as NDJSON. */
  readonly eventsFile?: string;
  readonly log: (line: string) => void;
  readonly progress: (line: string) => void;
}

export const REGISTRY_AT = ['first', 'middle', 'last'] as const;
export type RegistryAt = (typeof REGISTRY_AT)[number];

/** Settings and thresholds the reference uses without a KPI service to ask: the defaults of a new deployment. */
export const DEFAULT_SETTINGS: ReferenceSettings = { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null, minTeacherDenominator: 5 };
export const FEDERAL_THRESHOLDS: ReferenceThreshold[] = [
  { kpi: 'active_schools', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'active_orgs', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_10_messages', lower: '10', upper: '25', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' },
];

/**
 * The stuckDays the reference funnel is computed for: the default first
 * (the acceptance asks for it without the parameter), then another.
 */
export const FUNNEL_STUCK_DAYS: readonly number[] = [REFERENCE_STUCK_DAYS, 7];

/**
 * A change in the last simulated week, by municipality; each is what it
 * says by construction, whatever the seed and the weeks:
 * - `holdBack` sends none of the messages and calls of the users registered
 *   there (its upstream falls silent: the activity shares fall to 0);
 * - `deliverHeld` then sends exactly the held ones (the backlog arriving: a
 *   recovery to what the week really was);
 * - `boost` makes every teacher registered there write 10 group-chat
 *   messages and start a call besides the usual, naming their organization
 *   there (the activity shares rise to 100%). A teacher of both a held-back
 *   and a boosted municipality sends these (and only these): naming an
 *   organization of the boosted one, they cannot count in the held one.
 * Municipalities are those of the profile's own registry (not of --move).
 */
export interface Scenario {
  readonly holdBack: readonly string[];
  readonly boost: readonly string[];
  readonly deliverHeld: boolean;
}

export interface Expected {
  readonly profile: string;
  readonly seed: number;
  readonly weeks: readonly string[];
  /** The calendar months the weeks' days fall in ("2026-11"), answered as well. */
  readonly months: readonly string[];
  /** Those of them every day of which is simulated. */
  readonly wholeMonths: readonly string[];
  readonly ceSource: string;
  /** The simulator's present the funnel of a period not over is taken at (its hour); null: every period at its end. */
  readonly now: string | null;
  readonly settings: Record<string, ReferenceSettings>;
  readonly thresholds: readonly ReferenceThreshold[];
  readonly events: { readonly sent: number; readonly distinct: number };
  /** The --move of the run: where the registry places these organizations instead. */
  readonly moves: readonly (RegistryMove & { readonly regionCode: string })[];
  /** Region code -> week or month -> units: every region the registry places organizations in. */
  readonly regions: Record<string, Record<string, ExpectedWeek>>;
  /** Organizations events named that the registry does not know, by orgId. */
  readonly unknownOrganizations: readonly ExpectedUnknownOrganization[];
  /**
   * The onboarding funnel (rule 11) under each of FUNNEL_STUCK_DAYS (the
   * default first): region code -> week or month -> the funnel.
   */
  readonly funnel: readonly { readonly stuckDays: number; readonly regions: Record<string, Record<string, ExpectedFunnel>> }[];
}

export interface SimulationResult {
  readonly expected: Expected | null;
  readonly push: PushStats | null;
  readonly seconds: number;
  readonly eventsSent: number;
}

export function ceSourceOf(profile: string, seed: number, weeks: readonly string[]): string {
  return `urn:sferum-simulator:${profile}:seed-${seed}:${weeks[0]}..${weeks[weeks.length - 1]}`;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const started = Date.now();
  const { profile, weeks } = options;
  const registryAt = options.registryAt ?? 'first';
  const rng = new Random(options.seed);
  mkdirSync(options.outDir, { recursive: true });
  const world = (region: Profile['regions'][number]) => profile.buildWorld(region, weeks, rng.fork(`world:${region.code}`));

  // 1. The registry, with the moves applied: written to the output folder (the national profile region by region, never its users all in memory).
  const { rows, moved } = profileRegistry(profile, world, options.moves ?? []);
  const csv = `${REGISTRY_HEADER}\n${rows.map(registryCsvLine).join('\n')}\n`;
  writeFileSync(join(options.outDir, 'registry.csv'), csv);
  const regionCodes = regionsOf(profile, rows);
  options.log(
    `registry: ${rows.length.toLocaleString('en')} organizations in ${regionCodes.length} region(s)` +
      `${moved.length === 0 ? '' : `, ${moved.map((m) => `${m.orgId} moved to ${m.municipalityId}`).join(', ')}`} -> ${join(options.outDir, 'registry.csv')}`,
  );

  // 2. The events, region by region and week by week; the reference keeps each as it is sent.
  const ceSource = ceSourceOf(profile.name, options.seed, weeks);
  const reference = profile.expected ? new ReferenceKpi(rows.map(referenceOrganization), zonesOf(profile, regionCodes)) : undefined;
  const funnel = profile.expected ? new ReferenceFunnel(rows.map(referenceOrganization), zonesOf(profile, regionCodes)) : undefined;
  const client =
    options.ingest === undefined
      ? undefined
      : new IngestClient({
          ingestUrl: options.ingest.url,
          sourceKey: options.ingest.sourceKey,
          batchSize: options.ingest.batchSize,
          concurrency: options.ingest.concurrency,
          ratePerSecond: options.ingest.ratePerSecond,
          retryForMs: 300_000,
          ...(options.ingest.fetch === undefined ? {} : { fetch: options.ingest.fetch }),
        });
  let chunkNo = 0;
  const chunksPerRegion = weeks.length + 2;
  const totalChunks = chunksPerRegion * profile.regions.length;
  const importRegistry = async () => {
    if (options.kpi === undefined || options.importRegistry !== true) return;
    // Events pushed so far are acknowledged first, so that "before" and "after" mean what they say.
    if (client !== undefined) await client.flush();
    const result = await options.kpi.importRegistry(csv);
    options.log(`registry imported into the KPI service (${registryAt === 'first' ? 'before the first event' : registryAt === 'middle' ? `after ${chunkNo} of ${totalChunks} event parts` : 'after the last event'}): ${JSON.stringify(result)}`);
  };
  const file: WriteStream | undefined = options.eventsFile === undefined ? undefined : createWriteStream(options.eventsFile);
  let sent = 0;
  const halfWay = Math.floor(totalChunks / 2);
  let imported = false;
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const pushed = client?.stats.events ?? sent;
    options.progress(
      `events: ${pushed.toLocaleString('en')} ${client === undefined ? 'generated' : 'pushed'} (${Math.round(pushed / Math.max(seconds, 0.001)).toLocaleString('en')}/s), ` +
        `part ${Math.min(chunkNo, totalChunks)}/${totalChunks}${client !== undefined && client.stats.retries > 0 ? `, ${client.stats.retries} retries ${JSON.stringify(client.stats.retriesBy)}` : ''}`,
    );
  };
  const importHalfWay = async () => {
    if (registryAt !== 'middle' || imported || chunkNo < halfWay) return;
    imported = true;
    await importRegistry();
  };
  if (registryAt === 'first') {
    imported = true;
    await importRegistry();
  }
  const timer = setInterval(report, 1000);
  try {
    for (const region of profile.regions) {
      const w = world(region);
      const scenario = scenarioOf(w, options.scenario);
      for (const all of regionEventChunks(w, rng.fork(`events:${region.code}`), { shape: DEFAULT_SHAPE, ceSource, boost: scenario.boost, onBoost: scenario.onBoost })) {
        chunkNo++;
        const visible = options.scenario?.deliverHeld === true ? all : all.filter((e) => !scenario.held(e));
        const chunk = options.scenario?.deliverHeld === true ? all.filter((e) => scenario.held(e)) : visible;
        if (reference !== undefined) for (const event of visible) reference.observe(event);
        if (funnel !== undefined) for (const event of visible) funnel.observe(event);
        if (file !== undefined) await writeLines(file, chunk);
        if (client !== undefined) await client.push(chunk);
        sent += chunk.length;
        await importHalfWay();
      }
      chunkNo = Math.max(chunkNo, chunksPerRegion * (profile.regions.indexOf(region) + 1));
      await importHalfWay();
    }
    if (client !== undefined) await client.flush();
    if (!imported) await importRegistry();
  } finally {
    clearInterval(timer);
    if (file !== undefined) await new Promise<void>((resolve) => file.end(resolve));
  }
  report();

  // 3. The reference answers, under the settings and thresholds of the KPI service (else the defaults).
  let expected: Expected | null = null;
  if (reference !== undefined) {
    const settings: Record<string, ReferenceSettings> = {};
    for (const code of regionCodes) settings[code] = options.kpi === undefined ? DEFAULT_SETTINGS : await options.kpi.settings(code);
    const thresholds = options.kpi === undefined ? FEDERAL_THRESHOLDS : await options.kpi.thresholds();
    const regions: Expected['regions'] = {};
    // Every calendar month a simulated day falls in (rule 9), beside the weeks.
    const months = monthsOfWeeks(weeks);
    for (const code of regionCodes) regions[code] = reference.answers(code, [...weeks, ...months], settings[code]!, thresholds);
    const funnels = FUNNEL_STUCK_DAYS.map((stuckDays) => ({
      stuckDays,
      regions: Object.fromEntries(regionCodes.map((code) => [code, funnel!.answers(code, [...weeks, ...months], stuckDays, options.now ?? Infinity)])),
    }));
    expected = {
      profile: profile.name,
      seed: options.seed,
      weeks,
      months,
      wholeMonths: wholeMonthsOfWeeks(weeks),
      ceSource,
      now: options.now === undefined ? null : new Date(options.now).toISOString(),
      settings,
      thresholds,
      events: { sent: reference.counts.received, distinct: reference.counts.distinct },
      moves: moved,
      regions,
      unknownOrganizations: reference.unknownOrganizations(),
      funnel: funnels,
    };
    writeFileSync(join(options.outDir, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
    options.log(`reference answers -> ${join(options.outDir, 'expected.json')}`);
  }
  return { expected, push: client?.stats ?? null, seconds: (Date.now() - started) / 1000, eventsSent: sent };
}

/** The profile's registry with the moves applied, and where each moved organization went. */
function profileRegistry(
  profile: Profile,
  world: (region: Profile['regions'][number]) => RegionWorld,
  moves: readonly RegistryMove[],
): { rows: RegistryRow[]; moved: (RegistryMove & { regionCode: string })[] } {
  const rows: RegistryRow[] = [];
  const municipalities = new Map<string, RegistryMunicipality>();
  for (const region of profile.regions) {
    const w = world(region);
    rows.push(...registryRows(w));
    for (const m of w.municipalities) municipalities.set(m.id, { name: m.name, regionCode: region.code });
  }
  if (moves.length === 0) return { rows, moved: [] };
  const placed = applyMoves(rows, moves, municipalities, isFederalSubject);
  const byId = new Map(placed.map((r) => [r.id, r]));
  return { rows: placed, moved: moves.map((m) => ({ ...m, regionCode: byId.get(m.orgId)!.regionCode })) };
}

/** The regions the registry places organizations in: the profile's first, in its order, then the others a move added. */
function regionsOf(profile: Profile, rows: readonly RegistryRow[]): string[] {
  const present = new Set(rows.map((r) => r.regionCode));
  const own = profile.regions.map((r) => r.code).filter((code) => present.has(code));
  return [...own, ...[...present].filter((code) => !own.includes(code)).sort()];
}

function zonesOf(profile: Profile, regionCodes: readonly string[]): Map<string, string> {
  const zones = new Map(profile.regions.map((r) => [r.code, r.zone]));
  for (const code of regionCodes) if (!zones.has(code)) zones.set(code, FEDERAL_ZONES.get(code)!);
  return zones;
}

interface ScenarioOfRegion {
  readonly held: (e: AnyCloudEventV1) => boolean;
  readonly boost: (u: SimUser, week: string) => readonly string[];
  readonly onBoost: (e: AnyCloudEventV1) => void;
}

function scenarioOf(world: RegionWorld, scenario: Scenario | undefined): ScenarioOfRegion {
  const lastWeek = world.weeks[world.weeks.length - 1]!;
  const municipalityOfOrg = new Map(world.organizations.map((o) => [o.id, o.municipalityId]));
  const registeredIn = (u: SimUser, municipalities: readonly string[]) => u.registrations.some((reg) => municipalities.includes(municipalityOfOrg.get(reg.orgId) ?? ''));
  const users = allUsers(world); // the onboarding's people too
  const known = new Set(world.municipalities.map((m) => m.id));
  for (const m of [...(scenario?.holdBack ?? []), ...(scenario?.boost ?? [])]) {
    if (!known.has(m)) throw new Error(`scenario: no municipality ${m} in region ${world.region.code} (it has ${[...known].join(', ')})`);
  }
  const both = (scenario?.holdBack ?? []).filter((m) => scenario?.boost.includes(m));
  if (both.length > 0) throw new Error(`scenario: ${both.join(', ')} both held back and boosted`);
  const holdUsers = new Set(users.filter((u) => registeredIn(u, scenario?.holdBack ?? [])).map((u) => u.id));
  // Per boosted teacher, an organization of theirs in each boosted municipality (their first there).
  const boostOrgs = new Map<string, string[]>();
  for (const u of users) {
    const orgs = (scenario?.boost ?? []).flatMap((m) => u.registrations.find((reg) => municipalityOfOrg.get(reg.orgId) === m)?.orgId ?? []);
    if (orgs.length > 0) boostOrgs.set(u.id, orgs);
  }
  const boosted = new WeakSet<AnyCloudEventV1>();
  const start = weekStartUtc(lastWeek, world.region.zone);
  const end = weekEndUtc(lastWeek, world.region.zone);
  return {
    held: (e) => {
      if (holdUsers.size === 0 || (e.type !== 'ru.sferum.message.sent' && e.type !== 'ru.sferum.call.joined')) return false;
      if (!holdUsers.has(e.data.userId) || boosted.has(e)) return false;
      const t = Date.parse(e.time);
      return t >= start && t < end;
    },
    boost: (u, week) => (week === lastWeek ? (boostOrgs.get(u.id) ?? []) : []),
    onBoost: (e) => boosted.add(e),
  };
}

function referenceOrganization(row: RegistryRow): ReferenceOrganization {
  return {
    id: row.id,
    category: row.category,
    municipalityId: row.municipalityId,
    regionCode: row.regionCode,
    headcount: row.headcount,
    facts: row.facts,
    onboarding: row.onboarding,
    name: row.name,
    municipalityName: row.municipalityName,
  };
}

function writeLines(file: WriteStream, events: readonly AnyCloudEventV1[]): Promise<void> {
  const ok = file.write(events.map((e) => JSON.stringify(e)).join('\n') + (events.length > 0 ? '\n' : ''));
  return ok ? Promise.resolve() : new Promise((resolve) => file.once('drain', () => resolve()));
}

/** The differences between the KPI service's answer and the reference for one week ([] when they agree). */
export function compareAnswer(answer: ApiKpiAnswer, expected: ExpectedWeek, unitKey: (level: string, id: string) => string): string[] {
  const problems: string[] = [];
  for (const row of answer.rows) {
    const key = unitKey(row.level, row.id);
    const want = expected.units[key];
    if (want === undefined) {
      problems.push(`${key}: not in the reference`);
      continue;
    }
    const got = {
      kpis: row.kpis,
      targets: row.targets,
      counters: row.counters,
      ...(row.orgsWithoutHeadcount === undefined ? {} : { orgsWithoutHeadcount: row.orgsWithoutHeadcount }),
      ...(row.suppressed === undefined ? {} : { suppressed: row.suppressed, minTeacherDenominator: row.minTeacherDenominator }),
    };
    if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(want))) {
      problems.push(`${key}: expected ${JSON.stringify(canonical(want))}, got ${JSON.stringify(canonical(got))}`);
    }
  }
  return problems;
}

/**
 * The differences between a GET /v1/funnel answer and the reference for one
 * week or month ([] when they agree): its instant, stuckDays, every row it
 * has and the region's stuck organizations.
 */
export function compareFunnel(answer: ApiFunnelAnswer, expected: ExpectedFunnel, unitKey: (level: string, id: string) => string): string[] {
  const problems: string[] = [];
  const head = (x: { at: string; stuckDays: number; partial: boolean }) => JSON.stringify({ at: x.at, partial: x.partial, stuckDays: x.stuckDays });
  if (head(answer) !== head(expected)) problems.push(`funnel: expected ${head(expected)}, got ${head(answer)}`);
  for (const row of answer.rows) {
    const key = unitKey(row.level, row.id);
    const want = expected.units[key];
    const got = { organizations: row.organizations, notStarted: row.notStarted, completed: row.completed, steps: row.steps };
    if (want === undefined) problems.push(`funnel ${key}: not in the reference`);
    else if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(want))) problems.push(`funnel ${key}: expected ${JSON.stringify(canonical(want))}, got ${JSON.stringify(canonical(got))}`);
  }
  if (JSON.stringify(canonical(answer.stuck)) !== JSON.stringify(canonical(expected.stuck))) {
    problems.push(`funnel stuck organizations: expected ${JSON.stringify(expected.stuck)}, got ${JSON.stringify(answer.stuck)}`);
  }
  return problems;
}

/**
 * The differences between `GET /v1/registry/unknown-organizations` and the
 * reference ([] when they agree). The answer's `source` is not compared:
 * one source pushes everything (the tests check it apart).
 */
export function compareUnknownOrganizations(answer: ApiUnknownOrganizations, expected: readonly ExpectedUnknownOrganization[]): string[] {
  const problems: string[] = [];
  if (answer.total !== expected.length) problems.push(`unknown organizations: expected ${expected.length}, the KPI service counts ${answer.total}`);
  const got = new Map<string, unknown>();
  for (const item of answer.items) {
    if (got.has(item.orgId)) problems.push(`unknown organization ${item.orgId}: listed more than once (from more than one source?)`);
    got.set(item.orgId, canonical({ events: item.events, firstEventTime: item.firstEventTime, lastEventTime: item.lastEventTime }));
  }
  for (const want of expected) {
    const have = got.get(want.orgId);
    const wanted = canonical({ events: want.events, firstEventTime: want.firstEventTime, lastEventTime: want.lastEventTime });
    if (have === undefined) problems.push(`unknown organization ${want.orgId}: not listed, expected ${JSON.stringify(wanted)}`);
    else if (JSON.stringify(have) !== JSON.stringify(wanted)) problems.push(`unknown organization ${want.orgId}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(have)}`);
    got.delete(want.orgId);
  }
  for (const orgId of got.keys()) problems.push(`unknown organization ${orgId}: listed, but the reference knows no event naming it or the registry knows it`);
  return problems;
}

/** Keys sorted at every level, so that two objects compare by content. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export const UNIT_KEY = (level: string, id: string): string => (level === 'region' ? 'region' : level === 'organization' ? `org:${id}` : `${level}:${id}`);
