import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FetchLike } from './ingest-client';
import { type ApiUnknownOrganizations, type KpiClient } from './kpi-client';
import { profileOf } from './profiles';
import { compareFunnel, compareUnknownOrganizations, DEFAULT_SETTINGS, type Expected, FEDERAL_THRESHOLDS, type RegistryAt, runSimulation, type SimulationOptions, UNIT_KEY } from './simulation';
import { weeksOfMonth } from './zones';

const TINY_WEEKS = ['2026-W45', '2026-W46', '2026-W47'];
const SMALL_WEEKS = ['2026-W44', '2026-W45', '2026-W46', '2026-W47'];
const quiet = { log: () => undefined, progress: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'sferum-simulation-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (out: string, file: string) => readFileSync(join(dir, out, file), 'utf8');
const expectedOf = (out: string) => JSON.parse(read(out, 'expected.json')) as Expected;

/** A KPI service that records when the registry came, and an ingest that accepts everything. */
function fakeServices() {
  let pushed = 0;
  const imports: { csv: string; eventsBefore: number }[] = [];
  const kpi = {
    importRegistry: (csv: string) => {
      imports.push({ csv, eventsBefore: pushed });
      return Promise.resolve({ inserted: 1 });
    },
    settings: () => Promise.resolve(DEFAULT_SETTINGS),
    thresholds: () => Promise.resolve(FEDERAL_THRESHOLDS),
  } as unknown as KpiClient;
  const fetch: FetchLike = (_url, init) => {
    const n = (JSON.parse(init.body) as unknown[]).length;
    pushed += n;
    return Promise.resolve({ status: 200, headers: { get: () => null }, text: () => Promise.resolve(JSON.stringify({ accepted: n, rejected: 0, rejections: [] })) });
  };
  return { kpi, fetch, imports, pushed: () => pushed };
}

const run = (out: string, extra: Partial<SimulationOptions> = {}) =>
  runSimulation({ profile: profileOf('tiny'), seed: 7, weeks: TINY_WEEKS, outDir: join(dir, out), ...quiet, ...extra });

describe('a simulator run', () => {
  it('imports the registry before the first event, half-way or after the last, and the answers do not depend on it', async () => {
    const at: Record<string, number> = {};
    let total = 0;
    for (const registryAt of ['first', 'middle', 'last'] as RegistryAt[]) {
      const services = fakeServices();
      await run(registryAt, {
        kpi: services.kpi,
        importRegistry: true,
        registryAt,
        ingest: { url: 'http://ingest', sourceKey: 'k', batchSize: 100, concurrency: 2, ratePerSecond: 0, fetch: services.fetch },
      });
      expect(services.imports).toHaveLength(1);
      expect(services.imports[0]!.csv).toBe(read(registryAt, 'registry.csv'));
      at[registryAt] = services.imports[0]!.eventsBefore;
      total = services.pushed();
    }
    expect(at['first']).toBe(0);
    expect(at['middle']).toBeGreaterThan(0);
    expect(at['middle']).toBeLessThan(total);
    expect(at['last']).toBe(total);
    expect(read('middle', 'expected.json')).toBe(read('first', 'expected.json'));
    expect(read('last', 'expected.json')).toBe(read('first', 'expected.json'));
  });

  it('--move places organizations elsewhere in the registry and the answers, with exactly the same events', async () => {
    await run('plain', { eventsFile: join(dir, 'plain.ndjson') });
    await run('moved', { eventsFile: join(dir, 'moved.ndjson'), moves: [{ orgId: '25-g03', municipalityId: '25-m2' }, { orgId: '25-g12', municipalityId: '39-moved' }] });
    expect(readFileSync(join(dir, 'moved.ndjson'), 'utf8')).toBe(readFileSync(join(dir, 'plain.ndjson'), 'utf8'));
    const changed = (a: string, b: string) => {
      const x = a.split('\n');
      const y = b.split('\n');
      return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]]]));
    };
    expect(changed(read('plain', 'registry.csv'), read('moved', 'registry.csv'))).toEqual([
      [
        '25-g03,Школа № 3 (Артём),general,25-m1,Артёмовский городской округ,25,11,0,1,0,2026-08-22,2026-09-01,2026-09-06,2026-09-16',
        '25-g03,Школа № 3 (Артём),general,25-m2,Находкинский городской округ,25,11,0,1,0,2026-08-22,2026-09-01,2026-09-06,2026-09-16',
      ],
      [
        '25-g12,Школа № 12 (Находка),general,25-m2,Находкинский городской округ,25,10,0,0,0,2026-08-26,2026-09-05,2026-09-10,2026-09-20',
        '25-g12,Школа № 12 (Находка),general,39-moved,39-moved,39,10,0,0,0,2026-08-26,2026-09-05,2026-09-10,2026-09-20',
      ],
    ]);
    const plain = expectedOf('plain');
    const moved = expectedOf('moved');
    expect(moved.events).toEqual(plain.events);
    expect(moved.moves).toEqual([
      { orgId: '25-g03', municipalityId: '25-m2', regionCode: '25' },
      { orgId: '25-g12', municipalityId: '39-moved', regionCode: '39' },
    ]);
    expect(Object.keys(moved.regions).sort()).toEqual(['25', '39']);
    const last = TINY_WEEKS[2]!;
    // the moved school's history counts where the registry now places it
    expect(moved.regions['39']![last]!.units['municipality:39-moved']!.counters.registered_users).toBe(plain.regions['25']![last]!.units['org:25-g12']!.counters.registered_users);
    expect(moved.regions['25']![last]!.units['org:25-g12']).toBeUndefined();
    expect(moved.regions['25']![last]!.units['org:25-g03']).toBeDefined();
    expect(moved.regions['25']![last]!.units['municipality:25-m1']!.counters.orgs).toBe(plain.regions['25']![last]!.units['municipality:25-m1']!.counters.orgs - 1);
    expect(moved.unknownOrganizations).toEqual(plain.unknownOrganizations);
    // The funnel too: the moved school in its new region, its registry dates read in that region's zone (UTC+2 instead of +10).
    const funnelOf = (e: Expected, region: string) => e.funnel[0]!.regions[region]![last]!;
    expect(funnelOf(moved, '39').units['org:25-g12']).toEqual(funnelOf(plain, '25').units['org:25-g12']);
    expect(funnelOf(moved, '25').units['org:25-g12']).toBeUndefined();
    expect(funnelOf(moved, '25').units['region']!.organizations).toBe(funnelOf(plain, '25').units['region']!.organizations - 1);
    expect(funnelOf(moved, '39').at).toBe('2026-11-22T22:00:00.000Z');
    await expect(run('nowhere', { moves: [{ orgId: '25-none', municipalityId: '25-m1' }] })).rejects.toThrow('no organization 25-none');
  });

  it('the scenarios hold by construction: the held-back municipality at 0, the boosted one at 100%', async () => {
    await runSimulation({
      profile: profileOf('small'),
      seed: 7,
      weeks: SMALL_WEEKS,
      outDir: join(dir, 'scenario'),
      scenario: { holdBack: ['42-m01'], boost: ['42-m02'], deliverHeld: false },
      ...quiet,
    });
    const units = expectedOf('scenario').regions['42']![SMALL_WEEKS[3]!]!.units;
    for (const kpi of ['teachers_10_messages', 'teachers_1_call'] as const) {
      expect([kpi, units['municipality:42-m01']!.kpis[kpi].value]).toEqual([kpi, 0]);
      expect([kpi, units['municipality:42-m02']!.kpis[kpi].value]).toEqual([kpi, 100]);
    }
    await expect(
      runSimulation({ profile: profileOf('small'), seed: 7, weeks: SMALL_WEEKS, outDir: join(dir, 'both'), scenario: { holdBack: ['42-m01'], boost: ['42-m01'], deliverHeld: false }, ...quiet }),
    ).rejects.toThrow('both held back and boosted');
  });
});

