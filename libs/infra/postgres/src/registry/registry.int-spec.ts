import 'reflect-metadata';
import { formatOrganizationCsv, MunicipalityMovesRefused, ORGANIZATION_CSV_COLUMNS, validateOrganizationCsv } from '@sferum/domain';
import { createTestDatabase, expectEventually } from '@sferum/testing';
import { type DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { createKey, createSource, findKeyHolder, listSources, RegistryError, revokeSource, rotateSource } from '../keys/api-keys';
import { exportOrganizations, findMunicipalityMoves, findOrganization, findOrganizations, importOrganizations, listMunicipalities, regionCodes } from './organization-registry';
import { RegistryLookup } from './registry-lookup';
import { registrySnapshot } from './registry-snapshot';

const HEADER = ORGANIZATION_CSV_COLUMNS.join(',');

function bigCsv(count: number, headcount = (i: number) => String(i % 97)): string {
  const lines = [HEADER];
  for (let i = 0; i < count; i++) {
    const m = i % 35;
    lines.push(`org-${String(i).padStart(6, '0')},Школа № ${i},${i % 20 === 0 ? 'spo' : 'general'},nsk-m${m},Муниципалитет ${m},54,${headcount(i)}`);
  }
  return lines.join('\n') + '\n';
}

describe('organization registry against the real PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = createDataSource({ url: database.url });
    await ds.initialize();
    await ds.runMigrations();
  });

  afterAll(async () => {
    await ds.destroy();
    await database.drop();
  });

  const validate = async (csv: string) => validateOrganizationCsv(csv, { knownRegions: await regionCodes(ds) });

  it('imports 50,000 rows in one transaction; re-importing changes nothing', async () => {
    const csv = bigCsv(50_000);
    const { records, problems } = await validate(csv);
    expect(problems).toEqual([]);
    const progress: number[] = [];
    const first = await importOrganizations(ds, records, { onProgress: (done) => progress.push(done) });
    expect(first.organizations).toEqual({ inserted: 50_000, updated: 0, unchanged: 0 });
    expect(first.municipalities).toEqual({ inserted: 35, updated: 0, unchanged: 0 });
    expect(first.municipalityMoves).toEqual([]);
    expect(progress.at(-1)).toBe(50_000);

    const stamps = await ds.query(`SELECT max(updated_at) AS t FROM organization`);
    const again = await importOrganizations(ds, records);
    expect(again.organizations).toEqual({ inserted: 0, updated: 0, unchanged: 50_000 });
    expect(again.municipalities).toEqual({ inserted: 0, updated: 0, unchanged: 35 });
    expect(await ds.query(`SELECT max(updated_at) AS t FROM organization`)).toEqual(stamps);

    const changed = bigCsv(50_000, (i) => (i === 7 ? '999' : String(i % 97)));
    const third = await importOrganizations(ds, (await validate(changed)).records);
    expect(third.organizations).toEqual({ inserted: 0, updated: 1, unchanged: 49_999 });
  });

  it('export then import changes nothing, and exports the same bytes again', async () => {
    const exported = formatOrganizationCsv(await exportOrganizations(ds, '54'));
    expect(exported.split('\n')[0]).toBe(`${HEADER},connected,journal_linked,gov_label,list_collected,passed_to_coordinators,admins_informed,structure_built`);
    const report = await importOrganizations(ds, (await validate(exported)).records);
    expect(report.organizations.unchanged).toBe(50_000);
    expect(report.organizations.inserted + report.organizations.updated).toBe(0);
    expect(formatOrganizationCsv(await exportOrganizations(ds, '54'))).toBe(exported);
    expect(await exportOrganizations(ds, '42')).toEqual([]);
  });

  it("writes the organization facts a file states, and keeps those it does not state", async () => {
    const facts = async (id: string) => (await findOrganization(ds, id))!;
    const stated = await importOrganizations(ds, (await validate(`${HEADER},journal_linked,gov_label\n${bigCsv(2).split('\n').slice(1, 3).map((l, i) => `${l},${i === 0 ? 1 : 0},1`).join('\n')}\n`)).records);
    expect(stated.organizations).toEqual({ inserted: 0, updated: 2, unchanged: 0 });
    const [first, second] = (await validate(bigCsv(2))).records;
    expect(await facts(first!.orgId)).toMatchObject({ connected: false, journalLinked: true, govLabel: true });
    expect(await facts(second!.orgId)).toMatchObject({ connected: false, journalLinked: false, govLabel: true });
    // A file without the columns changes none of them; the same file again changes nothing.
    const again = await importOrganizations(ds, (await validate(bigCsv(2))).records);
    expect(again.organizations).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await facts(first!.orgId)).toMatchObject({ journalLinked: true, govLabel: true });
    expect((await exportOrganizations(ds, '54')).find((r) => r.orgId === first!.orgId)?.facts).toEqual({ connected: false, journal_linked: true, gov_label: true });
    // Stated as 0, they go back to no.
    await importOrganizations(ds, (await validate(`${HEADER},journal_linked,gov_label\n${bigCsv(1).split('\n')[1]},0,0\n`)).records);
    expect(await facts(first!.orgId)).toMatchObject({ journalLinked: false, govLabel: false });
  });

  it('writes the onboarding dates a file states, keeps those it does not state, and reads them back as the dates written', async () => {
    const [line] = bigCsv(1).split('\n').slice(1, 2);
    const orgId = (await validate(bigCsv(1))).records[0]!.orgId;
    const view = async () => (await findOrganization(ds, orgId))!.onboarding;
    await importOrganizations(ds, (await validate(`${HEADER},list_collected,admins_informed\n${line},2023-02-28,2024-02-29\n`)).records);
    // Dates, not instants: the same day whatever the zone of the client or the server.
    expect(await view()).toEqual({ list_collected: '2023-02-28', passed_to_coordinators: null, admins_informed: '2024-02-29', structure_built: null });
    expect((await registrySnapshot(ds)).organizations.find((o) => o.id === orgId)?.onboarding).toEqual(await view());
    // A file without the columns keeps them; one stating a column empty clears it.
    const again = await importOrganizations(ds, (await validate(`${HEADER},structure_built\n${line},2023-04-03\n`)).records);
    expect(again.organizations).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await view()).toEqual({ list_collected: '2023-02-28', passed_to_coordinators: null, admins_informed: '2024-02-29', structure_built: '2023-04-03' });
    await importOrganizations(ds, (await validate(`${HEADER},list_collected,admins_informed,structure_built\n${line},,,\n`)).records);
    expect(await view()).toEqual({ list_collected: null, passed_to_coordinators: null, admins_informed: null, structure_built: null });
  });

  it('applies nothing when the transaction fails half-way', async () => {
    const before = await ds.query('SELECT count(*)::int AS n FROM organization');
    const records = (await validate(bigCsv(6_000))).records.map((r, i) => (i < 5_999 ? { ...r, orgId: `new-${i}` } : { ...r, orgId: `new-${i}`, municipalityId: 'missing-municipality-' + 'x'.repeat(200) }));
    await expect(importOrganizations(ds, records)).rejects.toThrow();
    expect(await ds.query('SELECT count(*)::int AS n FROM organization')).toEqual(before);
  });

  it('reads with filters', async () => {
    const spo = await findOrganizations(ds, { regionCode: '54', category: 'spo', limit: 10, offset: 0 });
    expect(spo.total).toBe(2_500);
    expect(spo.items).toHaveLength(10);
    expect(spo.items.every((o) => o.category === 'spo')).toBe(true);
    const municipalities = await listMunicipalities(ds, '54');
    expect(municipalities).toHaveLength(35);
    expect(municipalities.reduce((n, m) => n + m.organizations, 0)).toBe(50_000);
  });

  it('the cached lookup answers without a query per event and sees changes within seconds', async () => {
    const lookup = new RegistryLookup(ds, { refreshMs: 200 });
    await lookup.start();
    try {
      expect(lookup.size).toBe(50_000);
      expect(lookup.organization('org-000007')).toEqual({
        regionCode: '54',
        municipalityId: 'nsk-m7',
        category: 'general',
        timeZone: 'Asia/Novosibirsk',
      });
      expect(lookup.organization('nope')).toBeUndefined();
      expect(lookup.regionTimeZone('42')).toBe('Asia/Novokuznetsk');

      await ds.query(`INSERT INTO municipality (id, name, region_code) VALUES ('kem-1', 'Кемерово', '42')`);
      await ds.query(`UPDATE organization SET municipality_id = 'kem-1', updated_at = now() WHERE id = 'org-000007'`);
      await expectEventually(() => expect(lookup.organization('org-000007')?.regionCode).toBe('42'), { timeoutMs: 5_000 });
      expect(lookup.organization('org-000007')?.timeZone).toBe('Asia/Novokuznetsk');

      await ds.query(`UPDATE region SET time_zone = 'Asia/Omsk' WHERE code = '54'`);
      await expectEventually(() => expect(lookup.organization('org-000008')?.timeZone).toBe('Asia/Omsk'), { timeoutMs: 5_000 });
      await ds.query(`UPDATE region SET time_zone = 'Asia/Novosibirsk' WHERE code = '54'`);
    } finally {
      lookup.stop();
    }
  });

  it('sources and keys: created once, stored as hashes, revocable, rotatable', async () => {
    const key = await createSource(ds, { name: 'edu-bus-54', homeRegion: '54', allowedRegions: ['54', '42'] });
    const holder = await findKeyHolder(ds, key);
    expect(holder).toEqual({
      keyId: expect.any(Number),
      role: 'source',
      source: { name: 'edu-bus-54', homeRegion: '54', allowedRegions: ['42', '54'] },
    });
    const stored: { key_hash: string }[] = await ds.query('SELECT key_hash FROM api_key');
    expect(stored.some((r) => r.key_hash.includes(key) || key.includes(r.key_hash))).toBe(false);

    await expect(createSource(ds, { name: 'edu-bus-54', homeRegion: '54', allowedRegions: null })).rejects.toThrow(RegistryError);
    await expect(createSource(ds, { name: 'x', homeRegion: '00', allowedRegions: null })).rejects.toThrow(/unknown region/);
    await expect(createSource(ds, { name: 'Bad Name', homeRegion: '54', allowedRegions: null })).rejects.toThrow(/source name/);

    const rotated = await rotateSource(ds, 'edu-bus-54');
    expect(await findKeyHolder(ds, key)).toBeUndefined();
    expect((await findKeyHolder(ds, rotated))?.source?.name).toBe('edu-bus-54');
    expect((await listSources(ds)).find((s) => s.name === 'edu-bus-54')?.activeKeys).toHaveLength(1);

    expect(await revokeSource(ds, 'edu-bus-54')).toBe(1);
    expect(await findKeyHolder(ds, rotated)).toBeUndefined();
    await expect(revokeSource(ds, 'nobody')).rejects.toThrow(/no source/);

    const admin = await createKey(ds, 'admin');
    expect(await findKeyHolder(ds, admin)).toEqual({ keyId: expect.any(Number), role: 'admin', source: null });
    expect(await findKeyHolder(ds, 'sfk_' + 'A'.repeat(43))).toBeUndefined();
  });

  describe('municipality moves', () => {
    const file = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
    const regionOf = async (id: string) => (await ds.query<{ region_code: string }[]>('SELECT region_code FROM municipality WHERE id = $1', [id]))[0]?.region_code;

    beforeAll(async () => {
      const { records, problems } = await validate(file('mv-1,Школа,general,mv-a,Район А,54,1', 'mv-2,Школа,general,mv-b,Район Б,54,2', 'mv-3,Школа,general,mv-c,Район В,42,3'));
      expect(problems).toEqual([]);
      await importOrganizations(ds, records);
    });

    it('refuses a file that moves municipalities to another region, lists each with both regions, and applies nothing', async () => {
      const { records } = await validate(
        file(
          'mv-1,Школа,general,mv-a,Район А,42,1', // mv-a: 54 -> 42
          'mv-2,Школа переименована,general,mv-b,Район Б,54,2', // a change that would apply
          'mv-3,Школа,general,mv-c,Район В,77,3', // mv-c: 42 -> 77
          'mv-4,Новая,general,mv-new,Новый район,77,4', // a new municipality: no move
        ),
      );
      const refused = await importOrganizations(ds, records).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(MunicipalityMovesRefused);
      expect((refused as MunicipalityMovesRefused).moves).toEqual([
        { municipalityId: 'mv-a', municipalityName: 'Район А', fromRegion: '54', toRegion: '42' },
        { municipalityId: 'mv-c', municipalityName: 'Район В', fromRegion: '42', toRegion: '77' },
      ]);
      expect(await findMunicipalityMoves(ds, records)).toEqual((refused as MunicipalityMovesRefused).moves);
      // Nothing applied: no region changed, no rename, no new organization or municipality.
      expect([await regionOf('mv-a'), await regionOf('mv-c'), await regionOf('mv-new')]).toEqual(['54', '42', undefined]);
      expect((await findOrganization(ds, 'mv-2'))?.orgName).toBe('Школа');
      expect(await findOrganization(ds, 'mv-4')).toBeUndefined();
    });

    it('applies the same file with the flag, and reports the moves it made', async () => {
      const { records } = await validate(file('mv-1,Школа,general,mv-a,Район А,42,1', 'mv-3,Школа,general,mv-c,Район В,77,3'));
      const report = await importOrganizations(ds, records, { allowMunicipalityMoves: true });
      expect(report.municipalityMoves).toEqual([
        { municipalityId: 'mv-a', municipalityName: 'Район А', fromRegion: '54', toRegion: '42' },
        { municipalityId: 'mv-c', municipalityName: 'Район В', fromRegion: '42', toRegion: '77' },
      ]);
      expect(report.municipalities).toEqual({ inserted: 0, updated: 2, unchanged: 0 });
      expect([await regionOf('mv-a'), await regionOf('mv-c')]).toEqual(['42', '77']);
      expect((await findOrganization(ds, 'mv-1'))?.regionCode).toBe('42');
      // Applied, the file is no move any more: importing it again needs no flag and changes nothing.
      const again = await importOrganizations(ds, records);
      expect(again).toMatchObject({ municipalityMoves: [], municipalities: { inserted: 0, updated: 0, unchanged: 2 }, organizations: { inserted: 0, updated: 0, unchanged: 2 } });
    });

    it('moves an organization to a municipality of another region without any flag', async () => {
      const { records } = await validate(file('mv-2,Школа,general,mv-c,Район В,77,2')); // mv-2: mv-b (54) -> mv-c (77)
      const report = await importOrganizations(ds, records);
      expect(report).toMatchObject({ municipalityMoves: [], organizations: { inserted: 0, updated: 1, unchanged: 0 } });
      expect((await findOrganization(ds, 'mv-2'))?.regionCode).toBe('77');
    });

    it('checks against the registry inside the transaction: two imports at once cannot slip a move past it', async () => {
      // Both create mv-race, one in 54 and one in 42: the second to take the lock sees the first's municipality.
      const [a, b] = await Promise.all([
        validate(file('race-1,Школа,general,mv-race,Гонка,54,1')),
        validate(file('race-2,Школа,general,mv-race,Гонка,42,1')),
      ]);
      const results = await Promise.allSettled([importOrganizations(ds, a.records), importOrganizations(ds, b.records)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(rejected.reason).toBeInstanceOf(MunicipalityMovesRefused);
      const winner = results[0].status === 'fulfilled' ? '54' : '42';
      expect(await regionOf('mv-race')).toBe(winner);
    });
  });
});
