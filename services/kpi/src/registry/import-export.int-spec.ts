import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { ORGANIZATION_CSV_COLUMNS, parseCsv } from '@sferum/domain';
import { createServiceApp } from '@sferum/infra-http';
import { CLICKHOUSE_MIGRATIONS_DIR, ClickHouse, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { createDataSource, createKey } from '@sferum/infra-postgres';
import { createTestDatabase, expectEventually, stackEnv, uniqueName } from '@sferum/testing';
import ExcelJS from 'exceljs';
import { type DataSource } from 'typeorm';
import { loadKpiConfig } from '../kpi.config';
import { KpiModule } from '../kpi.module';

/**
 * The KPI service over HTTP on a database of its own (real PostgreSQL and
 * ClickHouse): names a spreadsheet could run refused at import and
 * neutralized in every export, municipality moves to another region only
 * with the flag, and weeks ClickHouse cannot hold answered 400.
 */
const HEADER = ORGANIZATION_CSV_COLUMNS.join(',');
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('KPI service: safe imports and exports', () => {
  const chDatabase = uniqueName('test_kpi_io');
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let app: INestApplication;
  let url: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    pg = await createTestDatabase('sferum_test_kpi_io');
    ds = createDataSource({ url: pg.url });
    await ds.initialize();
    await ds.runMigrations();
    await runClickHouseMigrations({ url: stackEnv().clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
    auth = { Authorization: `Bearer ${await createKey(ds, 'admin')}` };
    const env = { ...process.env, DATABASE_URL: pg.url, CLICKHOUSE_DATABASE: chDatabase, MONITOR_INTERVAL_SECONDS: '0', REGISTRY_REFRESH_MS: '200', LOG_LEVEL: 'error' };
    app = await createServiceApp(KpiModule.forRoot(loadKpiConfig(env)), {
      service: 'kpi',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      textBodies: [{ contentType: 'text/csv', limitBytes: 1024 * 1024 }],
    });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await expectEventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(200), { timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    const ch = new ClickHouse({ url: stackEnv().clickhouseUrl, database: chDatabase });
    await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
    await ch.close();
    await ds?.destroy();
    await pg?.drop();
  });

  const importCsv = async (body: string, query = '') => {
    const response = await fetch(`${url}/v1/registry/organizations/import${query}`, { method: 'POST', headers: { 'Content-Type': 'text/csv', ...auth }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = (path: string) => fetch(`${url}${path}`, { headers: auth });
  const regionOf = async (orgId: string) => ((await (await get(`/v1/registry/organizations/${orgId}`)).json()) as { regionCode: string }).regionCode;

  it('refuses names and ids a spreadsheet could run, each with its line and column (422, nothing applied)', async () => {
    const answer = await importCsv(
      csv('io-ok,Школа,general,io-a,Район А,54,10', 'io-1,"=HYPERLINK(""x"")",general,io-a,Район А,54,10', 'io-2,Школа,general,io-b,@SUM(A1),42,10', '-io-3,Школа,general,io-a,Район А,54,10'),
    );
    expect(answer.status).toBe(422);
    expect(answer.body['problems']).toEqual([
      { line: 3, column: 'org_name', reason: expect.stringContaining('would read it as a formula') },
      { line: 4, column: 'municipality_name', reason: expect.stringContaining('would read it as a formula') },
      { line: 5, column: 'org_id', reason: expect.stringContaining('must not begin with "-"') },
    ]);
    expect((await get('/v1/registry/organizations/io-ok')).status).toBe(404);
  });

  describe('municipality moves', () => {
    beforeAll(async () => {
      const first = await importCsv(csv('io-ok,Школа,general,io-a,Район А,54,10', 'io-2,Школа,general,io-b,Район Б,42,10'));
      expect(first.status).toBe(200);
    });

    const moving = csv('io-ok,Школа,general,io-a,Район А,42,10', 'io-2,Школа,general,io-b,Район Б,42,10');

    it('refuses an import (and its dry run) that moves a municipality to another region: 400 listing it, nothing applied', async () => {
      for (const query of ['', '?dryRun=true', '?allowMunicipalityMoves=false']) {
        const answer = await importCsv(moving, query);
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        expect(answer.body).toMatchObject({
          status: 400,
          parameter: 'allowMunicipalityMoves',
          detail: expect.stringContaining('municipality "io-a" (Район А) is in region 54; the file places it in region 42'),
          municipalityMoves: [{ municipalityId: 'io-a', municipalityName: 'Район А', fromRegion: '54', toRegion: '42' }],
        });
      }
      expect(await regionOf('io-ok')).toBe('54');
    });

    it.each(['yes', 'TRUE', '1'])('reads allowMunicipalityMoves strictly: %j is a 400', async (value) => {
      const answer = await importCsv(moving, `?allowMunicipalityMoves=${value}`);
      expect(answer).toMatchObject({ status: 400, body: { parameter: 'allowMunicipalityMoves', detail: 'allowMunicipalityMoves: must be true or false' } });
    });

    it('applies the move with allowMunicipalityMoves=true and reports it', async () => {
      expect(await importCsv(moving, '?dryRun=true&allowMunicipalityMoves=true')).toEqual({ status: 200, body: { dryRun: true, rows: 2 } });
      const answer = await importCsv(moving, '?allowMunicipalityMoves=true');
      expect(answer.status).toBe(200);
      expect(answer.body['municipalityMoves']).toEqual([{ municipalityId: 'io-a', municipalityName: 'Район А', fromRegion: '54', toRegion: '42' }]);
      expect(await regionOf('io-ok')).toBe('42');
    });

    it('moves an organization to a municipality of another region without the flag', async () => {
      const answer = await importCsv(csv('io-2,Школа,general,io-c,Район В,54,10'));
      expect(answer.status).toBe(200);
      expect(answer.body['municipalityMoves']).toEqual([]);
      expect(await regionOf('io-2')).toBe('54');
    });
  });

  describe('exports', () => {
    // Names stored before the import refused them (written straight into the registry).
    const NAME = '=HYPERLINK("http://evil.example","Отчёт")';
    beforeAll(async () => {
      await ds.query(`INSERT INTO municipality (id, name, region_code) VALUES ('io-legacy', '+Район', '54')`);
      await ds.query(`INSERT INTO organization (id, name, category, municipality_id, teacher_headcount) VALUES ('io-legacy-1', $1, 'general', 'io-legacy', 12)`, [NAME]);
    });

    it('the registry export neutralizes them, and a number stays a number', async () => {
      const text = await (await get('/v1/registry/organizations/export?region=54')).text();
      expect(text).toContain(`io-legacy-1,"'=HYPERLINK(""http://evil.example"",""Отчёт"")",general,io-legacy,"'+Район",54,12,0,0,0,,,,\n`);
    });

    it('the KPI CSV export neutralizes them; the XLSX export holds them as text cells, never formulas', async () => {
      const query = 'region=54&week=2023-W19&groupBy=organization';
      // The cached registry follows the written rows within its refresh period.
      const [header, ...lines] = await expectEventually(async () => {
        const response = await get(`/v1/kpi/export.csv?${query}`);
        expect(response.status).toBe(200);
        const records = parseCsv(await response.text());
        expect(records.some((l) => l.fields.includes('io-legacy-1'))).toBe(true);
        return records;
      });
      const nameColumn = header!.fields.indexOf('name');
      const legacy = lines.find((l) => l.fields.includes('io-legacy-1'));
      expect(legacy?.fields[nameColumn]).toBe(`'${NAME}`);
      for (const line of lines) for (const field of line.fields) expect(/^[=+\-@\t\r]/.test(field)).toBe(false);

      const xlsx = await get(`/v1/kpi/export.xlsx?${query}`);
      expect(xlsx.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const cells: ExcelJS.Cell[] = [];
      sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell)));
      const nameCell = cells.find((cell) => cell.value === NAME);
      expect(nameCell?.type).toBe(ExcelJS.ValueType.String);
      expect(cells.some((cell) => cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined)).toBe(false);
    });
  });

  describe('weeks ClickHouse cannot hold', () => {
    it.each([
      '/v1/kpi?region=54&week=1970-W01',
      '/v1/kpi?region=54&week=1969-W52',
      '/v1/kpi?region=54&week=2105-W53',
      '/v1/kpi?region=54&week=2106-W01',
      '/v1/kpi?region=54&week=2023-W53',
      '/v1/kpi/history?region=54&kpi=active_orgs&from=1969-W50&to=1970-W05',
      '/v1/kpi/history?region=54&kpi=active_orgs&from=2105-W50&to=2105-W53',
      '/v1/kpi/export.csv?region=54&week=9999-W01',
      '/v1/kpi/export.xlsx?region=54&week=0000-W01',
      '/report?region=54&week=2106-W10',
    ])('%s: 400 with the reason', async (path) => {
      const response = await get(path);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringContaining('application/problem+json') });
      expect(((await response.json()) as { detail: string }).detail).toMatch(/out of range|week must be 01\.\.52 in 2023/);
    });

    it.each([
      '/v1/kpi?region=54&week=2105-W52',
      '/v1/kpi/history?region=54&kpi=active_orgs&from=1970-W02&to=1970-W03',
      // the week before, and a report's 12-week trend, lie before the first week: nothing to read there
      '/v1/kpi?region=54&week=1970-W02',
      '/v1/kpi/export.csv?region=54&week=1970-W02',
      '/report?region=54&week=1970-W05',
    ])('%s at the edge: answered', async (path) => {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    });
  });
});
