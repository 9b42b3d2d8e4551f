import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually } from '@sferum/testing';
import { type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';
import {
  answersAndReference,
  type Expected,
  funnelAndReference,
  funnelAnswer,
  importRegistry,
  kpiAnswer,
  readExpected,
  unknownOrganizations,
  unknownOrganizationsAndReference,
} from './reference-answers';

/**
 * The acceptance suite: the simulator's profiles through the three
 * services running as processes (ingest -> Kafka -> aggregator ->
 * ClickHouse -> KPI API), and every indicator and counter of every unit
 * (region, municipalities, categories, organizations) of every week and month of
 * every region compared with the simulator's independent reference answers
 * (expected.json), exactly, the onboarding funnel of every unit, week and
 * month likewise (GET /v1/funnel, at the default stuckDays and at 7, with
 * its stuck organizations), and the unknown organizations with the ones it
 * lists.
 *
 * - `tiny`: values on the band edges, small cells (organizations of fewer
 *   than 5 teachers withheld, municipalities of 20 shown), a change of settings;
 * - `tiny` and `small` (the weeks of October 2026, a whole calendar month,
 *   with the thirteen funnel cases of profiles/onboarding.ts) in four orders, each on a fresh pipeline: the
 *   registry imported first, after the last event, during the stream, and
 *   the ingest restarted (its registry cache empty) mid-stream; the answers
 *   and expected.json the same in all four; then a later import that moves
 *   an organization to another municipality and one to another region (in
 *   another zone): the answers follow, past weeks too;
 * - `edges`: four regions in UTC+2, +3, +7 and +12 (the source's home in
 *   UTC+3), messages and calls without orgId at Sunday 23:59:59.999 and
 *   Monday 00:00:00.000 local, a join and a leave in one second.
 *
 * The services run on a database, a ClickHouse database and a topic of
 * their own, so the answers are exact on any machine, whatever data the
 * developer's own stack holds (`npm run up` loads the region profile).
 */
const outRoot = mkdtempSync(join(tmpdir(), 'sferum-acceptance-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** After the simulator's --wait (which compares the region rows only), the finer units may still be a flush behind. */
const SETTLE_MS = 60_000;

async function expectAnswersAsReference(pipeline: IsolatedPipeline, expected: Expected): Promise<void> {
  const { actual, reference } = await answersAndReference(pipeline.urls.kpi, pipeline.readerKey, expected);
  expect(actual).toEqual(reference);
  const funnel = await funnelAndReference(pipeline.urls.kpi, pipeline.readerKey, expected);
  expect(funnel.actual).toEqual(funnel.reference);
}

async function expectUnknownOrganizationsAsReference(pipeline: IsolatedPipeline, expected: Expected): Promise<void> {
  const { actual, reference } = await unknownOrganizationsAndReference(pipeline.urls.kpi, pipeline.readerKey, expected, pipeline.sourceName);
  expect(actual).toEqual(reference);
}

/** Waits (with a timeout) until every unit and the unknown organizations are exactly the reference's. */
async function expectSettledAsReference(pipeline: IsolatedPipeline, expected: Expected): Promise<void> {
  await expectEventually(() => expectAnswersAsReference(pipeline, expected), { timeoutMs: SETTLE_MS, intervalMs: 500 });
  await expectEventually(() => expectUnknownOrganizationsAsReference(pipeline, expected), { timeoutMs: SETTLE_MS, intervalMs: 500 });
}

const AGREES = 'agrees with the reference for every week';

describe('acceptance: the tiny profile through the running pipeline', () => {
  const REGION = '25';
  const outDir = join(outRoot, 'tiny');
  let pipeline: IsolatedPipeline;
  let urls: IsolatedPipeline['urls'];
  let adminKey: string;

  beforeAll(async () => {
    pipeline = await startIsolatedPipeline({ name: 'acceptance', homeRegion: REGION });
    urls = pipeline.urls;
    adminKey = pipeline.adminKey;
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  const simulate = (args: string[]) => pipeline.simulate(['--profile', 'tiny', '--seed', '7', ...args]);
  const answer = (week: string, groupBy?: string) => kpiAnswer(urls.kpi, pipeline.readerKey, REGION, week, groupBy);

  let first: Expected;

  it('pushes the tiny profile, and the KPI service answers exactly what the reference computed', async () => {
    const run = await simulate(['--out', join(outDir, 'default'), '--wait', '--wait-timeout', '120']);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining(AGREES) });
    first = readExpected(join(outDir, 'default')).expected;
    expect(first.weeks).toHaveLength(3);
    expect(Object.keys(first.regions)).toEqual([REGION]);
    expect(first.events.sent).toBeGreaterThan(first.events.distinct); // exact duplicates were sent
    expect(first.events.distinct).toBeGreaterThan(2_000);
    await expectSettledAsReference(pipeline, first);
  }, 240_000);

  it('the profile puts values exactly on the band edges, and the API bands them by the rule', async () => {
    const last = first.weeks[2]!;
    const byId = Object.fromEntries((await answer(last, 'municipality')).rows.map((r) => [r.id, r.kpis]));
    const pick = (m: string, kpi: string) => ({ value: byId[m]![kpi]!.value, band: byId[m]![kpi]!.band });
    expect(pick('25-m1', 'active_schools')).toEqual({ value: 50, band: 'below_norm' });
    expect(pick('25-m1', 'teachers_10_messages')).toEqual({ value: 10, band: 'below_norm' });
    expect(pick('25-m2', 'active_schools')).toEqual({ value: 90, band: 'good' });
    expect(pick('25-m2', 'teachers_10_messages')).toEqual({ value: 25, band: 'good' });
    // The user of an organization the registry does not know: 4 events in W2, counted nowhere, listed.
    const listed = (await unknownOrganizations(urls.kpi, pipeline.readerKey)).items.map((o) => ({
      orgId: o.orgId,
      source: o.source,
      events: Object.values(o.events).reduce((a, b) => a + b, 0),
    }));
    expect(listed).toEqual([{ orgId: '25-unknown-001', source: pipeline.sourceName, events: 4 }]);
  });

  it('small cells: units of fewer than 5 teachers withhold their teacher figures, units of 5 or more show them, in the reference and the API alike', async () => {
    const last = first.weeks[2]!;
    const units = Object.entries(first.regions[REGION]![last]!.units);
    const teachers = (u: (typeof units)[number][1]) => u.counters['registered_teachers']!;
    const small = units.filter(([, u]) => u.suppressed !== undefined);
    const shown = units.filter(([, u]) => u.suppressed === undefined);
    // Both sides of the minimum are in the profile: organizations of 0 to 3 teachers, the preschool category of 3; municipalities of 20.
    expect(small.map(([key, u]) => [key, u.suppressed, u.minTeacherDenominator, teachers(u) < 5])).toEqual(small.map(([key]) => [key, 'small_cell', 5, true]));
    expect(shown.map(([key, u]) => [key, teachers(u) >= 5])).toEqual(shown.map(([key]) => [key, true]));
    expect(small.map(([key]) => key)).toEqual(expect.arrayContaining(['org:25-g03', 'org:25-g06', 'category:preschool', 'category:spo']));
    expect(shown.map(([key]) => key)).toEqual(expect.arrayContaining(['region', 'municipality:25-m1', 'municipality:25-m2', 'category:general']));
    for (const [, u] of small) {
      expect([u.counters['teachers_10_messages'], u.counters['active_teachers'], u.kpis['teachers_10_messages']!.numerator, u.kpis['teachers_1_call']!.band]).toEqual([null, null, null, null]);
    }
    // The API's own rows (the comparison above already found them equal to the reference).
    const g06 = (await answer(last, 'organization')).rows.find((r) => r.id === '25-g06')!;
    expect(g06).toMatchObject({ suppressed: 'small_cell', minTeacherDenominator: 5, counters: { teachers_10_messages: null, active_teachers: null } });
    expect(g06.kpis['teachers_10_messages']).toMatchObject({ numerator: null, value: null, band: null, suppressed: 'small_cell' });
    expect(g06.counters['registered_teachers']).toBeGreaterThan(0);
  });

  it('after a change of settings (headcount, calls started, text/file/poll only, no small cells) it still agrees with the reference', async () => {
    const put = await fetch(`${urls.kpi}/v1/registry/regions/${REGION}/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
      // A minimum of 1 shows the organizations' teacher figures too, so that their placement is compared as well.
      body: JSON.stringify({ teacherDenominator: 'headcount', callMode: 'initiated', countedMessageKinds: ['text', 'file', 'poll'], minTeacherDenominator: 1 }),
    });
    expect(put.status).toBe(200);
    // The same seed again, files only: the reference under the new settings.
    const run = await simulate(['--out', join(outDir, 'variant'), '--no-push', '--kpi-url', urls.kpi]);
    expect(run.code).toBe(0);
    const variant = readExpected(join(outDir, 'variant')).expected;
    // Deterministic: the same registry and the same events as the run that pushed.
    expect(readFileSync(join(outDir, 'variant', 'registry.csv'), 'utf8')).toBe(readFileSync(join(outDir, 'default', 'registry.csv'), 'utf8'));
    expect(variant.events).toEqual(first.events);
    // The settings matter for this data: stickers no longer count, the denominator is the headcount.
    const m1 = (e: Expected) => e.regions[REGION]![first.weeks[2]!]!.units['municipality:25-m1']!.kpis['teachers_10_messages']!;
    expect(m1(first)).toMatchObject({ numerator: 2, denominator: 20 });
    expect(m1(variant).numerator).toBe(1);
    expect(m1(variant).denominator).not.toBe(20);
    await expectAnswersAsReference(pipeline, variant);
    await expectUnknownOrganizationsAsReference(pipeline, variant);
  }, 120_000);
});

type Order = 'first' | 'last' | 'middle' | 'restart';
const ORDERS: readonly { readonly order: Order; readonly title: string }[] = [
  { order: 'first', title: 'registry first' },
  { order: 'last', title: 'events first, registry imported after the last event' },
  { order: 'middle', title: 'registry imported during the stream' },
  { order: 'restart', title: 'ingest restarted (empty cache) mid-stream' },
];

interface OrderedProfile {
  readonly profile: 'tiny' | 'small';
  readonly region: string;
  /** The simulated weeks: the profile's own (tiny: its three), or those of a whole calendar month. */
  readonly weeks: readonly string[];
  /** The calendar months every day of which is simulated. */
  readonly wholeMonths: readonly string[];
  /**
   * The restart order: a push held to a rate (so that the stream lasts
   * several seconds whatever the machine), and how many accepted events the
   * first ingest process reports before the test stops it.
   */
  readonly restart: { readonly push: readonly string[]; readonly afterAccepted: number };
  /** One organization to another municipality of the region, one to a new municipality of a region in another zone. */
  readonly moves: string;
  readonly movedTo: string;
}

const ORDERED_PROFILES: readonly OrderedProfile[] = [
  // Primorsky krai (UTC+10): 25-p01's teachers write at the week's edges; Novosibirsk is UTC+7.
  { profile: 'tiny', region: '25', weeks: [], wholeMonths: [], restart: { push: ['--batch', '100', '--concurrency', '2', '--rate', '250'], afterAccepted: 500 }, moves: '25-p01=54-moved,25-g07=25-m2', movedTo: '54' },
  // Kemerovo oblast (UTC+7) to Moscow (UTC+3); October 2026 whole (W40..W44, ended at TEST_NOW: zones.spec.ts).
  {
    profile: 'small',
    region: '42',
    weeks: ['--month', '2026-10'],
    wholeMonths: ['2026-10'],
    restart: { push: ['--batch', '500', '--concurrency', '2', '--rate', '2500'], afterAccepted: 5_000 },
    moves: '42-general-0013=42-m02,42-preschool-0001=77-moved',
    movedTo: '77',
  },
];

/** Events the ingest process at `url` reports accepted from `source` since it started (ingest_events_total). */
async function acceptedEvents(url: string, source: string): Promise<number> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}/metrics: ${response.status}`);
  let total = 0;
  for (const m of text.matchAll(/^ingest_events_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = m[1]!;
    if (labels.includes('outcome="accepted"') && labels.includes(`source="${source}"`)) total += Number(m[2]);
  }
  return total;
}

/**
 * The funnel cases of profiles/onboarding.ts, asked of the API itself (they
 * are in the comparison with the reference too): what each is built to show
 * at the last week's end and the week before.
 */
async function expectFunnelCases(pipeline: IsolatedPipeline, expected: Expected, region: string): Promise<void> {
  const last = expected.weeks[expected.weeks.length - 1]!;
  const before = expected.weeks[expected.weeks.length - 2]!;
  const id = (c: string) => `${region}-onb-${c}`;
  const placeOf = async (week: string, stuckDays?: number) => {
    const answer = await funnelAnswer(pipeline.urls.kpi, pipeline.readerKey, region, week, 'organization', stuckDays);
    const step = (c: string) => {
      const row = answer.rows.find((r) => r.id === id(c))!;
      return row.notStarted === 1 ? 0 : row.steps.find((s) => s.atStep === 1)!.step;
    };
    return { answer, step, stuck: (c: string) => answer.stuck.find((s) => s.orgId === id(c)) };
  };
  const now = await placeOf(last);
  const cases = ['none', 'listed', 'passed', 'connected', 'informed', 'admin', 'structure', 'staff', 'active', 'chats', 'edge', 'boundary', 'boundary-ms'];
  expect(Object.fromEntries(cases.map((c) => [c, [now.step(c), now.stuck(c) === undefined ? 'not stuck' : 'stuck']]))).toEqual({
    none: [0, 'not stuck'],
    listed: [1, 'stuck'],
    passed: [2, 'stuck'],
    connected: [2, 'not stuck'],
    informed: [3, 'stuck'],
    admin: [4, 'stuck'],
    structure: [5, 'stuck'],
    staff: [6, 'stuck'],
    active: [7, 'stuck'],
    chats: [8, 'not stuck'],
    edge: [1, 'not stuck'],
    boundary: [1, 'not stuck'],
    'boundary-ms': [4, 'stuck'],
  });
  expect(now.stuck('boundary-ms')).toMatchObject({ days: 14, stepId: 'admin_registered' });
  const week = await placeOf(before);
  expect([week.step('edge'), week.step('chats')]).toEqual([0, 7]);
  const seven = await placeOf(last, 7);
  expect([seven.stuck('boundary')?.days, seven.stuck('edge')]).toEqual([14, undefined]);
}

describe.each(ORDERED_PROFILES)('acceptance: the $profile profile in four orders, each on a fresh pipeline', ({ profile, region, weeks, wholeMonths, restart, moves, movedTo }) => {
  /** The pipeline of the order that ran last: stopped when the next starts, used by the moves afterwards. */
  let current: IsolatedPipeline | undefined;
  const written = new Map<Order, { expected: Expected; text: string }>();

  afterAll(async () => {
    await current?.stop();
  });

  const args = (out: string) => ['--profile', profile, '--seed', '7', ...weeks, '--out', out, '--wait', '--wait-timeout', '120'];

  /** The simulator pushing at its rate; once the first ingest process accepted part of the events, a new one replaces it. */
  async function runWithIngestRestart(pipeline: IsolatedPipeline, out: string): Promise<{ code: number | null; output: string }> {
    let finished = false;
    const running = pipeline.simulate([...args(out), ...restart.push]).finally(() => {
      finished = true;
    });
    while ((await acceptedEvents(pipeline.urls.ingest, pipeline.sourceName)) < restart.afterAccepted) {
      if (finished) {
        const early = await running;
        throw new Error(`the simulator ended (${early.code}) before the ingest accepted ${restart.afterAccepted} events:\n${early.output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await pipeline.restart('ingest');
    const run = await running;
    // The new process took part of the stream too: the restart was in the middle of it.
    expect({ acceptedByTheNewProcess: (await acceptedEvents(pipeline.urls.ingest, pipeline.sourceName)) > 0 }).toEqual({ acceptedByTheNewProcess: true });
    return run;
  }

  it.each(ORDERS)('$title: every unit of every week and month exactly as the reference', async ({ order }) => {
    await current?.stop();
    current = undefined;
    const pipeline = (current = await startIsolatedPipeline({ name: `${profile}_${order}`, homeRegion: region }));
    const out = join(outRoot, `${profile}-${order}`);
    const run = order === 'restart' ? await runWithIngestRestart(pipeline, out) : await pipeline.simulate([...args(out), '--registry-at', order]);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining(AGREES) });
    const { expected, text } = readExpected(out);
    expect(Object.keys(expected.regions)).toEqual([region]);
    expect(expected.wholeMonths).toEqual(wholeMonths);
    await expectSettledAsReference(pipeline, expected);
    if (profile === 'small') await expectFunnelCases(pipeline, expected, region);
    written.set(order, { expected, text });
  }, 420_000);

  it('the four orders wrote the same expected.json, byte for byte', () => {
    expect([...written.keys()]).toEqual(ORDERS.map((o) => o.order));
    const reference = written.get('first')!.text;
    for (const [order, { text }] of written) expect({ order, text }).toEqual({ order, text: reference });
  });

  it('a later import moves an organization to another municipality and one to another region: every unit follows, past weeks too', async () => {
    const pipeline = current!;
    const unmoved = written.get('restart')?.expected;
    if (unmoved === undefined) throw new Error('the restart order did not complete: no pushed pipeline to move organizations in');
    const out = join(outRoot, `${profile}-moved`);
    const files = await pipeline.simulate(['--profile', profile, '--seed', '7', ...weeks, '--out', out, '--no-push', '--kpi-url', pipeline.urls.kpi, '--move', moves]);
    expect({ code: files.code, output: files.output }).toEqual({ code: 0, output: expect.any(String) });
    const moved = readExpected(out).expected;
    // The same events; a region added; the home region's answers change in past weeks too.
    expect(moved.events).toEqual(unmoved.events);
    expect(Object.keys(moved.regions)).toEqual([region, movedTo]);
    expect(moved.regions[region]![moved.weeks[0]!]).not.toEqual(unmoved.regions[region]![unmoved.weeks[0]!]);

    await importRegistry(pipeline.urls.kpi, pipeline.adminKey, readFileSync(join(out, 'registry.csv'), 'utf8'));
    // No wait beyond the import's answer: the next answer follows the new registry.
    await expectAnswersAsReference(pipeline, moved);
    await expectUnknownOrganizationsAsReference(pipeline, moved);
  }, 120_000);
});

describe('acceptance: the edges profile (UTC+2, +3, +7, +12 at the week edges; a join and a leave in one second)', () => {
  const REGIONS = ['39', '77', '54', '41'];
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    // The source (home Moscow) sends for all four regions.
    pipeline = await startIsolatedPipeline({ name: 'edges', homeRegion: '77', allowedRegions: REGIONS });
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('every unit of every week and month of the four regions, and the unknown organization, exactly as the reference', async () => {
    const out = join(outRoot, 'edges');
    const run = await pipeline.simulate(['--profile', 'edges', '--seed', '7', '--out', out, '--wait', '--wait-timeout', '120']);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining(AGREES) });
    const { expected } = readExpected(out);
    expect(Object.keys(expected.regions).sort()).toEqual([...REGIONS].sort());
    expect(expected.unknownOrganizations.map((o) => o.orgId)).toEqual(['77-unknown-001']);
    await expectSettledAsReference(pipeline, expected);
  }, 240_000);
});
