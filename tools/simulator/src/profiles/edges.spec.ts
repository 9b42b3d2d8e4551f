import { createHash } from 'node:crypto';
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { EventValidator } from '@sferum/domain';
import { DEFAULT_SHAPE, regionEventChunks } from '../events';
import { Random } from '../random';
import { type ExpectedCounters, type ExpectedWeek, ReferenceKpi, type ReferenceOrganization } from '../reference/reference-kpi';
import { registryRows } from '../registry-csv';
import { DEFAULT_SETTINGS, FEDERAL_THRESHOLDS } from '../simulation';
import { type RegionWorld } from '../world';
import { offsetMinutes, weekStartUtc } from '../zones';
import { profileOf } from './index';

const WEEKS = ['2026-W46', '2026-W47'] as const;
const [W1, W2] = WEEKS;

function generate(seed: number) {
  const profile = profileOf('edges');
  const rng = new Random(seed);
  const worlds: RegionWorld[] = [];
  const events: AnyCloudEventV1[] = [];
  for (const region of profile.regions) {
    const world = profile.buildWorld(region, WEEKS, rng.fork(`world:${region.code}`));
    worlds.push(world);
    for (const chunk of regionEventChunks(world, rng.fork(`events:${region.code}`), { shape: DEFAULT_SHAPE, ceSource: 'urn:test' })) events.push(...chunk);
  }
  const orgs: ReferenceOrganization[] = worlds.flatMap((w) => registryRows(w));
  const zones = new Map(profile.regions.map((r) => [r.code, r.zone]));
  return { profile, worlds, events, orgs, zones };
}

const edges = generate(7);
type Answers = Record<string, Record<string, ExpectedWeek>>;

/** The reference's answers for every region, from a reference of the given class (the real one, or a spec's wrong variant). */
function answersOf(events: readonly AnyCloudEventV1[], make: (orgs: readonly ReferenceOrganization[], zones: ReadonlyMap<string, string>) => ReferenceKpi = (o, z) => new ReferenceKpi(o, z)): Answers {
  const reference = make(edges.orgs, edges.zones);
  for (const e of events) reference.observe(e);
  return Object.fromEntries(edges.profile.regions.map((r) => [r.code, reference.answers(r.code, WEEKS, DEFAULT_SETTINGS, FEDERAL_THRESHOLDS)]));
}
const counters = (a: Answers, region: string, week: string, unit = 'region'): ExpectedCounters => a[region]![week]!.units[unit]!.counters;

/** Wrong rule (test only): an event naming no organization weeked in the zone of the source's home region. */
class HomeZoneForUnnamed extends ReferenceKpi {
  protected override zoneOfEvent(named: ReferenceOrganization | undefined, unitRegion: string): string {
    return named === undefined ? edges.zones.get(edges.profile.homeRegion)! : super.zoneOfEvent(named, unitRegion);
  }
}
/** Wrong rule (test only): every event weeked in UTC. */
class UtcWeeks extends ReferenceKpi {
  protected override zoneOfEvent(): string {
    return 'UTC';
  }
}

