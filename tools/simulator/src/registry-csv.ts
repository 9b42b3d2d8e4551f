/**
 * The registry CSV of simulated organizations, in the import format of the
 * KPI service, and `--move`: the same registry with some organizations
 * placed in another municipality (of the profile, or a new one in any
 * region), as a later import would place them.
 */
import { IDENTIFIER_PATTERN, type OrgCategory, REGISTRY_ONBOARDING_STEPS, type RegistryOnboarding } from '@sferum/contracts';
import { type RegionWorld } from './world';

/** The seven fixed columns, the facts, and the onboarding steps only the registry states (the local date each was done, or empty). */
export const REGISTRY_HEADER = `org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount,connected,journal_linked,gov_label,${REGISTRY_ONBOARDING_STEPS.join(',')}`;

/** What the registry states of an organization (its last three columns); events may say more. */
export interface RegistryFacts {
  readonly connected: boolean;
  readonly journalLinked: boolean;
  readonly govLabel: boolean;
}

/** One organization as the registry places it. */
export interface RegistryRow {
  readonly id: string;
  readonly name: string;
  readonly category: OrgCategory;
  readonly municipalityId: string;
  readonly municipalityName: string;
  readonly regionCode: string;
  readonly headcount: number | null;
  readonly facts: RegistryFacts;
  /** The local date (YYYY-MM-DD) of each onboarding step only the registry states, null when not yet. */
  readonly onboarding: RegistryOnboarding;
}

const NO_DATES: RegistryOnboarding = { list_collected: null, passed_to_coordinators: null, admins_informed: null, structure_built: null };

/** `ORG=MUNICIPALITY`: the registry places ORG in MUNICIPALITY instead. */
export interface RegistryMove {
  readonly orgId: string;
  readonly municipalityId: string;
}

export interface RegistryMunicipality {
  readonly name: string;
  readonly regionCode: string;
}

export class RegistryMoveError extends Error {}

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function registryRows(world: RegionWorld): RegistryRow[] {
  return world.organizations.map((o) => ({
    id: o.id,
    name: o.name,
    category: o.category,
    municipalityId: o.municipalityId,
    municipalityName: o.municipalityName,
    regionCode: world.region.code,
    headcount: o.headcount,
    facts: o.facts ?? registryFactsOf(o.id, o.category),
    onboarding: o.onboarding ?? NO_DATES,
  }));
}

/**
 * What a coordinator's list says of an organization (unless the world
 * states it, SimOrganization.facts), fixed by its id (so the
 * same in every run and order): connected for one in four, the journal
 * linked for one general-education school in three (and one other
 * organization in seven, which no school target counts), the label for one in five.
 */
export function registryFactsOf(id: string, category: OrgCategory): RegistryFacts {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return { connected: h % 4 === 0, journalLinked: category === 'general' ? (h >>> 3) % 3 === 0 : (h >>> 3) % 7 === 0, govLabel: (h >>> 6) % 5 === 0 };
}

export function registryCsvLine(row: RegistryRow): string {
  const flag = (b: boolean) => (b ? '1' : '0');
  return [
    row.id,
    row.name,
    row.category,
    row.municipalityId,
    row.municipalityName,
    row.regionCode,
    row.headcount === null ? '' : String(row.headcount),
    flag(row.facts.connected),
    flag(row.facts.journalLinked),
    flag(row.facts.govLabel),
    ...REGISTRY_ONBOARDING_STEPS.map((step) => row.onboarding[step] ?? ''),
  ]
    .map(field)
    .join(',');
}

/** "ORG=MUNICIPALITY[,ORG=MUNICIPALITY...]", each organization at most once. */
export function parseMoves(text: string): RegistryMove[] {
  const moves: RegistryMove[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^([^=]+)=([^=]+)$/.exec(part);
    if (m === null) throw new RegistryMoveError(`expected ORG=MUNICIPALITY, got "${part}"`);
    const [orgId, municipalityId] = [m[1]!.trim(), m[2]!.trim()];
    for (const id of [orgId, municipalityId]) if (!IDENTIFIER_PATTERN.test(id)) throw new RegistryMoveError(`"${id}" is not an identifier (1 to 128 of A-Z a-z 0-9 . _ : -)`);
    if (moves.some((x) => x.orgId === orgId)) throw new RegistryMoveError(`organization ${orgId} is moved twice`);
    moves.push({ orgId, municipalityId });
  }
  if (moves.length === 0) throw new RegistryMoveError('expected ORG=MUNICIPALITY');
  return moves;
}

/**
 * The rows with the moves applied. A municipality of the profile keeps its
 * name and region; any other id must be "RR-<suffix>" with RR a federal
 * subject: a new municipality of that region, named after its id.
 */
export function applyMoves(
  rows: readonly RegistryRow[],
  moves: readonly RegistryMove[],
  municipalities: ReadonlyMap<string, RegistryMunicipality>,
  isRegion: (code: string) => boolean,
): RegistryRow[] {
  const target = new Map<string, RegistryMunicipality & { id: string }>();
  for (const move of moves) {
    const known = municipalities.get(move.municipalityId);
    if (known !== undefined) {
      target.set(move.orgId, { id: move.municipalityId, ...known });
      continue;
    }
    const m = /^(\d{2})-.+$/.exec(move.municipalityId);
    if (m === null || !isRegion(m[1]!)) {
      throw new RegistryMoveError(`${move.municipalityId}: neither a municipality of the profile nor "RR-<suffix>" with RR one of the 89 federal subjects`);
    }
    target.set(move.orgId, { id: move.municipalityId, name: move.municipalityId, regionCode: m[1]! });
  }
  const missing = moves.filter((move) => !rows.some((r) => r.id === move.orgId)).map((move) => move.orgId);
  if (missing.length > 0) throw new RegistryMoveError(`no organization ${missing.join(', ')} in the profile's registry`);
  return rows.map((row) => {
    const to = target.get(row.id);
    return to === undefined ? row : { ...row, municipalityId: to.id, municipalityName: to.name, regionCode: to.regionCode };
  });
}