describe('the onboarding funnel of a run', () => {
  it('is in expected.json for every region, week and month, at the default stuckDays and at 7; a month not over at now taken at its hour', async () => {
    await run('funnel', { now: Date.parse('2026-11-25T12:34:00Z') });
    const e = expectedOf('funnel');
    expect(e.now).toBe('2026-11-25T12:34:00.000Z');
    expect(e.funnel.map((f) => [f.stuckDays, Object.keys(f.regions)])).toEqual([
      [14, ['25']],
      [7, ['25']],
    ]);
    const periods = e.funnel[0]!.regions['25']!;
    expect(Object.keys(periods)).toEqual([...TINY_WEEKS, '2026-11']);
    expect([periods['2026-W47']!.at, periods['2026-W47']!.partial]).toEqual(['2026-11-22T14:00:00.000Z', false]);
    expect([periods['2026-11']!.at, periods['2026-11']!.partial]).toEqual(['2026-11-25T12:00:00.000Z', true]);
    expect(Object.keys(periods['2026-W47']!.units)).toEqual(Object.keys(e.regions['25']!['2026-W47']!.units));
    expect(e.wholeMonths).toEqual([]);
  });

  it('--month: the small profile over the weeks of October 2026 has October whole', async () => {
    await runSimulation({ profile: profileOf('small'), seed: 7, weeks: weeksOfMonth('2026-10'), outDir: join(dir, 'october'), ...quiet });
    const e = expectedOf('october');
    expect([e.weeks, e.months, e.wholeMonths]).toEqual([['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44'], ['2026-09', '2026-10', '2026-11'], ['2026-10']]);
    expect(e.funnel[0]!.regions['42']!['2026-10']!.at).toBe('2026-10-31T17:00:00.000Z');
  });

  it('an answer agrees with the reference, or every difference is named', () => {
    const want = {
      at: '2026-11-22T14:00:00.000Z',
      partial: false,
      stuckDays: 14,
      units: { region: { organizations: 1, notStarted: 0, completed: 0, steps: [{ step: 1, id: 'list_collected' as const, reached: 1, atStep: 1, stuck: 1 }] } },
      stuck: [{ orgId: 'a', orgName: 'A', municipalityId: 'm', municipalityName: 'M', category: 'general', step: 1, stepId: 'list_collected' as const, since: '2026-10-01T14:00:00.000Z', days: 52 }],
    };
    const answer = { ...want, region: '25', regionName: 'R', period: 'week' as const, registryVersion: 3, steps: [], rows: [{ level: 'region', id: '25', name: 'R', ...want.units.region }] };
    expect(compareFunnel(answer, want, UNIT_KEY)).toEqual([]);
    const wrong = { ...answer, at: '2026-11-22T15:00:00.000Z', rows: [{ ...answer.rows[0]!, notStarted: 1 }, { ...answer.rows[0]!, level: 'municipality', id: 'x' }], stuck: [] };
    expect(compareFunnel(wrong, want, UNIT_KEY)).toEqual([
      expect.stringContaining('funnel: expected {"at":"2026-11-22T14:00:00.000Z"'),
      expect.stringContaining('funnel region: expected'),
      'funnel municipality:x: not in the reference',
      expect.stringContaining('funnel stuck organizations: expected'),
    ]);
  });
});

