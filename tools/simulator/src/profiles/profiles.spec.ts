import { createHash } from 'node:crypto';
import { type AnyCloudEventV1 } from '@sferum/contracts';
import { EventValidator } from '@sferum/domain';
import { DEFAULT_SHAPE, regionEventChunks } from '../events';
import { Random } from '../random';
import { ReferenceKpi } from '../reference/reference-kpi';
import { DEFAULT_SETTINGS, FEDERAL_THRESHOLDS } from '../simulation';
import { type RegionWorld } from '../world';
import { shiftWeek } from '../zones';
import { profileOf } from './index';

const LAST = '2026-W47';
const weeksOf = (n: number) => Array.from({ length: n }, (_, i) => shiftWeek(LAST, i - n + 1));

function generate(name: 'tiny' | 'region', seed: number, weekCount: number) {
  const profile = profileOf(name);
  const region = profile.regions[0]!;
  const rng = new Random(seed);
  const weeks = weeksOf(weekCount);
  const world = profile.buildWorld(region, weeks, rng.fork(`world:${region.code}`));
  const events: AnyCloudEventV1[] = [];
  for (const chunk of regionEventChunks(world, rng.fork('events'), { shape: DEFAULT_SHAPE, ceSource: 'urn:test' })) for (const e of chunk) events.push(e);
  return { profile, world, weeks, events };
}

function answers(world: RegionWorld, weeks: readonly string[], events: readonly AnyCloudEventV1[]) {
  const orgs = world.organizations.map((o) => ({ id: o.id, category: o.category, municipalityId: o.municipalityId, regionCode: world.region.code, headcount: o.headcount }));
  const reference = new ReferenceKpi(orgs, new Map([[world.region.code, world.region.zone]]));
  for (const e of events) reference.observe(e);
  return { reference, weeks: reference.answers(world.region.code, weeks, DEFAULT_SETTINGS, FEDERAL_THRESHOLDS) };
}

const digest = (events: readonly AnyCloudEventV1[]) => createHash('sha256').update(JSON.stringify(events)).digest('hex');

describe('simulator profiles', () => {
  const tiny = generate('tiny', 7, 3);

  it('every generated event is valid under contract v1 and carries no message text', () => {
    const validator = new EventValidator();
    const invalid = tiny.events.map((e) => validator.validate(e)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
  });

  it('is deterministic for a seed, and another seed gives other events', () => {
    expect(digest(generate('tiny', 7, 3).events)).toBe(digest(tiny.events));
    expect(digest(generate('tiny', 8, 3).events)).not.toBe(digest(tiny.events));
  });

  it('tiny: a few thousand events with exact duplicates, 2 municipalities, about 20 organizations', () => {
    const ids = new Set(tiny.events.map((e) => e.id));
    expect(tiny.events.length).toBeGreaterThan(2_000);
    expect(tiny.events.length).toBeLessThan(10_000);
    expect(ids.size).toBeLessThan(tiny.events.length);
    expect(tiny.world.municipalities).toHaveLength(2);
    expect(tiny.world.organizations).toHaveLength(22);
  });

  it('tiny: the last week puts values exactly on the band edges', () => {
    const last = answers(tiny.world, tiny.weeks, tiny.events).weeks[LAST]!.units;
    const pick = (unit: string, kpi: 'active_schools' | 'teachers_10_messages') => {
      const k = last[unit]!.kpis[kpi];
      return [k.numerator, k.denominator, k.value, k.band];
    };
    expect(pick('municipality:25-m1', 'active_schools')).toEqual([5, 10, 50, 'below_norm']);
    expect(pick('municipality:25-m1', 'teachers_10_messages')).toEqual([2, 20, 10, 'below_norm']);
    expect(pick('municipality:25-m2', 'active_schools')).toEqual([9, 10, 90, 'good']);
    expect(pick('municipality:25-m2', 'teachers_10_messages')).toEqual([5, 20, 25, 'good']);
  });

  it('tiny: the scripted cases near midnight fall in the week of the local time', () => {
    const [w1, w2, w3] = tiny.weeks as [string, string, string];
    const times = (user: string) => tiny.events.filter((e) => (e.data as { userId?: string }).userId === user && e.type === 'ru.sferum.message.sent').map((e) => e.time);
    expect(times('25-tz-monday').filter((t) => t.startsWith('2026-11-16T00:00:00.000+10:00') || t === '2026-11-15T14:00:00.000Z')).toHaveLength(1);
    expect(times('25-tz-sunday').some((t) => t === '2026-11-08T23:59:59.999+10:00' || t === '2026-11-08T13:59:59.999Z')).toBe(true);
    expect([w1, w2, w3]).toEqual(['2026-W45', '2026-W46', '2026-W47']);
  });

  it('region: believable figures for a region like the reference one', () => {
    const region = generate('region', 7, 1);
    const { weeks } = answers(region.world, region.weeks, region.events);
    const r = weeks[LAST]!.units['region']!;
    expect(region.world.municipalities).toHaveLength(35);
    // The plan's 1,004 schools, and the schools being onboarded (profiles/onboarding.ts): 13 by construction and 1.5% more organizations.
    const onboarding = region.world.organizations.filter((o) => o.id.startsWith('54-onb-'));
    expect(onboarding.length).toBe(13 + Math.round(1142 * 0.015));
    expect(r.kpis.active_schools.denominator).toBe(1004 + onboarding.filter((o) => o.category === 'general').length);
    expect(r.counters.teacher_headcount).toBeGreaterThan(18_000);
    expect(r.counters.teacher_headcount).toBeLessThan(25_000);
    expect(r.counters.registered_teachers).toBeGreaterThan(13_000);
    expect(r.counters.registered_teachers).toBeLessThan(19_000);
    expect(r.counters.registered_students).toBeGreaterThan(80_000);
    expect(r.counters.registered_students).toBeLessThan(120_000);
    expect(r.kpis.active_schools.value).toBeGreaterThan(85);
    // most teachers write little, a few a lot
    expect(r.counters.teachers_3_messages).toBeGreaterThan(r.counters.teachers_10_messages!);
    const bands = new Set(region.world.municipalities.map((m) => weeks[LAST]!.units[`municipality:${m.id}`]!.kpis.teachers_10_messages.band));
    expect(bands.size).toBeGreaterThanOrEqual(2);
  });
});
