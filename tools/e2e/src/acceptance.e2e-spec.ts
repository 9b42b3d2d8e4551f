import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * The acceptance suite: the simulator's `tiny` profile through the three
 * services running as processes (ingest -> Kafka -> aggregator ->
 * ClickHouse -> KPI API), and every indicator and counter of every unit
 * (region, municipalities, categories, organizations) of every week
 * compared with the simulator's independent reference answers, exactly.
 *
 * The services run on a database, a ClickHouse database and a topic of
 * their own, so the answers are exact on any machine, whatever data the
 * developer's own stack holds (`npm run up` loads the region profile).
 */
interface ExpectedUnit {
  kpis: Record<string, { numerator: number; denominator: number; value: number | null; band: string | null; previous: number | null }>;
  counters: Record<string, number>;
  orgsWithoutHeadcount?: number;
}
interface Expected {
  weeks: string[];
  events: { sent: number; distinct: number };
  regions: Record<string, Record<string, { unassignedEvents: number; units: Record<string, ExpectedUnit> }>>;
}
interface Answer {
  week: string;
  rows: (ExpectedUnit & { level: string; id: string })[];
  unassigned: { events: number };
}

const REGION = '25';
const GROUPINGS = [
  { groupBy: undefined, prefix: 'region' },
  { groupBy: 'municipality', prefix: 'municipality:' },
  { groupBy: 'category', prefix: 'category:' },
  { groupBy: 'organization', prefix: 'org:' },
] as const;

describe('acceptance: the tiny profile through the running pipeline', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sferum-acceptance-'));
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
    rmSync(outDir, { recursive: true, force: true });
  });

  const simulate = (args: string[]) => pipeline.simulate(['--profile', 'tiny', '--seed', '7', ...args]);

  const answer = async (week: string, groupBy?: string): Promise<Answer> => {
    const query = new URLSearchParams({ region: REGION, week, ...(groupBy === undefined ? {} : { groupBy }) });
    const response = await fetch(`${urls.kpi}/v1/kpi?${query.toString()}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  };

  /** Every unit of every week and grouping, as the API answers and as the reference says. */
  const compareAll = async (expected: Expected) => {
    const weeks = expected.regions[REGION]!;
    for (const week of expected.weeks) {
      const want = weeks[week]!;
      for (const { groupBy, prefix } of GROUPINGS) {
        const got = await answer(week, groupBy);
        const key = (row: { level: string; id: string }) => (row.level === 'region' ? 'region' : `${prefix}${row.id}`);
        const actual = Object.fromEntries(
          got.rows.map((row) => [key(row), { kpis: row.kpis, counters: row.counters, ...(row.orgsWithoutHeadcount === undefined ? {} : { orgsWithoutHeadcount: row.orgsWithoutHeadcount }) }]),
        );
        const reference = Object.fromEntries(Object.entries(want.units).filter(([k]) => k.startsWith(prefix)));
        expect({ week, groupBy, units: actual }).toEqual({ week, groupBy, units: reference });
        expect({ week, unassigned: got.unassigned.events }).toEqual({ week, unassigned: want.unassignedEvents });
      }
    }
  };

  let first: Expected;

  it('pushes the tiny profile, and the KPI service answers exactly what the reference computed', async () => {
    const run = await simulate(['--out', join(outDir, 'default'), '--wait', '--wait-timeout', '120']);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('agrees with the reference for every week') });
    first = JSON.parse(readFileSync(join(outDir, 'default', 'expected.json'), 'utf8')) as Expected;
    expect(first.weeks).toHaveLength(3);
    expect(first.events.sent).toBeGreaterThan(first.events.distinct); // exact duplicates were sent
    expect(first.events.distinct).toBeGreaterThan(2_000);
    await compareAll(first);
  }, 240_000);

  it('the profile puts values exactly on the band edges, and the API bands them by the rule', async () => {
    const last = first.weeks[2]!;
    const byId = Object.fromEntries((await answer(last, 'municipality')).rows.map((r) => [r.id, r.kpis]));
    const pick = (m: string, kpi: string) => ({ value: byId[m]![kpi]!.value, band: byId[m]![kpi]!.band });
    expect(pick('25-m1', 'active_schools')).toEqual({ value: 50, band: 'below_norm' });
    expect(pick('25-m1', 'teachers_10_messages')).toEqual({ value: 10, band: 'below_norm' });
    expect(pick('25-m2', 'active_schools')).toEqual({ value: 90, band: 'good' });
    expect(pick('25-m2', 'teachers_10_messages')).toEqual({ value: 25, band: 'good' });
    expect((await answer(first.weeks[1]!)).unassigned.events).toBe(4);
  });

  it('after a change of settings (headcount, calls started, text/file/poll only) it still agrees with the reference', async () => {
    const put = await fetch(`${urls.kpi}/v1/registry/regions/${REGION}/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ teacherDenominator: 'headcount', callMode: 'initiated', countedMessageKinds: ['text', 'file', 'poll'] }),
    });
    expect(put.status).toBe(200);
    // The same seed again, files only: the reference under the new settings.
    const run = await simulate(['--out', join(outDir, 'variant'), '--no-push', '--kpi-url', urls.kpi]);
    expect(run.code).toBe(0);
    const variant = JSON.parse(readFileSync(join(outDir, 'variant', 'expected.json'), 'utf8')) as Expected;
    // Deterministic: the same registry and the same events as the run that pushed.
    expect(readFileSync(join(outDir, 'variant', 'registry.csv'), 'utf8')).toBe(readFileSync(join(outDir, 'default', 'registry.csv'), 'utf8'));
    expect(variant.events).toEqual(first.events);
    // The settings matter for this data: stickers no longer count, the denominator is the headcount.
    const m1 = (e: Expected) => e.regions[REGION]![first.weeks[2]!]!.units['municipality:25-m1']!.kpis['teachers_10_messages']!;
    expect(m1(first)).toMatchObject({ numerator: 2, denominator: 20 });
    expect(m1(variant).numerator).toBe(1);
    expect(m1(variant).denominator).not.toBe(20);
    await compareAll(variant);
  }, 120_000);
});