describe('the edges profile', () => {
  const right = answersOf(edges.events);

  it('four regions in UTC+2, +3, +7 and +12, each with one municipality and two organizations; the source at home in 77', () => {
    expect(edges.profile.regions.map((r) => [r.code, r.zone, offsetMinutes(weekStartUtc(W1, r.zone), r.zone) / 60])).toEqual([
      ['39', 'Europe/Kaliningrad', 2],
      ['77', 'Europe/Moscow', 3],
      ['54', 'Asia/Novosibirsk', 7],
      ['41', 'Asia/Kamchatka', 12],
    ]);
    expect(edges.profile.homeRegion).toBe('77');
    for (const w of edges.worlds) expect([w.municipalities.length, w.organizations.length]).toEqual([1, 2]);
  });

  it('its events are valid under contract v1, with exact duplicates, and the same for a seed', () => {
    const validator = new EventValidator();
    expect(edges.events.map((e) => validator.validate(e)).filter((r) => !r.ok)).toEqual([]);
    expect(new Set(edges.events.map((e) => `${e.source}/${e.id}`)).size).toBeLessThan(edges.events.length);
    const digest = (events: readonly AnyCloudEventV1[]) => createHash('sha256').update(JSON.stringify(events)).digest('hex');
    expect(digest(generate(7).events)).toBe(digest(edges.events));
  });

  it('messages and calls without orgId at Sunday 23:59:59.999 and Monday 00:00:00.000 local, in every region', () => {
    const unnamed = edges.events.filter((e) => e.type !== 'ru.sferum.user.registered' && e.type !== 'ru.sferum.user.left' && (e.data as { orgId?: string }).orgId === undefined);
    for (const region of edges.profile.regions) {
      const local = unnamed
        .filter((e) => (e.data as { userId: string }).userId.startsWith(`${region.code}-`))
        .map((e) => {
          const t = Date.parse(e.time);
          const wall = new Date(t + offsetMinutes(t, region.zone) * 60_000).toISOString();
          return wall.slice(11, 23);
        });
      expect([region.code, local.filter((t) => t === '23:59:59.999').length >= 2, local.filter((t) => t === '00:00:00.000').length >= 2]).toEqual([region.code, true, true]);
    }
  });

  it('the reference: weeks cut in each region’s zone, registrations by the millisecond', () => {
    for (const region of ['39', '77', '54', '41']) {
      const two = region === '39' ? 1 : 0; // 39-two: 10 messages in W1 in Kaliningrad, 9 in Kamchatka
      // W1: R-mon (Monday 00:00:00.000) and R-sun (Sunday 23:59:59.999) write exactly 10
      expect([region, counters(right, region, W1).teachers_10_messages]).toEqual([region, 2 + two]);
      // W2: R-sun and R-named (naming its school, Monday 00:00:00.000)
      expect([region, counters(right, region, W2).teachers_10_messages]).toEqual([region, 2]);
      // R-o2: R-steady only (R-in-out joined and left 200 ms apart): not active; one teacher is a small cell (activity withheld)
      expect([region, counters(right, region, W1, `org:${region}-o2`)]).toEqual([region, expect.objectContaining({ registered_users: 1, active_orgs: 0, teachers_3_messages: null })]);
      // R-o1: R-reg-sun is registered at W1's end, R-reg-mon only from W2; R-out-in at W2's end
      const inKamchatka = region === '41' || region === '39' ? 1 : 0;
      expect([region, counters(right, region, W1, `org:${region}-o1`).registered_teachers]).toEqual([region, 5 + inKamchatka]);
      expect([region, counters(right, region, W2, `org:${region}-o1`).registered_teachers]).toEqual([region, 6 + inKamchatka]);
    }
    // 39-two in Kamchatka: 9 in W1 (its 10th is Monday 09:00 there)
    expect(counters(right, '41', W1).teachers_3_messages).toBeGreaterThanOrEqual(3);
    expect(counters(right, '41', W1).teachers_10_messages).toBe(2);
  });

  it('the unknown organization is listed, and its events count nowhere', () => {
    const reference = new ReferenceKpi(edges.orgs, edges.zones);
    for (const e of edges.events) reference.observe(e);
    expect(reference.unknownOrganizations()).toEqual([
      expect.objectContaining({ orgId: '77-unknown-001', events: expect.objectContaining({ 'ru.sferum.user.registered': 1, 'ru.sferum.message.sent': 4 }) }),
    ]);
  });

  it('cutting the week of events without orgId in the source’s home zone changes values', () => {
    const wrong = answersOf(edges.events, (o, z) => new HomeZoneForUnnamed(o, z));
    expect(wrong).not.toEqual(right);
    // Kaliningrad's Sunday 23:59:59.999 is Monday in Moscow: R-sun and 39-two lose their 10th message of W1
    expect(counters(wrong, '39', W1).teachers_10_messages).toBe(counters(right, '39', W1).teachers_10_messages! - 2);
    // Monday 00:00:00.000 in Novosibirsk and Kamchatka is still Sunday in Moscow: R-mon loses its 10th
    expect(counters(wrong, '54', W1).teachers_10_messages).toBe(counters(right, '54', W1).teachers_10_messages! - 1);
    expect(counters(wrong, '41', W1).teachers_10_messages).toBe(counters(right, '41', W1).teachers_10_messages! - 1);
    // the home region itself is the same either way
    expect(wrong['77']).toEqual(right['77']);
  });

  it('cutting weeks in UTC changes values in every region', () => {
    const wrong = answersOf(edges.events, (o, z) => new UtcWeeks(o, z));
    for (const region of ['39', '77', '54', '41']) {
      expect([region, counters(wrong, region, W1).teachers_10_messages]).toEqual([region, counters(right, region, W1).teachers_10_messages! - 1 + (region === '41' ? 1 : 0)]);
      expect([region, counters(wrong, region, W2).teachers_10_messages]).toEqual([region, 1]);
    }
  });

  it('comparing instants by the second instead of the millisecond changes values', () => {
    const bySecond = edges.events.map((e) => ({ ...e, time: new Date(Math.floor(Date.parse(e.time) / 1000) * 1000).toISOString() }) as AnyCloudEventV1);
    const wrong = answersOf(bySecond);
    for (const region of ['39', '77', '54', '41']) {
      // R-in-out's join and leave fall in the same second: the join wins, R-o2 has two users
      expect([region, counters(wrong, region, W1, `org:${region}-o2`)]).toEqual([region, expect.objectContaining({ registered_users: 2, active_orgs: 1, teachers_3_messages: null })]);
    }
  });
});
