import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { parseCsv, validateOrganizationCsv } from '@sferum/domain';
import { createServiceApp } from '@sferum/infra-http';
import { CLICKHOUSE_MIGRATIONS_DIR, ClickHouse, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { createDataSource, createKey, createSource, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import {
  createTestDatabase,
  expectEventually,
  freePort,
  REFERENCE_PSEUDONYM_KEY,
  REFERENCE_WEEK,
  referenceRegistryCsv,
  referenceWeekEvents,
  REPO_ROOT,
  stackEnv,
  uniqueName,
} from '@sferum/testing';
import { type DataSource } from 'typeorm';
import { loadKpiConfig } from './kpi.config';
import { KpiModule } from './kpi.module';

/**
 * A region built by hand and pushed through the real pipeline: registry in
 * PostgreSQL, events through ingest -> Kafka -> aggregator -> ClickHouse,
 * answered by the KPI service. It is the reference region's week of the
 * domain brief (libs/testing/src/reference-week.ts, whose KPI queries the
 * cross-version tier also runs on a current ClickHouse): 1,004 general
 * schools of which 944 active, 16,010 registered teachers, 52 with >= 10
 * group messages, 66 with a call.
 */
const { SCHOOLS, ACTIVE_SCHOOLS, TEACHERS, STUDENTS, WRITERS_10, CALLERS, DIRECT_ONLY, WRITERS_3 } = REFERENCE_WEEK;

describe('KPI service: the reference week through the real pipeline', () => {
  const topic = uniqueName('test.kpi.activity');
  const chDatabase = uniqueName('test_kpi');
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let kpi: INestApplication;
  let ingest: ChildProcess;
  let aggregator: ChildProcess;
  let ingestUrl: string;
  let kpiUrl: string;
  let sourceKey: string;
  let adminKey: string;

  beforeAll(async () => {
    pg = await createTestDatabase();
    ds = createDataSource({ url: pg.url });
    await ds.initialize();
    await ds.runMigrations();
    await runClickHouseMigrations({ url: stackEnv().clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);

    // Registry: schools s0000..s1003 in two municipalities, plus one college.
    const { records, problems } = validateOrganizationCsv(referenceRegistryCsv(), { knownRegions: await regionCodes(ds) });
    expect(problems).toEqual([]);
    await importOrganizations(ds, records);
    sourceKey = await createSource(ds, { name: 'reference-bus', homeRegion: '54', allowedRegions: ['54'] });
    adminKey = await createKey(ds, 'admin');

    const env = { ...process.env, DATABASE_URL: pg.url, CLICKHOUSE_DATABASE: chDatabase, ACTIVITY_TOPIC: topic, ACTIVITY_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'error' };
    // This spec is about the figures: it reads without a key (the key check has its own specs).
    const kpiEnv = { ...env, READ_KEYS_REQUIRED: 'false' };
    // ingest and aggregator run as the compiled services (a service may not import another).
    const ingestPort = await freePort();
    ingest = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/ingest/src/main.js')], {
      env: { ...env, PORT: String(ingestPort), HOST: '127.0.0.1', PSEUDONYM_KEY: REFERENCE_PSEUDONYM_KEY, REGISTRY_REFRESH_MS: '200',
        // The reference week is in 2023: a backfill, older than the default 400-day window.
        EVENT_MAX_AGE_DAYS: '3650' },
      stdio: 'ignore',
    });
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    kpi = await createServiceApp(KpiModule.forRoot(loadKpiConfig(kpiEnv)), {
      service: 'kpi',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      textBodies: [{ contentType: 'text/csv', limitBytes: 1024 * 1024 }],
    });
    await kpi.listen(0, '127.0.0.1');
    kpiUrl = (await kpi.getUrl()).replace('[::1]', '127.0.0.1');
    const aggregatorPort = await freePort();
    aggregator = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/aggregator/src/main.js')], {
      env: { ...env, PORT: String(aggregatorPort), HOST: '127.0.0.1', AGGREGATOR_GROUP_ID: uniqueName('test-kpi'), ACTIVITY_DLQ_TOPIC: `${topic}.dlq`, FLUSH_MAX_DELAY_MS: '200' },
      stdio: 'ignore',
    });
    await expectEventually(async () => expect((await fetch(`${ingestUrl}/health/ready`)).status).toBe(200), { timeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    aggregator.kill('SIGTERM');
    ingest.kill('SIGTERM');
    await kpi.close();
    const client = new KafkaClient({ brokers: stackEnv().kafkaBrokers, clientId: 'kpi-int-spec' });
    await (await client.connectedAdmin()).deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await client.close();
    const ch = new ClickHouse({ url: stackEnv().clickhouseUrl, database: chDatabase });
    await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
    await ch.close();
    await ds.destroy();
    await pg.drop();
  });

  const push = async (events: unknown[]) => {
    for (let i = 0; i < events.length; i += 2_000) {
      const response = await fetch(`${ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sourceKey}` },
        body: JSON.stringify(events.slice(i, i + 2_000)),
      });
      const body = (await response.json()) as { accepted: number; rejected: number; rejections?: unknown[] };
      expect({ status: response.status, firstRejection: body.rejections?.[0] }).toEqual({ status: 200, firstRejection: undefined });
    }
  };

  it('answers every number of the worked example of the domain brief', async () => {
    const { events, duplicates } = referenceWeekEvents(); // every fifth event delivered twice
    await push([...events, ...duplicates]);

    const region = async () => {
      const response = await fetch(`${kpiUrl}/v1/kpi?region=54&week=2023-W19`);
      expect(response.status).toBe(200);
      return (await response.json()) as { rows: { counters: Record<string, number>; kpis: Record<string, Record<string, unknown>> }[] } & Record<string, unknown>;
    };
    const answer = await expectEventually(async () => {
      const a = await region();
      expect(a.rows[0]?.counters['registered_teachers']).toBe(TEACHERS + 1);
      expect(a.rows[0]?.counters['teachers_1_call']).toBe(CALLERS);
      return a;
    }, { timeoutMs: 120_000, intervalMs: 1_000 });

    const lonelyTeachers = TEACHERS + 1; // + the one teacher of s1000
    expect(answer).toMatchObject({
      region: '54',
      week: '2023-W19',
      weekStart: '2023-05-08',
      timeZone: 'Asia/Novosibirsk',
      partial: false,
      settings: { teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null },
    });
    const [row] = answer.rows;
    expect(row).toMatchObject({ level: 'region', id: '54', name: 'Новосибирская область' });
    expect(row?.counters).toEqual({
      orgs: SCHOOLS + 1,
      active_orgs: ACTIVE_SCHOOLS,
      registered_users: lonelyTeachers + STUDENTS,
      registered_teachers: lonelyTeachers,
      registered_students: STUDENTS,
      registered_parents: 0,
      teacher_headcount: (SCHOOLS - 10) * 20 + 30,
      teachers_3_messages: WRITERS_10 + WRITERS_3,
      teachers_10_messages: WRITERS_10,
      teachers_1_call: CALLERS,
      active_teachers: WRITERS_10 + WRITERS_3 + CALLERS + DIRECT_ONLY,
    });
    expect(row?.kpis['active_schools']).toEqual({ numerator: ACTIVE_SCHOOLS, denominator: SCHOOLS, value: 94.02, band: 'good', previous: 94.02 });
    // 52 of 16,011 registered teachers: 0.32 %, below norm (the brief's 52 of 16,010, plus one lonely teacher)
    expect(row?.kpis['teachers_10_messages']).toEqual({ numerator: 52, denominator: lonelyTeachers, value: 0.32, band: 'below_norm', previous: 0 });
    expect(row?.kpis['teachers_1_call']).toEqual({ numerator: 66, denominator: lonelyTeachers, value: 0.41, band: 'below_norm', previous: 0 });
    expect(row?.kpis['active_orgs']).toEqual({ numerator: ACTIVE_SCHOOLS, denominator: SCHOOLS + 1, value: 93.93, band: 'good', previous: 93.93 });

    const byMunicipality = (await (await fetch(`${kpiUrl}/v1/kpi?region=54&week=2023-W19&groupBy=municipality`)).json()) as { rows: { id: string; counters: Record<string, number> }[] };
    expect(byMunicipality.rows.map((r) => r.id)).toEqual(['nsk-city', 'nsk-rural']);
    expect(byMunicipality.rows.reduce((n, r) => n + r.counters['orgs']!, 0)).toBe(SCHOOLS + 1);
    expect(byMunicipality.rows.reduce((n, r) => n + r.counters['registered_teachers']!, 0)).toBe(lonelyTeachers);
    expect(byMunicipality.rows.reduce((n, r) => n + r.counters['teachers_10_messages']!, 0)).toBe(WRITERS_10);

    // The headcount denominator: 994 schools and the college have a headcount; 10 schools count their registered teachers.
    // Through the API: the answer that follows already uses them (the cached registry is reloaded before the PUT answers).
    const putSettings = (body: Record<string, unknown>) =>
      fetch(`${kpiUrl}/v1/registry/regions/54/settings`, { method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` }, body: JSON.stringify(body) });
    expect((await putSettings({ teacherDenominator: 'headcount', callMode: 'initiated' })).status).toBe(200);
    try {
      const headcount = (await (await fetch(`${kpiUrl}/v1/kpi?region=54&week=2023-W19`)).json()) as { rows: { kpis: Record<string, Record<string, number>>; orgsWithoutHeadcount: number }[]; settings: unknown };
      const registeredInSchoolsWithoutHeadcount = Array.from({ length: TEACHERS }, (_, t) => t % ACTIVE_SCHOOLS).filter((s) => s < 10).length;
      expect(headcount.settings).toEqual({ teacherDenominator: 'headcount', callMode: 'initiated', countedMessageKinds: null, minTeacherDenominator: 5 });
      expect(headcount.rows[0]?.kpis['teachers_10_messages']?.['denominator']).toBe((SCHOOLS - 10) * 20 + 30 + registeredInSchoolsWithoutHeadcount);
      expect(headcount.rows[0]?.orgsWithoutHeadcount).toBe(10);
      expect(headcount.rows[0]?.kpis['teachers_1_call']?.['numerator']).toBe(Array.from({ length: CALLERS }, (_, c) => c % 3 === 0).filter(Boolean).length);
    } finally {
      expect((await putSettings({})).status).toBe(200); // the defaults again
    }
  });

  it("a calendar month: May's activity and registrations at its end, with no band (the bands are weekly); April before them", async () => {
    const response = await fetch(`${kpiUrl}/v1/kpi?region=54&period=month&month=2023-05`);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { rows: { counters: Record<string, number>; kpis: Record<string, Record<string, unknown>> }[] } & Record<string, unknown>;
    expect(answer).toMatchObject({ region: '54', period: 'month', month: '2023-05', monthStart: '2023-05-01', timeZone: 'Asia/Novosibirsk', partial: false });
    expect(answer['week']).toBeUndefined();
    const [row] = answer.rows;
    const teachers = TEACHERS + 1;
    // Every event of the reference week falls in May (Novosibirsk): the month's counts are the week's.
    expect(row?.counters).toMatchObject({
      registered_teachers: teachers,
      teachers_3_messages: WRITERS_10 + WRITERS_3,
      teachers_10_messages: WRITERS_10,
      teachers_1_call: CALLERS,
      active_teachers: WRITERS_10 + WRITERS_3 + CALLERS + DIRECT_ONLY,
    });
    expect(row?.kpis['teachers_10_messages']).toEqual({ numerator: WRITERS_10, denominator: teachers, value: 0.32, band: null, previous: null });
    expect(row?.kpis['active_schools']).toEqual({ numerator: ACTIVE_SCHOOLS, denominator: SCHOOLS, value: 94.02, band: null, previous: 0 });
    // Without a month: the last complete one, a month too.
    const last = (await (await fetch(`${kpiUrl}/v1/kpi?region=54&period=month`)).json()) as Record<string, unknown>;
    expect(last).toMatchObject({ period: 'month', partial: false });
    expect(last['month']).toMatch(/^\d{4}-\d{2}$/);

    const history = (await (await fetch(`${kpiUrl}/v1/kpi/history?region=54&kpi=teachers_10_messages&period=month&from=2023-04&to=2023-06`)).json()) as {
      period: string;
      series: { points: { month: string; numerator: number | null; denominator: number; band: unknown }[] }[];
    };
    expect(history.period).toBe('month');
    expect(history.series[0]?.points.map((p) => [p.month, p.numerator, p.denominator, p.band])).toEqual([
      ['2023-04', null, 0, null],
      ['2023-05', WRITERS_10, teachers, null],
      ['2023-06', 0, teachers, null],
    ]);
    const csv = await (await fetch(`${kpiUrl}/v1/kpi/export.csv?region=54&month=2023-05&lang=ru`)).text();
    const [header, line] = csv.replace(/^\ufeff/, '').split('\n');
    expect(header?.split(',').slice(0, 2)).toEqual(['Месяц', 'Уровень']);
    expect(header).toContain('Активных педагогов за месяц');
    expect(line?.startsWith('2023-05,')).toBe(true);
  });

  it('the federal targets: what the registry states (CSV) or an event said before the end, the registered teachers of the headcount, a history with the gap', async () => {
    const csv = [
      'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount,connected,journal_linked',
      's0000,Школа 0,general,nsk-city,Новосибирск,54,,1,0',
      's0001,Школа 1,general,nsk-rural,Район,54,,0,1',
    ].join('\n');
    const imported = await fetch(`${kpiUrl}/v1/registry/organizations/import`, { method: 'POST', headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${adminKey}` }, body: csv });
    expect(imported.status).toBe(200);
    const fact = (id: string, type: string, time: string, data: Record<string, unknown>) => ({ specversion: '1.0', id, source: 'urn:reference', type, time, data });
    await push([
      fact('t-1', 'ru.sferum.org.journal_linked', '2023-05-10T10:00:00+07:00', { orgId: 's0002', journalSystem: 'fgis-moya-shkola' }),
      fact('t-2', 'ru.sferum.org.journal_linked', '2023-05-10T10:00:00+07:00', { orgId: 'col-1', journalSystem: 'netschool' }), // a college: no school
      fact('t-3', 'ru.sferum.org.gov_label_granted', '2023-05-09T10:00:00+07:00', { orgId: 'col-1' }),
      fact('t-4', 'ru.sferum.org.connected', '2023-05-15T00:00:00+07:00', { orgId: 's0003' }), // Monday of week 20
    ]);
    type Target = { numerator: number; denominator: number; value: number | null; gap: number | null; previous: number | null };
    const targets = async (week: string) => ((await (await fetch(`${kpiUrl}/v1/kpi?region=54&week=${week}`)).json()) as { rows: { targets: Record<string, Target> }[] }).rows[0]!.targets;
    const w19 = await expectEventually(async () => {
      const t = await targets('2023-W19');
      expect(t['orgs_gov_label']?.numerator).toBe(1);
      return t;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const withoutHeadcount = Array.from({ length: TEACHERS }, (_, t) => t % ACTIVE_SCHOOLS).filter((s) => s < 10).length;
    const headcount = (SCHOOLS - 10) * 20 + 30 + withoutHeadcount; // s0000 and s0001 keep no headcount
    const registered = Math.round(((TEACHERS + 1) / headcount) * 10_000) / 100;
    expect(w19).toEqual({
      orgs_connected: { numerator: 1, denominator: SCHOOLS + 1, value: 0.1, gap: 99.9, previous: 0.1 }, // s0000, stated by the registry
      // everyone registered on 1 May, in week 18: the same a week earlier
      teachers_registered: { numerator: TEACHERS + 1, denominator: headcount, value: registered, gap: Math.round((100 - registered) * 100) / 100, previous: registered },
      schools_journal_linked: { numerator: 2, denominator: SCHOOLS, value: 0.2, gap: 99.8, previous: 0.1 }, // s0001 (registry) and s0002 (event in week 19)
      orgs_gov_label: { numerator: 1, denominator: SCHOOLS + 1, value: 0.1, gap: 99.9, previous: 0 },
    });
    // s0003's connection counts from week 20: the event is at its first instant.
    expect((await targets('2023-W20'))['orgs_connected']).toMatchObject({ numerator: 2, previous: 0.1 });
    const history = (await (await fetch(`${kpiUrl}/v1/kpi/history?region=54&kpi=orgs_connected&from=2023-W19&to=2023-W20`)).json()) as { series: { points: { week: string; numerator: number; value: number; gap: number; band: unknown }[] }[] };
    expect(history.series[0]!.points.map((p) => [p.week, p.numerator, p.value, p.gap, p.band])).toEqual([
      ['2023-W19', 1, 0.1, 99.9, null],
      ['2023-W20', 2, 0.2, 99.8, null],
    ]);
    const export_ = await (await fetch(`${kpiUrl}/v1/registry/organizations/export?region=54`)).text();
    expect(export_.split('\n').filter((l) => l.startsWith('s0000,') || l.startsWith('s0001,'))).toEqual(['s0000,Школа 0,general,nsk-city,Новосибирск,54,,1,0,0,,,,', 's0001,Школа 1,general,nsk-rural,Район,54,,0,1,0,,,,']);
  });

  it('history: weekly series of one indicator, per unit', async () => {
    const response = await fetch(`${kpiUrl}/v1/kpi/history?region=54&kpi=teachers_10_messages&from=2023-W17&to=2023-W20`);
    expect(response.status).toBe(200);
    const history = (await response.json()) as { series: { id: string; points: { week: string; numerator: number | null; denominator: number; value: number | null }[] }[] };
    expect(history.series).toHaveLength(1);
    expect(history.series[0]?.points.map((p) => [p.week, p.numerator, p.denominator])).toEqual([
      ['2023-W17', null, 0], // nobody registered yet: no teacher is fewer than the minimum, so withheld
      ['2023-W18', 0, TEACHERS + 1],
      ['2023-W19', WRITERS_10, TEACHERS + 1],
      ['2023-W20', 0, TEACHERS + 1],
    ]);
    const byMunicipality = (await (await fetch(`${kpiUrl}/v1/kpi/history?region=54&kpi=active_schools&from=2023-W19&to=2023-W19&groupBy=municipality`)).json()) as { series: { id: string }[] };
    expect(byMunicipality.series.map((s) => s.id)).toEqual(['nsk-city', 'nsk-rural']);
  });

  it('exports the same rows as CSV (Russian headers on request) and XLSX', async () => {
    const csv = await fetch(`${kpiUrl}/v1/kpi/export.csv?region=54&week=2023-W19&groupBy=municipality&lang=ru`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\n')[0]).toContain('Доля педагогов с 10+ сообщениями');
    expect(text.split('\n')).toHaveLength(4); // header, two municipalities, final newline
    const xlsx = await fetch(`${kpiUrl}/v1/kpi/export.xlsx?region=54&week=2023-W19`);
    expect(xlsx.status).toBe(200);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a zip container, as XLSX is
    expect(xlsx.headers.get('content-disposition')).toContain('kpi-54-2023-W19.xlsx');
  });

  it.each([
    ['kpi/history?region=54&kpi=happiness&from=2023-W10&to=2023-W19', 'kpi: expected one of'],
    ['kpi/history?region=54&kpi=active_orgs&from=2023-W19&to=2023-W10', 'from: must not be after to'],
    ['kpi/history?region=54&kpi=active_orgs&from=2020-W01&to=2023-W10', 'at most 104 weeks'],
    ['kpi/export.csv?region=54&lang=fr', 'lang: expected en or ru'],
    ['kpi/history?region=54&kpi=active_orgs&period=month&from=2023-W10&to=2023-05', 'from: invalid month'],
    ['kpi/history?region=54&kpi=active_orgs&period=month&from=2021-01&to=2023-05', 'at most 24 months'],
    ['kpi/history?region=54&kpi=active_orgs&from=2023-W10&to=2023-W19&week=2023-W19', 'week: a history takes from and to'],
    ['kpi/export.xlsx?region=54&period=month&week=2023-W19', 'week: only with period=week'],
  ])('GET /v1/%s answers 400 with a reason', async (path, reason) => {
    const response = await fetch(`${kpiUrl}/v1/${path}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain(reason);
  });

  it.each([
    ['region=99&week=2023-W19', 'region: unknown region code "99"'],
    ['week=2023-W19', 'region: required'],
    ['region=54&week=2023-19', 'week: invalid ISO week'],
    ['region=54&week=2023-W53', 'week must be 01..52'],
    ['region=54&groupBy=school', 'groupBy: expected one of municipality, category, organization'],
    ['region=54&municipality=nowhere', 'municipality: no municipality "nowhere"'],
    ['region=54&category=university', 'category: must be one of'],
    ['region=54&period=quarter', 'period: expected one of week, month'],
    ['region=54&month=2023-13', 'month: invalid month "2023-13": the month must be 01..12'],
    ['region=54&month=2023-5', 'month: invalid month "2023-5": expected the form YYYY-MM'],
    ['region=54&week=2023-W19&month=2023-05', 'week and month: give one of them'],
    ['region=54&period=week&month=2023-05', 'month: only with period=month'],
  ])('GET /v1/kpi?%s answers 400 with a reason', async (query, reason) => {
    const response = await fetch(`${kpiUrl}/v1/kpi?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain(reason);
  });

  it('without a week, answers the last complete week in the region zone', async () => {
    const answer = (await (await fetch(`${kpiUrl}/v1/kpi?region=54`)).json()) as { week: string; partial: boolean };
    expect(answer.partial).toBe(false);
    expect(answer.week).toMatch(/^\d{4}-W\d{2}$/);
  });

  it('an organization the registry learns of after its events: listed as unknown, then counted where it is placed as soon as the import answers', async () => {
    const week = async () => ((await (await fetch(`${kpiUrl}/v1/kpi?region=54&week=2023-W19`)).json()) as { rows: { counters: Record<string, number> }[] }).rows[0]!.counters;
    const before = await week();
    const event = (id: string, type: string, time: string, data: Record<string, unknown>) => ({ specversion: '1.0', id, source: 'urn:late-school', type, time, data });
    await push([
      event('late-1', 'ru.sferum.user.registered', '2023-05-02T09:00:00+07:00', { userId: 'late-teacher', orgId: 'late-school', role: 'teacher' }),
      ...Array.from({ length: 10 }, (_, i) => event(`late-m${i}`, 'ru.sferum.message.sent', `2023-05-10T1${i}:00:00+07:00`, { userId: 'late-teacher', chatId: 'c', chatKind: 'group', orgId: 'late-school' })),
    ]);
    const unknown = async () => ((await (await fetch(`${kpiUrl}/v1/registry/unknown-organizations`)).json()) as { items: { orgId: string; source: string; events: Record<string, number> }[] }).items;
    await expectEventually(async () =>
      expect((await unknown()).find((o) => o.orgId === 'late-school')).toEqual(
        expect.objectContaining({ source: 'reference-bus', events: { 'ru.sferum.message.sent': 10, 'ru.sferum.user.registered': 1 } }),
      ), { timeoutMs: 60_000 });
    expect(await week()).toEqual(before); // counted nowhere while unknown

    const csv = 'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount\nlate-school,Поздняя школа,general,nsk-city,Новосибирск,54,\n';
    const imported = await fetch(`${kpiUrl}/v1/registry/organizations/import`, { method: 'POST', headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${adminKey}` }, body: csv });
    expect(imported.status).toBe(200);
    // No wait: the import answers once the cached registry and its ClickHouse mirror follow it.
    const after = await week();
    expect({ teachers: after['registered_teachers'], writers: after['teachers_10_messages'] }).toEqual({
      teachers: before['registered_teachers']! + 1,
      writers: before['teachers_10_messages']! + 1,
    });
    expect((await unknown()).some((o) => o.orgId === 'late-school')).toBe(false);
  });

  describe('small cells: 4 teachers withhold their teacher figures, 5 show them', () => {
    type Row = {
      level: string;
      id: string;
      kpis: Record<string, { numerator: number | null; denominator: number; value: number | null; band: string | null; previous: number | null; suppressed?: string }>;
      counters: Record<string, number | null>;
      suppressed?: string;
      minTeacherDenominator?: number;
    };
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${kpiUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      return (await response.json()) as T;
    };
    const byCategory = async () => Object.fromEntries((await get<{ rows: Row[] }>('/v1/kpi?region=54&week=2023-W19&groupBy=category')).rows.map((r) => [r.id, r]));
    const putSettings = (body: unknown) =>
      fetch(`${kpiUrl}/v1/registry/regions/54/settings`, { method: 'PUT', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` }, body: JSON.stringify(body) });

    beforeAll(async () => {
      // Two organizations, each alone in its category: 4 and 5 teachers, registered in W18, each of whom wrote 10 group messages and took part in a call in W19.
      const csv = [
        'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount',
        'edge-4,Кружок четырёх,additional,nsk-city,Новосибирск,54,',
        'edge-5,Детский сад пяти,preschool,nsk-city,Новосибирск,54,',
      ].join('\n');
      const imported = await fetch(`${kpiUrl}/v1/registry/organizations/import`, { method: 'POST', headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${adminKey}` }, body: csv });
      expect(imported.status).toBe(200);
      const event = (id: string, type: string, time: string, data: Record<string, unknown>) => ({ specversion: '1.0', id, source: 'urn:edge', type, time, data });
      const events = [4, 5].flatMap((n) =>
        Array.from({ length: n }, (_, t) => {
          const userId = `edge-${n}-teacher-${t}`;
          const orgId = `edge-${n}`;
          return [
            event(`${userId}-reg`, 'ru.sferum.user.registered', '2023-05-02T09:00:00+07:00', { userId, orgId, role: 'teacher' }),
            ...Array.from({ length: 10 }, (_, m) => event(`${userId}-m${m}`, 'ru.sferum.message.sent', `2023-05-10T1${m}:00:00+07:00`, { userId, chatId: `${orgId}-staff`, chatKind: 'group', orgId })),
            event(`${userId}-call`, 'ru.sferum.call.joined', '2023-05-11T15:00:00+07:00', { userId, callId: `${orgId}-meeting`, initiator: t === 0, orgId }),
          ];
        }).flat(),
      );
      await push(events);
      await expectEventually(async () => {
        const rows = await byCategory();
        expect(rows['preschool']?.counters['teachers_1_call']).toBe(5);
        expect(rows['additional']?.counters['registered_teachers']).toBe(4);
      }, { timeoutMs: 60_000, intervalMs: 500 });
    }, 90_000);

    it('GET /v1/kpi: the reason and the minimum on the 4, counts kept, shares, bands and active-teacher counts null; the 5 shown', async () => {
      const rows = await byCategory();
      const withheld = { numerator: null, denominator: 4, value: null, band: null, previous: null, suppressed: 'small_cell' };
      expect(rows['additional']).toMatchObject({ level: 'category', suppressed: 'small_cell', minTeacherDenominator: 5 });
      expect(rows['additional']?.kpis).toEqual({
        active_schools: { numerator: 0, denominator: 0, value: null, band: null, previous: null },
        active_orgs: { numerator: 1, denominator: 1, value: 100, band: 'good', previous: 100 },
        teachers_10_messages: withheld,
        teachers_1_call: withheld,
      });
      expect(rows['additional']?.counters).toEqual({
        orgs: 1,
        active_orgs: 1,
        registered_users: 4,
        registered_teachers: 4,
        registered_students: 0,
        registered_parents: 0,
        teacher_headcount: 0,
        teachers_3_messages: null,
        teachers_10_messages: null,
        teachers_1_call: null,
        active_teachers: null,
      });
      expect(rows['preschool']).not.toHaveProperty('suppressed');
      expect(rows['preschool']?.kpis['teachers_10_messages']).toEqual({ numerator: 5, denominator: 5, value: 100, band: 'good', previous: 0 });
      expect(rows['preschool']?.counters).toMatchObject({ registered_teachers: 5, teachers_3_messages: 5, teachers_10_messages: 5, teachers_1_call: 5, active_teachers: 5 });
      expect(rows['general']).not.toHaveProperty('suppressed');
      // The organization level, and a filtered unit, by the same rule.
      const orgs = await get<{ rows: Row[] }>('/v1/kpi?region=54&week=2023-W19&groupBy=organization&municipality=nsk-city&category=additional');
      expect(orgs.rows.map((r) => [r.id, r.suppressed, r.counters['registered_teachers'], r.counters['teachers_10_messages']])).toEqual([['edge-4', 'small_cell', 4, null]]);
      const five = await get<{ rows: Row[] }>('/v1/kpi?region=54&week=2023-W19&groupBy=organization&category=preschool');
      expect(five.rows.map((r) => [r.id, r.suppressed, r.kpis['teachers_1_call']?.numerator])).toEqual([['edge-5', undefined, 5]]);
      const scoped = await get<{ rows: Row[] }>('/v1/kpi?region=54&week=2023-W19&municipality=nsk-city&category=additional');
      expect(scoped.rows[0]).toMatchObject({ level: 'municipality', suppressed: 'small_cell' });
    });

    it('history: the weeks of the 4 withheld, those of the 5 shown', async () => {
      type History = { minTeacherDenominator: number; series: { id: string; points: { week: string; numerator: number | null; value: number | null; band: string | null; suppressed?: string }[] }[] };
      const small = await get<History>('/v1/kpi/history?region=54&category=additional&kpi=teachers_10_messages&from=2023-W18&to=2023-W19');
      expect(small.minTeacherDenominator).toBe(5);
      expect(small.series[0]?.points.map((p) => [p.week, p.numerator, p.value, p.band, p.suppressed])).toEqual([
        ['2023-W18', null, null, null, 'small_cell'],
        ['2023-W19', null, null, null, 'small_cell'],
      ]);
      const shown = await get<History>('/v1/kpi/history?region=54&category=preschool&kpi=teachers_10_messages&from=2023-W18&to=2023-W19');
      expect(shown.series[0]?.points.map((p) => [p.week, p.numerator, p.value, p.band, p.suppressed])).toEqual([
        ['2023-W18', 0, 0, 'below_norm', undefined],
        ['2023-W19', 5, 100, 'good', undefined],
      ]);
    });

    it('exports: withheld cells empty, the last column says why', async () => {
      const response = await fetch(`${kpiUrl}/v1/kpi/export.csv?region=54&week=2023-W19&groupBy=category`);
      expect(response.status).toBe(200);
      const [header, ...lines] = parseCsv(await response.text());
      const record = (id: string) => Object.fromEntries(header!.fields.map((h, i) => [h.replace(/^\ufeff/, ''), lines.find((l) => l.fields[2] === id)!.fields[i]]));
      expect(record('additional')).toMatchObject({
        teachers_10_messages_value: '',
        teachers_10_messages_band: '',
        teachers_10_messages_numerator: '',
        teachers_10_messages_denominator: '4',
        teachers_1_call_numerator: '',
        registered_teachers: '4',
        teachers_10_messages: '',
        active_teachers: '',
        suppressed: 'small_cell: fewer than 5 teachers, teacher shares and active-teacher counts withheld',
      });
      expect(record('preschool')).toMatchObject({ teachers_10_messages_value: '100', teachers_10_messages_numerator: '5', teachers_10_messages: '5', suppressed: '' });
      expect((await fetch(`${kpiUrl}/v1/kpi/export.xlsx?region=54&week=2023-W19&groupBy=category`)).status).toBe(200);
    });

    it('the minimum is a region setting: 6 withholds the 5, 4 shows the 4; anything but an integer from 1 to 1000 is a 400', async () => {
      expect(await get('/v1/registry/regions/54/settings')).toEqual({ teacherDenominator: 'registered', callMode: 'participated', countedMessageKinds: null, minTeacherDenominator: 5 });
      try {
        expect((await putSettings({ minTeacherDenominator: 6 })).status).toBe(200);
        expect((await byCategory())['preschool']).toMatchObject({ suppressed: 'small_cell', minTeacherDenominator: 6 });
        expect((await putSettings({ minTeacherDenominator: 4 })).status).toBe(200);
        const rows = await byCategory();
        expect(rows['additional']?.kpis['teachers_10_messages']).toEqual({ numerator: 4, denominator: 4, value: 100, band: 'good', previous: 0 });
        expect(rows['additional']).not.toHaveProperty('suppressed');
        for (const bad of [0, 1001, 2.5, '5', null, -1]) {
          const response = await putSettings({ minTeacherDenominator: bad });
          expect({ bad, status: response.status }).toEqual({ bad, status: 400 });
          expect(((await response.json()) as { detail: string }).detail).toContain('minTeacherDenominator: expected an integer from 1 to 1000');
        }
        expect((await get<{ minTeacherDenominator: number }>('/v1/registry/regions/54/settings')).minTeacherDenominator).toBe(4); // the refused ones changed nothing
      } finally {
        expect((await putSettings({})).status).toBe(200); // the defaults again
      }
      expect((await byCategory())['additional']).toMatchObject({ suppressed: 'small_cell', minTeacherDenominator: 5 });
    });

    it('a threshold date that is no calendar day is a 400', async () => {
      const response = await fetch(`${kpiUrl}/v1/registry/thresholds/teachers_1_call`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ lower: '0.5', upper: '1', effectiveFrom: '2023-02-30' }),
      });
      expect(response.status).toBe(400);
    });

    it('/metrics holds no per-organization series', async () => {
      const response = await fetch(`${kpiUrl}/metrics`, { headers: { Authorization: `Bearer ${adminKey}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toMatch(/edge-4|edge-5|s0\d{3}|late-school|col-1/);
      const labels = new Set([...text.matchAll(/[{,]([A-Za-z_]+)="/g)].map((m) => m[1]));
      expect([...labels].filter((l) => /org/i.test(l!))).toEqual([]);
    });
  });
});
