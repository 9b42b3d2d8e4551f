import { ORGANIZATION_CSV_COLUMNS } from '@sferum/domain';
import { uniqueName } from '@sferum/testing';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * The registry, settings and thresholds API of the KPI service, on a
 * process of this suite's own with a database of its own (migrated, so
 * with the seeded regions and thresholds): nothing to clean up afterwards,
 * and nothing another suite or `npm run up` loaded can change an answer.
 */
const HEADER = ORGANIZATION_CSV_COLUMNS.join(',');
let pipeline: IsolatedPipeline<'kpi'>;
let API: string;
let adminKey: string;
/** What a read sends: every read of the KPI service needs a reader key. */
const read = () => ({ headers: bearer(pipeline.readerKey) });

beforeAll(async () => {
  pipeline = await startIsolatedPipeline({ name: 'registry', homeRegion: '54', services: ['kpi'] });
  API = `${pipeline.urls.kpi}/v1/registry`;
  adminKey = pipeline.adminKey;
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('registry API of the KPI service', () => {
  const run = uniqueName('e2e').replace(/_/g, '-');
  const municipality = `${run}-mun`;
  const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
  const goodFile = csv(
    `${run}-school-1,"Школа № 1, ""Лицей""",general,${municipality},Тестовый район,54,40`,
    `${run}-school-2,Школа № 2,general,${municipality},Тестовый район,54,`,
    `${run}-college,Колледж,spo,${municipality},Тестовый район,54,12`,
  );

  const post = (body: string, headers: Record<string, string>, query = '') =>
    fetch(`${API}/organizations/import${query}`, { method: 'POST', body, headers });

  it('rejects an import without a key (401), with an unknown key (401) and with a non-admin key (403)', async () => {
    const csvType = { 'Content-Type': 'text/csv' };
    const missing = await post(goodFile, csvType);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await post(goodFile, { ...csvType, Authorization: `Bearer sfk_${'x'.repeat(43)}` })).status).toBe(401);
    expect((await post(goodFile, { ...csvType, Authorization: 'Bearer not-a-key' })).status).toBe(401);
    const forbidden = await post(goodFile, { ...csvType, Authorization: `Bearer ${pipeline.sourceKey}` }); // a source of region 54, not an admin
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { detail: string }).detail).toContain('role admin');
  });

  it('answers 415 for another content type, 400 for a body that is not what its type says, 400 when empty', async () => {
    const auth = { Authorization: `Bearer ${adminKey}` };
    const json = await post('{"rows":[]}', { ...auth, 'Content-Type': 'application/json' });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { detail: string }).detail).toContain('Content-Type: text/csv');
    expect((await post(goodFile, { ...auth, 'Content-Type': 'text/plain' })).status).toBe(415);
    const malformed = await post(goodFile, { ...auth, 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect((await post('   ', { ...auth, 'Content-Type': 'text/csv' })).status).toBe(400);
  });

  it('a file with a bad row applies nothing and names the row', async () => {
    const bad = csv(
      `${run}-ok,Школа,general,${municipality},Тестовый район,54,1`,
      `${run}-bad,Школа,general,${municipality},Тестовый район,54,-3`,
    );
    const response = await post(bad, { 'Content-Type': 'text/csv', Authorization: `Bearer ${adminKey}` });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { problemCount: number; problems: unknown[] };
    expect(body.problemCount).toBe(1);
    expect(body.problems).toEqual([{ line: 3, column: 'teacher_headcount', reason: 'must not be negative (got -3)' }]);
    const found = await fetch(`${API}/organizations/${run}-ok`, read());
    expect(found.status).toBe(404);
  });

  it('imports, re-imports without change, and round-trips through the export', async () => {
    const headers = { 'Content-Type': 'text/csv; charset=utf-8', Authorization: `Bearer ${adminKey}` };
    const dry = await post(goodFile, headers, '?dryRun=true');
    expect(await dry.json()).toEqual({ dryRun: true, rows: 3 });
    expect((await fetch(`${API}/organizations/${run}-college`, read())).status).toBe(404);

    const first = await post(goodFile, headers);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { organizations: unknown }).organizations).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    const again = await post(goodFile, headers);
    expect(((await again.json()) as { organizations: unknown }).organizations).toEqual({ inserted: 0, updated: 0, unchanged: 3 });

    const exported = await fetch(`${API}/organizations/export?region=54`, read());
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const text = await exported.text();
    // The export writes the organization facts and onboarding dates too (none stated by the import's file: 0, empty).
    expect(text.split('\n')[0]).toBe(`${HEADER},connected,journal_linked,gov_label,list_collected,passed_to_coordinators,admins_informed,structure_built`);
    expect(text).toContain(`${run}-school-1,"Школа № 1, ""Лицей""",general,${municipality},Тестовый район,54,40,0,0,0,,,,\n`);
    const reimported = (await (await post(text, headers)).json()) as { organizations: { inserted: number; updated: number } };
    expect(reimported.organizations.inserted + reimported.organizations.updated).toBe(0);
    expect(await (await fetch(`${API}/organizations/export?region=54`, read())).text()).toBe(text);
  });

  it('reads regions, municipalities and organizations with filters', async () => {
    const regions = (await (await fetch(`${API}/regions`, read())).json()) as { items: { code: string; timeZone: string }[] };
    expect(regions.items).toHaveLength(89);
    expect(regions.items.find((r) => r.code === '54')?.timeZone).toBe('Asia/Novosibirsk');

    const municipalities = (await (await fetch(`${API}/regions/54/municipalities`, read())).json()) as {
      items: { id: string; organizations: number }[];
    };
    expect(municipalities.items.find((m) => m.id === municipality)?.organizations).toBe(3);

    const spo = (await (await fetch(`${API}/organizations?region=54&municipality=${municipality}&category=spo`, read())).json()) as {
      total: number;
      items: { orgId: string; teacherHeadcount: number | null; connected: boolean }[];
    };
    expect(spo.total).toBe(1);
    expect(spo.items[0]).toMatchObject({ orgId: `${run}-college`, teacherHeadcount: 12, connected: false });

    const one = (await (await fetch(`${API}/organizations/${run}-school-2`, read())).json()) as { teacherHeadcount: number | null };
    expect(one.teacherHeadcount).toBeNull();
  });

  it.each([
    ['organizations?region=99', 'region: unknown region code "99"'],
    ['organizations?region=5x', 'region: must be a two-digit region code'],
    ['organizations?category=school', 'category: must be one of'],
    ['organizations?limit=0', 'limit: must be an integer from 1 to 1000'],
    ["organizations?municipality=x'%20OR%201=1", 'municipality: must be 1 to 128 characters'],
    ['regions/999/municipalities', 'code: must be a two-digit region code'],
    ['regions//municipalities', 'code: required'],
    ['regions//settings', 'code: required'],
    ['regions/98/settings', 'code: unknown region code "98"'],
    ['organizations/export?region=00', 'region: unknown region code "00"'],
  ])('GET %s answers 400 with a reason', async (path, reason) => {
    const response = await fetch(`${API}/${path}`, read());
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toContain(reason);
  });
});

