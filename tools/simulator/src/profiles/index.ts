/**
 * The simulator's profiles:
 *   tiny      one region by hand (see tiny.ts): the acceptance suite's data
 *   small     one region at random, 3 municipalities, about 1,000 teachers:
 *             the alert tests' data (drops and rises by scenario)
 *   region    one region like the reference region (Novosibirsk oblast, 54)
 *   national  the 89 regions in their own zones, about 2 million teachers,
 *             generated region by region as a stream (for benchmarks)
 *   edges     four regions in UTC+2, +3, +7 and +12 by hand (see edges.ts):
 *             the instants where a week or a registration is cut wrongly
 */
import { type Random } from '../random';
import { type RegionWorld, type SimRegion } from '../world';
import { buildEdgesWorld, EDGES_HOME_REGION, EDGES_REGIONS, EDGES_WEEKS } from './edges';
import { buildRegionWorld, type RegionPlan } from './region-plan';
import { FEDERAL_REGIONS, federalSubject } from './subjects';
import { buildTinyWorld, TINY_REGION, TINY_WEEKS } from './tiny';

export const PROFILE_NAMES = ['tiny', 'small', 'region', 'national', 'edges'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  readonly name: ProfileName;
  readonly regions: readonly SimRegion[];
  /** The region of the registered source pushing the events. */
  readonly homeRegion: string;
  readonly defaultWeeks: number;
  /** Exactly this many weeks, or any number up to maxWeeks. */
  readonly fixedWeeks?: number;
  /** Reference answers are computed (not for national: it is never held in memory). */
  readonly expected: boolean;
  buildWorld(region: SimRegion, weeks: readonly string[], rng: Random): RegionWorld;
}

/** The 35 municipal districts and urban districts of Novosibirsk oblast. */
const NOVOSIBIRSK_MUNICIPALITIES = [
  'Новосибирск', 'Бердск', 'Искитим', 'Обь', 'р.п. Кольцово', 'Баганский район', 'Барабинский район', 'Болотнинский район',
  'Венгеровский район', 'Доволенский район', 'Здвинский район', 'Искитимский район', 'Карасукский район', 'Каргатский район',
  'Колыванский район', 'Коченёвский район', 'Кочковский район', 'Краснозёрский район', 'Куйбышевский район', 'Купинский район',
  'Кыштовский район', 'Маслянинский район', 'Мошковский район', 'Новосибирский район', 'Ордынский район', 'Северный район',
  'Сузунский район', 'Татарский район', 'Тогучинский район', 'Убинский район', 'Усть-Таркский район', 'Чановский район',
  'Черепановский район', 'Чистоозёрный район', 'Чулымский район',
];

/** The reference region's organization profiles (domain brief, May 2023). */
export const REGION_PLAN: RegionPlan = {
  municipalityNames: NOVOSIBIRSK_MUNICIPALITIES,
  capitalWeight: 12,
  organizations: { general: 1004, spo: 30, additional: 23, additional_adult: 1, preschool: 24, mouo: 35, methodical: 19, pro_dev: 4, higher: 1, ministry: 1 },
  schoolHeadcount: 16.5,
  adoption: 0.74,
  studentsPerTeacher: 6.4,
  parentsPerStudent: 0.3,
  writerShare: 0.45,
  writerScale: 4,
  callerShare: 0.006,
};

/** Kemerovo oblast (UTC+7), three municipalities: small enough for tests, random like the region profile. */
const SMALL_PLAN: RegionPlan = {
  municipalityNames: ['Кемерово', 'Новокузнецк', 'Прокопьевск'],
  capitalWeight: 1.5,
  organizations: { general: 30, spo: 2, additional: 2, preschool: 2, mouo: 3, ministry: 1 },
  schoolHeadcount: 15,
  adoption: 0.8,
  studentsPerTeacher: 2,
  parentsPerStudent: 0.3,
  writerShare: 0.35,
  writerScale: 3,
  callerShare: 0.03,
};

/** A region of the national profile: about 500 organizations and 22,000 teachers, scaled per region. */
function nationalPlan(region: SimRegion, rng: Random): RegionPlan {
  const scale = Math.min(4, rng.fork(`scale:${region.code}`).logNormal(0.9, 0.5));
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  return {
    municipalityNames: Array.from({ length: n(28) }, (_, i) => `Муниципалитет ${i + 1}`),
    capitalWeight: 6,
    organizations: { general: n(440), spo: n(20), additional: n(15), preschool: n(20), mouo: n(28), methodical: n(5), pro_dev: 1, ministry: 1 },
    schoolHeadcount: 38,
    adoption: 0.74,
    studentsPerTeacher: 1,
    parentsPerStudent: 0.2,
    writerShare: 0.45,
    writerScale: 4,
    callerShare: 0.006,
  };
}

export function profileOf(name: ProfileName): Profile {
  switch (name) {
    case 'tiny':
      return {
        name,
        regions: [TINY_REGION],
        homeRegion: TINY_REGION.code,
        defaultWeeks: TINY_WEEKS,
        fixedWeeks: TINY_WEEKS,
        expected: true,
        buildWorld: (_region, weeks, rng) => buildTinyWorld(weeks, rng),
      };
    case 'small':
      return {
        name,
        regions: [federalSubject('42')],
        homeRegion: '42',
        defaultWeeks: 4,
        expected: true,
        buildWorld: (region, weeks, rng) => buildRegionWorld(SMALL_PLAN, region, weeks, rng.fork(region.code)),
      };
    case 'region':
      return {
        name,
        regions: [federalSubject('54')],
        homeRegion: '54',
        defaultWeeks: 4,
        expected: true,
        buildWorld: (region, weeks, rng) => buildRegionWorld(REGION_PLAN, region, weeks, rng.fork(region.code)),
      };
    case 'national':
      return {
        name,
        regions: FEDERAL_REGIONS,
        homeRegion: '77',
        defaultWeeks: 1,
        expected: false,
        buildWorld: (region, weeks, rng) => buildRegionWorld(nationalPlan(region, rng), region, weeks, rng.fork(region.code)),
      };
    case 'edges':
      return {
        name,
        regions: EDGES_REGIONS,
        homeRegion: EDGES_HOME_REGION,
        defaultWeeks: EDGES_WEEKS,
        fixedWeeks: EDGES_WEEKS,
        expected: true,
        buildWorld: (region, weeks, rng) => buildEdgesWorld(region, weeks, rng),
      };
  }
}
