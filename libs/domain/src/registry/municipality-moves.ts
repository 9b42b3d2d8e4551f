/**
 * A municipality that an import would place in another region. Moving an
 * organization to another municipality is an everyday correction; moving a
 * whole municipality to another region changes two regions' answers for
 * every past week, and is far more often a typo in region_code or an id
 * reused by mistake. So an import that would do it is refused unless the
 * operator says so explicitly.
 */
import { type OrganizationRecord } from './organization-csv';

export interface MunicipalityMove {
  readonly municipalityId: string;
  readonly municipalityName: string;
  /** The region the registry places it in now. */
  readonly fromRegion: string;
  /** The region the file places it in. */
  readonly toRegion: string;
}

/**
 * The municipalities of `records` that `current` (municipality id -> its
 * region in the registry) places in another region, ordered by id. A
 * municipality the registry does not know yet is no move.
 */
export function municipalityMoves(records: readonly OrganizationRecord[], current: ReadonlyMap<string, string>): MunicipalityMove[] {
  const moves = new Map<string, MunicipalityMove>();
  for (const r of records) {
    const fromRegion = current.get(r.municipalityId);
    if (fromRegion !== undefined && fromRegion !== r.regionCode && !moves.has(r.municipalityId)) {
      moves.set(r.municipalityId, { municipalityId: r.municipalityId, municipalityName: r.municipalityName, fromRegion, toRegion: r.regionCode });
    }
  }
  return [...moves.values()].sort((a, b) => (a.municipalityId < b.municipalityId ? -1 : a.municipalityId > b.municipalityId ? 1 : 0));
}

/** How a refused move is told: one line a municipality. */
export function describeMunicipalityMove(move: MunicipalityMove): string {
  return `municipality "${move.municipalityId}" (${move.municipalityName}) is in region ${move.fromRegion}; the file places it in region ${move.toRegion}`;
}

/** An import refused because it would move municipalities to other regions without being allowed to. */
export class MunicipalityMovesRefused extends Error {
  constructor(readonly moves: readonly MunicipalityMove[]) {
    super(`${moves.length} municipality move(s) to another region; nothing was applied (allow them explicitly to apply the file): ${moves.map(describeMunicipalityMove).join('; ')}`);
    this.name = 'MunicipalityMovesRefused';
  }
}
