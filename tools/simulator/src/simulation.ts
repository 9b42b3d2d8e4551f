/**
 * One simulator run: build the profile's world, import its registry into
 * the KPI service, push its events through the ingest, compute the
 * reference answers, and optionally wait until the KPI service shows them.
 */
import { mkdirSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { regionEventChunks, DEFAULT_SHAPE } from './events';
import { IngestClient, type PushStats, waitForIngestRegistry } from './ingest-client';
import { type ApiKpiAnswer, type KpiClient } from './kpi-client';
import { type Profile } from './profiles';
import { Random } from './random';
import { type ExpectedWeek, ReferenceKpi, type ReferenceOrganization, type ReferenceSettings, type ReferenceThreshold } from './reference/reference-kpi';
import { REGISTRY_HEADER, registryCsvRows } from './registry-csv';
import { type RegionWorld, type SimUser } from './world';
import { weekEndUtc, weekStartUtc } from './zones';

export interface SimulationOptions {
  readonly profile: Profile;
  readonly seed: number;
  readonly weeks: readonly string[];
  readonly outDir: string;
  /** Settings and thresholds come from here; with importRegistry, the registry goes there. */
  readonly kpi?: KpiClient;
  readonly importRegistry?: boolean;
  readonly ingest?: { readonly url: string; readonly sourceKey: string; readonly batchSize: number; readonly concurrency: number; readonly ratePerSecond: number };
  readonly scenario?: Scenario;
  /** Also write every event pushed (duplicates included) as NDJSON. */
  readonly eventsFile?: string;
  readonly log: (line: string) => void;
  readonly progress: (line: string) => void;
}

/** Settings and thresholds the reference uses without a KPI service to ask: the defaults of a new deployment. */
export const DEFAULT_SETTINGS: ReferenceSettings = { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null };
export const FEDERAL_THRESHOLDS: ReferenceThreshold[] = [
  { kpi: 'active_schools', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'active_orgs', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_10_messages', lower: '10', upper: '25', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' },
];

/**
 * A change in the last simulated week, by municipality; each is what it
 * says by construction, whatever the seed and the weeks:
 * - `holdBack` sends none of the messages and calls of the users registered
 *   there (its upstream falls silent: the activity shares fall to 0);
 * - `deliverHeld` then sends exactly the held ones (the backlog arriving: a
 *   recovery to what the week really was);
 * - `boost` makes every teacher registered there write 10 group-chat
 *   messages and start a call besides the usual (the activity shares rise
 *   to 100%).
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
  readonly ceSource: string;
  readonly settings: Record<string, ReferenceSettings>;
  readonly thresholds: readonly ReferenceThreshold[];
  readonly events: { readonly sent: number; readonly distinct: number };
  /** Region code -> week -> units. */
  readonly regions: Record<string, Record<string, ExpectedWeek>>;
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
  const rng = new Random(options.seed);
  mkdirSync(options.outDir, { recursive: true });
  const world = (region: Profile['regions'][number]) => profile.buildWorld(region, weeks, rng.fork(`world:${region.code}`));

  // 1. The registry: written to the output folder and imported (the national profile region by region, never all in memory).
  const organizations: ReferenceOrganization[] = [];
  const csvRows: string[] = [];
  let orgCount = 0;
  for (const region of profile.regions) {
    const w = world(region);
    orgCount += w.organizations.length;
    csvRows.push(...registryCsvRows(w));
    if (profile.expected) organizations.push(...referenceOrganizations(w));
  }
  const csv = `${REGISTRY_HEADER}\n${csvRows.join('\n')}\n`;
  writeFileSync(join(options.outDir, 'registry.csv'), csv);
  options.log(`registry: ${orgCount.toLocaleString('en')} organizations in ${profile.regions.length} region(s) -> ${join(options.outDir, 'registry.csv')}`);
  if (options.kpi !== undefined && options.importRegistry === true) {
    const result = await options.kpi.importRegistry(csv);
    options.log(`registry imported into the KPI service: ${JSON.stringify(result)}`);
    if (options.ingest !== undefined) {
      const total = (await options.kpi.regions()).reduce((n, r) => n + r.organizations, 0);
      const waited = await waitForIngestRegistry(options.ingest.url, total, 60_000);
      options.log(`the ingest knows all ${total.toLocaleString('en')} organizations of the registry (waited ${(waited / 1000).toFixed(1)} s)`);
    }
  }

  // 2. Settings and thresholds the answers depend on: the KPI service's own, else the defaults.
  const settings: Record<string, ReferenceSettings> = {};
  let thresholds = FEDERAL_THRESHOLDS;
  if (profile.expected) {
    for (const region of profile.regions) settings[region.code] = options.kpi === undefined ? DEFAULT_SETTINGS : await options.kpi.settings(region.code);
    if (options.kpi !== undefined) thresholds = await options.kpi.thresholds();
  }

  // 3. The events, region by region and week by week; the reference sees each as it is sent.
  const ceSource = ceSourceOf(profile.name, options.seed, weeks);
  const reference = profile.expected
    ? new ReferenceKpi(organizations, new Map(profile.regions.map((r) => [r.code, r.zone])), profile.homeRegion)
    : undefined;
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
        });
  const file: WriteStream | undefined = options.eventsFile === undefined ? undefined : createWriteStream(options.eventsFile);
  let sent = 0;
  let chunkNo = 0;
  const chunksPerRegion = weeks.length + 2;
  const totalChunks = chunksPerRegion * profile.regions.length;
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const pushed = client?.stats.events ?? sent;
    options.progress(
      `events: ${pushed.toLocaleString('en')} ${client === undefined ? 'generated' : 'pushed'} (${Math.round(pushed / Math.max(seconds, 0.001)).toLocaleString('en')}/s), ` +
        `part ${Math.min(chunkNo, totalChunks)}/${totalChunks}${client !== undefined && client.stats.retries > 0 ? `, ${client.stats.retries} retries ${JSON.stringify(client.stats.retriesBy)}` : ''}`,
    );
  };
  const timer = setInterval(report, 1000);
  try {
    for (const region of profile.regions) {
      const w = world(region);
      const scenario = scenarioOf(w, options.scenario);
      for (const all of regionEventChunks(w, rng.fork(`events:${region.code}`), { shape: DEFAULT_SHAPE, ceSource, boost: scenario.boost })) {
        chunkNo++;
        const visible = options.scenario?.deliverHeld === true ? all : all.filter((e) => !scenario.held(e));
        const chunk = options.scenario?.deliverHeld === true ? all.filter((e) => scenario.held(e)) : visible;
        if (reference !== undefined) for (const event of visible) reference.observe(event);
        if (file !== undefined) await writeLines(file, chunk);
        if (client !== undefined) await client.push(chunk);
        sent += chunk.length;
      }
      chunkNo = Math.max(chunkNo, chunksPerRegion * (profile.regions.indexOf(region) + 1));
    }
    if (client !== undefined) await client.flush();
  } finally {
    clearInterval(timer);
    if (file !== undefined) await new Promise<void>((resolve) => file.end(resolve));
  }
  report();

  // 4. The reference answers.
  let expected: Expected | null = null;
  if (reference !== undefined) {
    const regions: Expected['regions'] = {};
    for (const region of profile.regions) regions[region.code] = reference.answers(region.code, weeks, settings[region.code]!, thresholds);
    expected = {
      profile: profile.name,
      seed: options.seed,
      weeks,
      ceSource,
      settings,
      thresholds,
      events: { sent: reference.counts.received, distinct: reference.counts.distinct },
      regions,
    };
    writeFileSync(join(options.outDir, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
    options.log(`reference answers -> ${join(options.outDir, 'expected.json')}`);
  }
  return { expected, push: client?.stats ?? null, seconds: (Date.now() - started) / 1000, eventsSent: sent };
}

function scenarioOf(world: RegionWorld, scenario: Scenario | undefined): { held: (e: AnyCloudEventV1) => boolean; boost: (u: SimUser, week: string) => boolean } {
  const lastWeek = world.weeks[world.weeks.length - 1]!;
  const municipalityOfOrg = new Map(world.organizations.map((o) => [o.id, o.municipalityId]));
  const registeredIn = (u: SimUser, municipalities: readonly string[]) => u.registrations.some((reg) => municipalities.includes(municipalityOfOrg.get(reg.orgId) ?? ''));
  const known = new Set(world.municipalities.map((m) => m.id));
  for (const m of [...(scenario?.holdBack ?? []), ...(scenario?.boost ?? [])]) {
    if (!known.has(m)) throw new Error(`scenario: no municipality ${m} in region ${world.region.code} (it has ${[...known].join(', ')})`);
  }
  const holdUsers = new Set(world.users.filter((u) => registeredIn(u, scenario?.holdBack ?? [])).map((u) => u.id));
  const boostUsers = new Set(world.users.filter((u) => registeredIn(u, scenario?.boost ?? [])).map((u) => u.id));
  const start = weekStartUtc(lastWeek, world.region.zone);
  const end = weekEndUtc(lastWeek, world.region.zone);
  return {
    held: (e) => {
      if (holdUsers.size === 0 || (e.type !== 'ru.sferum.message.sent' && e.type !== 'ru.sferum.call.joined')) return false;
      if (!holdUsers.has(e.data.userId)) return false;
      const t = Date.parse(e.time);
      return t >= start && t < end;
    },
    boost: (u, week) => week === lastWeek && boostUsers.has(u.id),
  };
}

function referenceOrganizations(world: RegionWorld): ReferenceOrganization[] {
  return world.organizations.map((o) => ({ id: o.id, category: o.category, municipalityId: o.municipalityId, regionCode: world.region.code, headcount: o.headcount }));
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
    const got = { kpis: row.kpis, counters: row.counters, ...(row.orgsWithoutHeadcount === undefined ? {} : { orgsWithoutHeadcount: row.orgsWithoutHeadcount }) };
    if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(want))) {
      problems.push(`${key}: expected ${JSON.stringify(canonical(want))}, got ${JSON.stringify(canonical(got))}`);
    }
  }
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
