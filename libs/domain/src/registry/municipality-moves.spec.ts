import { describeMunicipalityMove, municipalityMoves, MunicipalityMovesRefused } from './municipality-moves';
import { type OrganizationRecord } from './organization-csv';

const org = (orgId: string, municipalityId: string, regionCode: string, municipalityName = `М ${municipalityId}`): OrganizationRecord => ({
  orgId,
  orgName: 'Школа',
  category: 'general',
  municipalityId,
  municipalityName,
  regionCode,
  teacherHeadcount: null,
  facts: {},
  onboarding: {},
});

describe('municipalityMoves', () => {
  const registry = new Map([
    ['nsk-city', '54'],
    ['kem-1', '42'],
    ['b-mun', '54'],
  ]);

  it('lists each municipality the file places in another region once, ordered by id', () => {
    const moves = municipalityMoves(
      [org('o1', 'nsk-city', '42', 'Новосибирск'), org('o2', 'nsk-city', '42', 'Новосибирск'), org('o3', 'b-mun', '77'), org('o4', 'kem-1', '42')],
      registry,
    );
    expect(moves).toEqual([
      { municipalityId: 'b-mun', municipalityName: 'М b-mun', fromRegion: '54', toRegion: '77' },
      { municipalityId: 'nsk-city', municipalityName: 'Новосибирск', fromRegion: '54', toRegion: '42' },
    ]);
  });

  it('an organization moving to another municipality, even of another region, is no municipality move', () => {
    // o1 was in nsk-city (54) and is now in kem-1 (42): kem-1 stays in 42.
    expect(municipalityMoves([org('o1', 'kem-1', '42'), org('o2', 'nsk-city', '54')], registry)).toEqual([]);
  });

  it('a municipality the registry does not know yet is created, not moved', () => {
    expect(municipalityMoves([org('o1', '77-new', '77')], registry)).toEqual([]);
    expect(municipalityMoves([], registry)).toEqual([]);
  });

  it('the refusal names each move with its current and its new region', () => {
    const moves = municipalityMoves([org('o1', 'nsk-city', '42', 'Новосибирск')], registry);
    expect(describeMunicipalityMove(moves[0]!)).toBe('municipality "nsk-city" (Новосибирск) is in region 54; the file places it in region 42');
    const refused = new MunicipalityMovesRefused(moves);
    expect(refused.moves).toBe(moves);
    expect(refused.message).toBe(
      '1 municipality move(s) to another region; nothing was applied (allow them explicitly to apply the file): municipality "nsk-city" (Новосибирск) is in region 54; the file places it in region 42',
    );
  });
});