describe('the unknown organizations compared with the reference', () => {
  const want = [
    { orgId: 'a', events: { 'ru.sferum.message.sent': 3, 'ru.sferum.user.registered': 1 }, firstEventTime: '2026-11-17T03:00:00.000Z', lastEventTime: '2026-11-18T04:05:06.000Z' },
    { orgId: 'b', events: { 'ru.sferum.call.joined': 1 }, firstEventTime: '2026-11-19T00:00:00.000Z', lastEventTime: '2026-11-19T00:00:00.000Z' },
  ] as const;
  const item = (i: (typeof want)[number], source = 'upstream') => ({ ...i, source, events: { ...i.events } as Record<string, number> });

  it('agree whatever the order and the source', () => {
    const answer: ApiUnknownOrganizations = { total: 2, items: [item(want[1], 'another'), item(want[0])] };
    expect(compareUnknownOrganizations(answer, want)).toEqual([]);
  });

  it('name every difference', () => {
    const wrongTime = { ...item(want[0]), lastEventTime: '2026-11-18T04:05:06.789Z' };
    const extra = { orgId: 'c', source: 'upstream', events: { 'ru.sferum.user.left': 1 }, firstEventTime: '2026-11-19T00:00:00.000Z', lastEventTime: '2026-11-19T00:00:00.000Z' };
    const problems = compareUnknownOrganizations({ total: 2, items: [wrongTime, extra] }, want);
    expect(problems).toEqual([
      expect.stringContaining('unknown organization a: expected'),
      expect.stringContaining('unknown organization b: not listed'),
      expect.stringContaining('unknown organization c: listed'),
    ]);
    expect(compareUnknownOrganizations({ total: 3, items: [item(want[0]), item(want[1])] }, want)).toEqual([expect.stringContaining('expected 2, the KPI service counts 3')]);
    expect(compareUnknownOrganizations({ total: 0, items: [] }, [])).toEqual([]);
  });
});
