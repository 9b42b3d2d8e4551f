import { IDENTIFIER_PATTERN, ISO_DATE_PATTERN, ISO_WEEK_PATTERN, REGION_CODE_PATTERN } from '@sferum/contracts';
import { addWeeks, formatIsoWeek, lastCompleteWeek, ORGANIZATION_CSV_COLUMNS } from '@sferum/domain';
import fc from 'fast-check';
import { type OpenApiDocumentLike, schemaResolver } from './openapi-routes';
import { type ValueContext } from './schema-values';

/** The keys the suite holds: one of each role, and one that was revoked. */
export interface FuzzKeys {
  readonly reader: string;
  readonly admin: string;
  readonly source: string;
  readonly revoked: string;
}

export interface SeededMunicipality {
  readonly id: string;
  readonly name: string;
  readonly region: string;
}

export interface SeededOrganization {
  readonly id: string;
  readonly municipality: SeededMunicipality;
  readonly category: string;
}

/** What the services hold when the fuzzing starts, so valid-looking values name things that exist. */
export interface FuzzWorld {
  /** The services' clock at their start (TEST_NOW). */
  readonly nowMs: number;
  readonly keys: FuzzKeys;
  /** Every region the registry has (GET /v1/registry/regions). */
  readonly regionCodes: readonly string[];
  readonly municipalities: readonly SeededMunicipality[];
  readonly organizations: readonly SeededOrganization[];
  /** Weeks around the services' clock in the seeded regions' zones, newest first: the current one, the last complete one and 18 before. */
  readonly weeks: readonly string[];
}

/**
 * The registry loaded before the fuzzing: two municipalities of the
 * source's home region (54) and one of a region it may not send for (42).
 * Imports during the fuzzing may add to it or rename, never remove.
 */
export const SEEDED_MUNICIPALITIES: readonly SeededMunicipality[] = [
  { id: 'fz-54-a', name: 'Фаззинский район', region: '54' },
  { id: 'fz-54-b', name: 'г. Тестовск', region: '54' },
  { id: 'fz-42-a', name: 'Кемеровский фазз', region: '42' },
];

const CATEGORIES = ['general', 'general', 'spo', 'additional', 'preschool', 'mouo'] as const;

export const SEEDED_ORGANIZATIONS: readonly SeededOrganization[] = SEEDED_MUNICIPALITIES.flatMap((municipality) =>
  CATEGORIES.map((category, i) => ({ id: `${municipality.id}-${i + 1}`, municipality, category })),
);

export function seedCsv(): string {
  const rows = SEEDED_ORGANIZATIONS.map((org, i) =>
    [org.id, `"Организация № ${i + 1}, ${org.municipality.name}"`, org.category, org.municipality.id, org.municipality.name, org.municipality.region, String(10 + i)].join(','),
  );
  return [ORGANIZATION_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

export function fuzzWeeks(nowMs: number): string[] {
  const last = lastCompleteWeek(nowMs, 'Asia/Novosibirsk');
  return Array.from({ length: 20 }, (_, i) => formatIsoWeek(addWeeks(last, 1 - i)));
}

const identifier = fc.stringMatching(IDENTIFIER_PATTERN);
const day = (from: string, to: string) =>
  fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** The valid-looking values both services share: regions, weeks and dates as the registry and the clock have them. */
function sharedValues(world: FuzzWorld) {
  const seededRegions = [...new Set(world.municipalities.map((m) => m.region))];
  const region = fc.oneof(
    { arbitrary: fc.constantFrom(...seededRegions), weight: 6 },
    { arbitrary: fc.constantFrom(...world.regionCodes), weight: 2 },
    { arbitrary: fc.constantFrom('00', '99', '20'), weight: 1 },
  );
  const week = fc.oneof({ arbitrary: fc.constantFrom(...world.weeks), weight: 8 }, { arbitrary: fc.constantFrom('2023-W19', '2024-W01', '2025-W52'), weight: 1 });
  const date = fc.oneof({ arbitrary: day('2023-03-17', '2027-12-31'), weight: 4 }, { arbitrary: fc.constantFrom('2023-03-17', '2024-02-29', '2026-11-23'), weight: 1 });
  const byPattern = (pattern: string): fc.Arbitrary<string> | undefined => {
    if (pattern === REGION_CODE_PATTERN.source) return region;
    if (pattern === ISO_WEEK_PATTERN.source) return week;
    if (pattern === ISO_DATE_PATTERN.source) return date;
    return undefined;
  };
  return { region, week, date, byPattern };
}

/** Values of the KPI service's parameters and bodies. */
export function kpiContext(document: OpenApiDocumentLike, world: FuzzWorld): ValueContext {
  const { region, week, date, byPattern } = sharedValues(world);
  const municipality = fc.oneof({ arbitrary: fc.constantFrom(...world.municipalities.map((m) => m.id)), weight: 6 }, { arbitrary: identifier, weight: 1 });
  const organization = fc.oneof({ arbitrary: fc.constantFrom(...world.organizations.map((o) => o.id)), weight: 6 }, { arbitrary: identifier, weight: 1 });
  const percent = fc.oneof(fc.constantFrom('0', '0.5', '1', '10', '25', '50', '90', '100'), fc.integer({ min: 0, max: 100 }));
  const named: Record<string, fc.Arbitrary<unknown>> = {
    region,
    code: region,
    municipality,
    id: organization,
    week,
    // A history's first week mostly from the older weeks, its last from the newer: most ranges are the right way round.
    from: fc.oneof({ arbitrary: fc.constantFrom(...world.weeks.slice(8)), weight: 4 }, { arbitrary: week, weight: 1 }),
    to: fc.oneof({ arbitrary: fc.constantFrom(...world.weeks.slice(0, 12)), weight: 4 }, { arbitrary: week, weight: 1 }),
    effectiveFrom: date,
    lower: percent,
    upper: percent,
    limit: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.constantFrom(1, 100, 1_000)),
    offset: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(0)),
    // Alert settings: the document says "number" and "integer"; the ranges a region may set are these.
    dropPoints: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0.5, 2.25)),
    dropRelativePercent: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(12.5, 99.99)),
    baselineWeeks: fc.integer({ min: 1, max: 12 }),
    silenceHours: fc.integer({ min: 1, max: 168 }),
    schoolDays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    schoolDayStartHour: fc.integer({ min: 0, max: 11 }),
    schoolDayEndHour: fc.integer({ min: 12, max: 24 }),
  };
  return {
    resolve: schemaResolver(document),
    byName: (name) => named[name],
    byPattern: (pattern) => byPattern(pattern) ?? (pattern === IDENTIFIER_PATTERN.source ? organization : undefined),
  };
}

