import { applyMoves, parseMoves, REGISTRY_HEADER, registryCsvLine, registryFactsOf, type RegistryRow } from './registry-csv';

const row = (id: string, municipalityId: string, regionCode = '25'): RegistryRow => ({
  id,
  name: `School ${id}`,
  category: 'general',
  municipalityId,
  municipalityName: `M ${municipalityId}`,
  regionCode,
  headcount: 5,
  facts: { connected: false, journalLinked: false, govLabel: false },
  onboarding: { list_collected: null, passed_to_coordinators: null, admins_informed: null, structure_built: null },
});
const ROWS = [row('25-a', '25-m1'), row('25-b', '25-m2'), row('39-c', '39-m1', '39')];
const MUNICIPALITIES = new Map([
  ['25-m1', { name: 'M 25-m1', regionCode: '25' }],
  ['25-m2', { name: 'M 25-m2', regionCode: '25' }],
  ['39-m1', { name: 'M 39-m1', regionCode: '39' }],
]);
const isRegion = (code: string) => ['25', '39', '77'].includes(code);

describe('the registry of a run', () => {
  it('writes a CSV line in the import format, quoting where needed', () => {
    expect(registryCsvLine({ ...row('25-a', '25-m1'), name: 'Школа "Гимназия", № 1', headcount: null })).toBe('25-a,"Школа ""Гимназия"", № 1",general,25-m1,M 25-m1,25,,0,0,0,,,,');
    expect(registryCsvLine({ ...row('25-a', '25-m1'), facts: { connected: true, journalLinked: false, govLabel: true } })).toBe('25-a,School 25-a,general,25-m1,M 25-m1,25,5,1,0,1,,,,');
  });

  it('writes the onboarding dates in the four columns named after their steps, empty when not yet', () => {
    expect(REGISTRY_HEADER).toBe(
      'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount,connected,journal_linked,gov_label,list_collected,passed_to_coordinators,admins_informed,structure_built',
    );
    const dated = { ...row('25-a', '25-m1'), onboarding: { list_collected: '2026-09-01', passed_to_coordinators: '2026-09-10', admins_informed: null, structure_built: '2026-10-02' } };
    expect(registryCsvLine(dated)).toBe('25-a,School 25-a,general,25-m1,M 25-m1,25,5,0,0,0,2026-09-01,2026-09-10,,2026-10-02');
  });

  it('states the facts of some organizations, the same for an id in every run', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `54-general-${i}`);
    const facts = ids.map((id) => registryFactsOf(id, 'general'));
    expect(facts).toEqual(ids.map((id) => registryFactsOf(id, 'general')));
    for (const key of ['connected', 'journalLinked', 'govLabel'] as const) {
      const n = facts.filter((f) => f[key]).length;
      expect([key, n > 40 && n < 200]).toEqual([key, true]); // some, not all
    }
  });

  it('reads --move: ORG=MUNICIPALITY, comma-separated, each organization once', () => {
    expect(parseMoves('25-a=25-m2, 39-c=77-new')).toEqual([
      { orgId: '25-a', municipalityId: '25-m2' },
      { orgId: '39-c', municipalityId: '77-new' },
    ]);
    expect(() => parseMoves('25-a')).toThrow('expected ORG=MUNICIPALITY, got "25-a"');
    expect(() => parseMoves('25-a=25-m2,25-a=25-m1')).toThrow('moved twice');
    expect(() => parseMoves('25 a=25-m2')).toThrow('not an identifier');
    expect(() => parseMoves(',')).toThrow('expected ORG=MUNICIPALITY');
  });

  it('moves to a municipality of the profile (its name and region) or to a new one RR-<suffix> named after its id', () => {
    const moved = applyMoves(ROWS, parseMoves('25-a=39-m1,25-b=77-new'), MUNICIPALITIES, isRegion);
    expect(moved).toEqual([
      { ...ROWS[0], municipalityId: '39-m1', municipalityName: 'M 39-m1', regionCode: '39' },
      { ...ROWS[1], municipalityId: '77-new', municipalityName: '77-new', regionCode: '77' },
      ROWS[2],
    ]);
    expect(() => applyMoves(ROWS, parseMoves('25-x=25-m1'), MUNICIPALITIES, isRegion)).toThrow('no organization 25-x');
    expect(() => applyMoves(ROWS, parseMoves('25-a=99-new'), MUNICIPALITIES, isRegion)).toThrow('federal subjects');
    expect(() => applyMoves(ROWS, parseMoves('25-a=elsewhere'), MUNICIPALITIES, isRegion)).toThrow('neither a municipality of the profile');
  });
});