describe('KPI settings and thresholds', () => {
  /** key null: send no Authorization header. */
  const put = (path: string, body: unknown, key: string | null = adminKey) =>
    fetch(`${API}/${path}`, {
      method: 'PUT',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...(key === null ? {} : { Authorization: `Bearer ${key}` }) },
    });

  it('a region without settings has the defaults; an admin can change them', async () => {
    expect(await (await fetch(`${API}/regions/87/settings`, read())).json()).toEqual({
      teacherDenominator: 'registered',
      callMode: 'participated',
      countedMessageKinds: null,
      minTeacherDenominator: 5,
    });
    expect((await put('regions/87/settings', { callMode: 'initiated' }, null)).status).toBe(401);
    const changed = await put('regions/87/settings', {
      teacherDenominator: 'headcount',
      callMode: 'initiated',
      countedMessageKinds: ['text', 'poll', 'file', 'text'],
      minTeacherDenominator: 10,
    });
    expect(changed.status).toBe(200);
    expect(await (await fetch(`${API}/regions/87/settings`, read())).json()).toEqual({
      teacherDenominator: 'headcount',
      callMode: 'initiated',
      countedMessageKinds: ['file', 'poll', 'text'],
      minTeacherDenominator: 10,
    });
  });

  it.each([
    [{ callMode: 'sometimes' }, 'callMode: expected one of participated, initiated'],
    [{ countedMessageKinds: [] }, 'countedMessageKinds: expected null'],
    [{ countedMessageKinds: ['text', 'gif'] }, 'countedMessageKinds: expected null'],
    [{ colour: 'red' }, 'unknown field(s): colour'],
    [{ minTeacherDenominator: 0 }, 'minTeacherDenominator: expected an integer from 1 to 1000'],
    [{ minTeacherDenominator: 1001 }, 'minTeacherDenominator: expected an integer from 1 to 1000'],
    [{ minTeacherDenominator: 4.5 }, 'minTeacherDenominator: expected an integer from 1 to 1000'],
    [{ minTeacherDenominator: '5' }, 'minTeacherDenominator: expected an integer from 1 to 1000'],
  ])('rejects settings %j with a reason', async (body, reason) => {
    const response = await put('regions/87/settings', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain(reason);
  });

  it('thresholds are listed and added with an effective date', async () => {
    const seeded = (await (await fetch(`${API}/thresholds`, read())).json()) as { items: unknown[] };
    expect(seeded.items).toEqual(
      expect.arrayContaining([{ kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' }]),
    );
    expect((await put('thresholds/teachers_1_call', { lower: '1', upper: '2', effectiveFrom: '2099-01-05' })).status).toBe(200);
    const after = (await (await fetch(`${API}/thresholds`, read())).json()) as { items: unknown[] };
    expect(after.items).toContainEqual({ kpi: 'teachers_1_call', lower: '1', upper: '2', effectiveFrom: '2099-01-05' });
  });

  it.each([
    ['thresholds/no_such_kpi', { lower: '1', upper: '2', effectiveFrom: '2099-01-05' }, 'unknown KPI id'],
    ['thresholds/active_orgs', { lower: '60', upper: '50', effectiveFrom: '2099-01-05' }, 'is above upper edge'],
    ['thresholds/active_orgs', { lower: '1e2', upper: '50', effectiveFrom: '2099-01-05' }, 'invalid percentage'],
    ['thresholds/active_orgs', { lower: '1', upper: '2', effectiveFrom: '05.01.2099' }, 'effectiveFrom: expected a date'],
  ])('rejects PUT %s %j with a reason', async (path, body, reason) => {
    const response = await put(path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain(reason);
  });
});