/** Values of the ingest's events: times the clock accepts, organizations the registry has (in the source's region and not), a few people. */
export function ingestContext(document: OpenApiDocumentLike, world: FuzzWorld): ValueContext {
  const { byPattern } = sharedValues(world);
  const homeOrgs = world.organizations.filter((o) => o.municipality.region === '54').map((o) => o.id);
  const otherOrgs = world.organizations.filter((o) => o.municipality.region !== '54').map((o) => o.id);
  const orgId = fc.oneof(
    { arbitrary: fc.constantFrom(...homeOrgs), weight: 8 },
    { arbitrary: fc.constantFrom(...otherOrgs), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 20 }).map((n) => `fz-unknown-${n}`), weight: 1 },
  );
  // Within the accepted window: at most 400 days old, at most 1 day ahead of the services' clock.
  const validTime = fc
    .tuple(fc.integer({ min: -60 * 86_400_000, max: 0 }), fc.constantFrom('Z', '+07:00', '+00:00', '-03:00', '+12:00'), fc.boolean())
    .map(([offsetMs, zone, millis]) => rfc3339(world.nowMs + offsetMs, zone, millis));
  // Inside the window too, but not instants: what a lenient parser turns into another day, and ClickHouse may refuse.
  const impossibleTime = fc.constantFrom(
    '2026-02-30T10:00:00Z',
    '2026-11-31T10:00:00+07:00',
    '2026-11-25T24:00:00Z',
    '2026-11-24T23:59:60Z',
    '2026-11-20T10:00:00.123456789Z',
    '2026-11-20T10:00:00+14:00',
    '2026-11-20T10:00:00-12:00',
    '2026-11-20t10:00:00z',
    '2026-11-20T10:00Z',
    '2026-11-20 10:00:00Z',
    '2026-11-20T10:00:00+0700',
  );
  const time = fc.oneof({ arbitrary: validTime, weight: 12 }, { arbitrary: impossibleTime, weight: 1 });
  const named: Record<string, fc.Arbitrary<unknown>> = {
    time,
    id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,35}$/),
    source: fc.constantFrom('urn:fuzz-bus', 'urn:school-bus', '//bus.example/a', 'https://bus.example/events'),
    orgId,
    userId: fc.integer({ min: 1, max: 60 }).map((n) => `fz-user-${n}`),
    chatId: fc.integer({ min: 1, max: 20 }).map((n) => `fz-chat-${n}`),
    callId: fc.integer({ min: 1, max: 20 }).map((n) => `fz-call-${n}`),
    datacontenttype: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    subject: fc.constantFrom('chat', 'lesson-1'),
    dataschema: fc.constantFrom('urn:sferum:schema:v1', 'https://sferum.example/schemas/v1/message.sent.json'),
  };
  return {
    resolve: schemaResolver(document),
    byName: (name) => named[name],
    byPattern: (pattern) => byPattern(pattern),
  };
}

/** An instant as RFC 3339 in a fixed offset ("+07:00") or UTC ("Z"), with or without milliseconds. */
function rfc3339(ms: number, zone: string, millis: boolean): string {
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  return `${millis ? local.slice(0, 23) : local.slice(0, 19)}${zone}`;
}
