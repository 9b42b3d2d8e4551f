import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { validateOrganizationCsv } from '@sferum/domain';
import { BROWSER_CHALLENGE, createServiceApp } from '@sferum/infra-http';
import { CLICKHOUSE_MIGRATIONS_DIR, ClickHouse, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { createDataSource, createKey, createSource, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import {
  createTestDatabase,
  expectEventually,
  freePort,
  REFERENCE_PSEUDONYM_KEY,
  referenceReportEvents,
  referenceReportRegistryCsv,
  REPO_ROOT,
  stackEnv,
  TEST_NOW,
  uniqueName,
} from '@sferum/testing';
import ExcelJS from 'exceljs';
import { type DataSource } from 'typeorm';
import { loadKpiConfig } from '../kpi.config';
import { KpiModule } from '../kpi.module';

/**
 * The weekly report of the brief's reference region (report of 12 May
 * 2023) through the real pipeline: the registry and events of
 * libs/testing/src/reference-report.ts pushed through ingest -> Kafka ->
 * aggregator -> ClickHouse, the workbook downloaded from /v1/report.xlsx
 * with a reader key and read back with ExcelJS (the library that wrote
 * it), the printable page fetched as a browser would. Every text asserted
 * here is written out by hand from the brief's figures.
 */

/** A no-break space: the reports write "16 010" and "0,32 %" with one. */
const _ = '\u00a0';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SMALL = 'малая группа: менее 5 педагогов';
const pct = (digits: string) => `${digits}${_}%`;

/** What each sheet's three sections say, in Russian. */
const BLOCKS = {
  general: {
    counters: [
      'Активных школ (есть 2 и более пользователей) – 94%',
      `Зарегистрировано пользователей – 116${_}288`,
      `Зарегистрированных учителей – 16${_}010 (74%)`,
      `Обучающихся – 100${_}278`,
      `Учителей, активных в апреле – 2${_}655`,
      'Учителей, написавших не менее 3 сообщений за неделю – 109',
      'Учителей, написавших не менее 10 сообщений за неделю – 52',
      'Учителей, совершивших не менее 1 звонка за неделю – 66',
    ],
    targets: [
      `Подключено организаций – ${pct('99,60')} (1${_}000 из 1${_}004); до ${pct('100')} не хватает ${pct('0,40')}`,
      `Зарегистрировано педагогов от штатной численности – ${pct('74,00')} (16${_}010 из 21${_}635); до ${pct('100')} не хватает ${pct('26,00')}`,
      `Школ с подключённым электронным журналом – ${pct('89,64')} (900 из 1${_}004); до ${pct('100')} не хватает ${pct('10,36')}`,
      `Организаций с отметкой «Госорганизация» – ${pct('50,00')} (502 из 1${_}004); до ${pct('100')} не хватает ${pct('50,00')}`,
    ],
    indicators: [
      `Доля активных школ (есть 2 и более пользователей) – ${pct('94,02')} (944 из 1${_}004) – хороший`,
      `Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – ${pct('0,32')} (52 из 16${_}010) – ниже нормы`,
      `Учителя, совершившие не менее 1 звонка за неделю – ${pct('0,41')} (66 из 16${_}010) – ниже нормы`,
    ],
  },
  spo: {
    counters: [
      'Активных организаций (есть 2 и более пользователей) – 73%',
      `Зарегистрировано пользователей – 1${_}229`,
      'Зарегистрированных педагогов – 405 (75%)',
      'Обучающихся – 824',
      'Педагогов, активных в апреле – 120',
      'Педагогов, написавших не менее 3 сообщений за неделю – 26',
      'Педагогов, написавших не менее 10 сообщений за неделю – 13',
      'Педагогов, совершивших не менее 1 звонка за неделю – 5',
    ],
    targets: [
      `Подключено организаций – ${pct('100,00')} (30 из 30); цель ${pct('100')} достигнута`,
      `Зарегистрировано педагогов от штатной численности – ${pct('75,00')} (405 из 540); до ${pct('100')} не хватает ${pct('25,00')}`,
      `Организаций с отметкой «Госорганизация» – ${pct('50,00')} (15 из 30); до ${pct('100')} не хватает ${pct('50,00')}`,
    ],
    indicators: [
      `Доля активных организаций (есть 2 и более пользователей) – ${pct('73,33')} (22 из 30) – средний`,
      `Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю – ${pct('3,21')} (13 из 405) – ниже нормы`,
      `Учителя, совершившие не менее 1 звонка за неделю – ${pct('1,23')} (5 из 405) – хороший`,
    ],
  },
  additional: {
    counters: [
      // 9 active of 23: the 10 connected and the 13 being prepared (each of whose 4 administrators is a user).
      'Активных организаций (есть 2 и более пользователей) – 39%',
      'Зарегистрировано пользователей – 218',
      'Зарегистрированных педагогов – 95 (86%)',
      'Обучающихся – 119',
      'Педагогов, активных в апреле – 40',
      'Педагогов, написавших не менее 3 сообщений за неделю – 3',
      'Педагогов, написавших не менее 10 сообщений за неделю – 3',
      'Педагогов, совершивших не менее 1 звонка за неделю – 0',
    ],
  },
  mouo: {
    counters: [
      'Активных организаций (есть 2 и более пользователей) – 71%',
      'Зарегистрировано пользователей – 84',
      'Зарегистрированных педагогов – 84 (88%)',
      'Обучающихся – 0',
      'Педагогов, активных в апреле – 50',
      'Педагогов, написавших не менее 3 сообщений за неделю – 6',
      'Педагогов, написавших не менее 10 сообщений за неделю – 1',
      'Педагогов, совершивших не менее 1 звонка за неделю – 0',
    ],
  },
} as const;

/** The municipalities' tables: name, organizations, registered teachers (numbers), then each indicator with its band word. */
const TABLES: Record<string, (string | number)[][]> = {
  general: [
    ['г. Бердск', 100, 150, `${pct('80,00')} – средний`, `${pct('12,00')} – средний`, `${pct('0,67')} – средний`],
    ['Искитимский район', 40, 300, `${pct('45,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    ['Кыштовский район', 4, 4, `${pct('100,00')} – хороший`, SMALL, SMALL],
    ['Маслянинский район', 60, 100, `${pct('100,00')} – хороший`, `${pct('30,00')} – хороший`, `${pct('5,00')} – хороший`],
    ['г. Новосибирск', 800, 15_456, `${pct('97,75')} – хороший`, `${pct('0,03')} – ниже нормы`, `${pct('0,39')} – ниже нормы`],
    ['Итого', 1_004, 16_010, `${pct('94,02')} – хороший`, `${pct('0,32')} – ниже нормы`, `${pct('0,41')} – ниже нормы`],
  ],
  spo: [
    ['г. Бердск', 10, 105, `${pct('70,00')} – средний`, `${pct('2,86')} – ниже нормы`, `${pct('1,90')} – хороший`],
    // 3 of 300 teachers with a call: 1%, the upper edge, good.
    ['г. Новосибирск', 20, 300, `${pct('75,00')} – средний`, `${pct('3,33')} – ниже нормы`, `${pct('1,00')} – хороший`],
    ['Итого', 30, 405, `${pct('73,33')} – средний`, `${pct('3,21')} – ниже нормы`, `${pct('1,23')} – хороший`],
  ],
  additional: [
    ['Искитимский район', 3, 15, `${pct('100,00')} – хороший`, `${pct('0,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    // The 13 being prepared: none active yet, no teacher (a small cell).
    ['Маслянинский район', 13, 0, `${pct('0,00')} – ниже нормы`, SMALL, SMALL],
    ['г. Новосибирск', 7, 80, `${pct('85,71')} – средний`, `${pct('3,75')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    ['Итого', 23, 95, `${pct('39,13')} – ниже нормы`, `${pct('3,16')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
  ],
  mouo: [
    ['г. Бердск', 4, 20, `${pct('75,00')} – средний`, `${pct('0,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    // 2 of 4 authorities active: 50%, the lower edge, below norm.
    ['Искитимский район', 4, 14, `${pct('50,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    ['Кыштовский район', 1, 4, `${pct('100,00')} – хороший`, SMALL, SMALL],
    ['Маслянинский район', 3, 16, `${pct('66,67')} – средний`, `${pct('0,00')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    ['г. Новосибирск', 5, 30, `${pct('80,00')} – средний`, `${pct('3,33')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
    ['Итого', 17, 84, `${pct('70,59')} – средний`, `${pct('1,19')} – ниже нормы`, `${pct('0,00')} – ниже нормы`],
  ],
};

/** The onboarding steps as the reports name them. */
const STEPS = [
  '1. Собран список организаций без профиля и контакты администраторов',
  '2. Список передан федеральным координаторам, профиль создан',
  '3. Администраторы проинформированы о регистрации',
  '4. Администратор зарегистрировался',
  '5. Создана структура организации и ссылки-приглашения',
  '6. Сотрудники зарегистрировались',
  '7. Сотрудники пользуются мессенджером или веб-версией',
  '8. Созданы чаты коллектива и классов',
] as const;

/**
 * Each category's funnel at the week's end (libs/testing/src/reference-report.ts):
 * organizations, not started, all 8 steps done; per step [reached, at it,
 * stuck there]; how many are stuck. By construction:
 *   general: the 60 connected and not active at step 2 (Novosibirsk 18,
 *     Berdsk 20, Iskitim 22); Maslyanino's 55-59 and Kyshtovka's 4 at 6; the
 *     other 935 active at 7;
 *   spo: 8 not active at 2, the 22 active at 7;
 *   additional: the 13 being prepared at steps 0 to 5, Novosibirsk 6 at 2,
 *     Novosibirsk 4 and 5 and Iskitim 1 and 2 at 7, the staff chats at 8;
 *   mouo: 5 not active at 2, Kyshtovka's at 6, 11 at 7.
 */
const FUNNEL = {
  general: { totals: [1_004, 0, 0], steps: [[1_004, 0, 0], [1_004, 60, 0], [944, 0, 0], [944, 0, 0], [944, 0, 0], [944, 9, 9], [935, 935, 935], [0, 0, 0]], stuck: 944 },
  spo: { totals: [30, 0, 0], steps: [[30, 0, 0], [30, 8, 0], [22, 0, 0], [22, 0, 0], [22, 0, 0], [22, 0, 0], [22, 22, 22], [0, 0, 0]], stuck: 22 },
  additional: { totals: [23, 2, 5], steps: [[21, 3, 2], [18, 3, 1], [15, 2, 1], [13, 2, 1], [11, 2, 1], [9, 0, 0], [9, 4, 4], [5, 5, 0]], stuck: 10 },
  mouo: { totals: [17, 0, 0], steps: [[17, 0, 0], [17, 5, 0], [12, 0, 0], [12, 0, 0], [12, 0, 0], [12, 1, 1], [11, 11, 11], [0, 0, 0]], stuck: 12 },
} as const;

const MASLYANINO = 'Маслянинский район';
/** The stuck organizations of additional education, all ten, the longest first (then by id): name, days, since, step, municipality, id. */
const ADDITIONAL_STUCK: (string | number)[][] = [
  ['DOD maslyanino 12', 49, '27.03.2023', STEPS[0], MASLYANINO, 'dod-maslyanino-0012'],
  ['DOD maslyanino 3', 42, '03.04.2023', STEPS[0], MASLYANINO, 'dod-maslyanino-0003'],
  ['DOD maslyanino 4', 28, '17.04.2023', STEPS[1], MASLYANINO, 'dod-maslyanino-0004'],
  ['DOD maslyanino 11', 25, '20.04.2023', STEPS[4], MASLYANINO, 'dod-maslyanino-0011'],
  // Their first message on 20 April 10:00: 24 days and 14 hours.
  ['DOD iskitim 1', 24, '20.04.2023', STEPS[6], 'Искитимский район', 'dod-iskitim-0001'],
  ['DOD iskitim 2', 24, '20.04.2023', STEPS[6], 'Искитимский район', 'dod-iskitim-0002'],
  ['DOD nsk-city 4', 24, '20.04.2023', STEPS[6], 'г. Новосибирск', 'dod-nsk-city-0004'],
  ['DOD nsk-city 5', 24, '20.04.2023', STEPS[6], 'г. Новосибирск', 'dod-nsk-city-0005'],
  ['DOD maslyanino 8', 19, '25.04.2023', STEPS[3], MASLYANINO, 'dod-maslyanino-0008'],
  ['DOD maslyanino 7', 15, '30.04.2023', STEPS[2], MASLYANINO, 'dod-maslyanino-0007'],
];
/** General education's longest stuck: the 9 at step 6 since 20 March (55 days), by id; then the first of the 935 at step 7. */
const GENERAL_STUCK_FIRST: (string | number)[][] = [
  ...[0, 1, 2, 3].map((i) => [`SCH kyshtovka ${i}`, 55, '20.03.2023', STEPS[5], 'Кыштовский район', `sch-kyshtovka-000${i}`]),
  ...[55, 56, 57, 58, 59].map((i) => [`SCH maslyanino ${i}`, 55, '20.03.2023', STEPS[5], MASLYANINO, `sch-maslyanino-00${i}`]),
  ['SCH berdsk 0', 24, '20.04.2023', STEPS[6], 'г. Бердск', 'sch-berdsk-0000'],
];
const STUCK_HEADER = ['Организация', 'Дней на шаге', 'На шаге с', 'Шаг подключения', 'Муниципальное образование', 'Идентификатор организации'];

const SHEETS = [
  ['general', 'Общее образование'],
  ['spo', 'СПО'],
  ['additional', 'Доп. образование детей'],
  ['mouo', 'МОУО'],
] as const;

/** The fill of a band's cell (services/kpi/src/report/band-colours.ts), as ExcelJS reads it back. */
const FILLS: Record<string, string | undefined> = { хороший: 'FFC8E6C9', средний: 'FFFFF3A0', 'ниже нормы': 'FFFFCDD2', [SMALL]: 'FFEEEEEE' };
const bandWord = (text: string) => (text === SMALL ? SMALL : text.split(' – ')[1]!);

/** A sheet read back: each row's cells (a merged line once), text or number; empty rows as []. */
function rowsOf(sheet: ExcelJS.Worksheet): { values: (string | number)[]; fills: (string | undefined)[] }[] {
  const rows: { values: (string | number)[]; fills: (string | undefined)[] }[] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values: (string | number)[] = [];
    const fills: (string | undefined)[] = [];
    for (let c = 1; c <= 6; c++) {
      const cell = row.getCell(c);
      if (cell.isMerged && cell.master.address !== cell.address) continue;
      expect(cell.formula).toBeUndefined();
      if (cell.value === null || cell.value === undefined) continue;
      // Every cell is plain text or a number: no rich text, date or formula.
      if (typeof cell.value !== 'string' && typeof cell.value !== 'number') throw new Error(`${sheet.name}!${cell.address}: a cell of type ${cell.type}`);
      values.push(cell.value);
      fills.push(cell.fill?.type === 'pattern' ? (cell.fill.fgColor?.argb ?? undefined) : undefined);
    }
    rows.push({ values, fills });
  }
  return rows;
}

/** The lines after a heading line, to the next empty row. */
function after(rows: ReturnType<typeof rowsOf>, heading: string): ReturnType<typeof rowsOf> {
  const start = rows.findIndex((r) => r.values.length === 1 && r.values[0] === heading);
  expect({ heading, found: start >= 0 }).toEqual({ heading, found: true });
  const end = rows.findIndex((r, i) => i > start && r.values.length === 0);
  return rows.slice(start + 1, end < 0 ? undefined : end);
}

/** The page's texts of one category: each section's blocks, the municipalities' table's cells, and the funnel's lines, steps and stuck organizations. */
function pageOf(
  html: string,
  category: string,
): { sections: Record<string, string[]>; table: string[][]; funnel: { lines: string[]; steps: string[][]; stuckHeading: string; stuck: string[][]; more: string | null } } {
  const text = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const section = new RegExp(`<section class="sheet" data-category="${category}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';
  const sections = Object.fromEntries(
    [...section.matchAll(/<ul class="blocks" data-section="(\w+)">(.*?)<\/ul>/g)].map((m) => [m[1]!, [...m[2]!.matchAll(/<li [^>]*>(.*?)<\/li>/g)].map((li) => text(li[1]!))]),
  );
  const cellsOf = (className: string) => {
    const body = new RegExp(`<table class="${className}"[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(section)?.[1] ?? '';
    return [...body.matchAll(/<tr [^>]*>(.*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<td [^>]*>(.*?)<\/td>/g)].map((td) => text(td[1]!)));
  };
  return {
    sections,
    table: cellsOf('municipalities'),
    funnel: {
      lines: [...section.matchAll(/<p class="funnel-line">(.*?)<\/p>/g)].map((m) => text(m[1]!)),
      steps: cellsOf('funnel-steps'),
      stuckHeading: text(/<h4>(.*?)<\/h4>/.exec(section)?.[1] ?? ''),
      stuck: cellsOf('funnel-stuck'),
      more: /<p class="more">(.*?)<\/p>/.exec(section)?.[1] ?? null,
    },
  };
}

describe('the weekly report of the reference region through the real pipeline', () => {
  const topic = uniqueName('test.report.activity');
  const chDatabase = uniqueName('test_report');
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let kpi: INestApplication;
  let ingest: ChildProcess;
  let aggregator: ChildProcess;
  let kpiUrl: string;
  let readerKey: string;
  let bearer: Record<string, string>;
  let workbook: ExcelJS.Workbook;

  beforeAll(async () => {
    pg = await createTestDatabase();
    ds = createDataSource({ url: pg.url });
    await ds.initialize();
    await ds.runMigrations();
    await runClickHouseMigrations({ url: stackEnv().clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
    const { records, problems } = validateOrganizationCsv(referenceReportRegistryCsv(), { knownRegions: await regionCodes(ds) });
    expect(problems).toEqual([]);
    await importOrganizations(ds, records);
    const sourceKey = await createSource(ds, { name: 'reference-report-bus', homeRegion: '54', allowedRegions: ['54'] });
    readerKey = await createKey(ds, 'reader');
    bearer = { Authorization: `Bearer ${readerKey}` };

    const env = { ...process.env, DATABASE_URL: pg.url, CLICKHOUSE_DATABASE: chDatabase, ACTIVITY_TOPIC: topic, ACTIVITY_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'error' };
    // ingest and aggregator run as the compiled services (a service may not import another).
    const ingestPort = await freePort();
    ingest = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/ingest/src/main.js')], {
      // The reference report is of 2023: a backfill, older than the default 400-day window.
      env: { ...env, PORT: String(ingestPort), HOST: '127.0.0.1', PSEUDONYM_KEY: REFERENCE_PSEUDONYM_KEY, REGISTRY_REFRESH_MS: '200', EVENT_MAX_AGE_DAYS: '3650' },
      stdio: 'ignore',
    });
    const aggregatorPort = await freePort();
    aggregator = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/aggregator/src/main.js')], {
      env: { ...env, PORT: String(aggregatorPort), HOST: '127.0.0.1', AGGREGATOR_GROUP_ID: uniqueName('test-report'), ACTIVITY_DLQ_TOPIC: `${topic}.dlq`, FLUSH_MAX_DELAY_MS: '200' },
      stdio: 'ignore',
    });
    // Keys required, as deployed; a fixed clock (the footer says when the report was made).
    kpi = await createServiceApp(KpiModule.forRoot(loadKpiConfig({ ...env, CLOCK_START: TEST_NOW, MONITOR_INTERVAL_SECONDS: '0' })), {
      service: 'kpi',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
    });
    await kpi.listen(0, '127.0.0.1');
    kpiUrl = (await kpi.getUrl()).replace('[::1]', '127.0.0.1');
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    for (const url of [ingestUrl, `http://127.0.0.1:${aggregatorPort}`]) {
      await expectEventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(200), { timeoutMs: 30_000 });
    }

    const events = referenceReportEvents();
    for (let i = 0; i < events.length; i += 2_000) {
      const body = JSON.stringify(events.slice(i, i + 2_000));
      // A 503 stores none of the request and asks for it again (a topic still being created): events are deduplicated by id.
      await expectEventually(async () => {
        const response = await fetch(`${ingestUrl}/v1/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sourceKey}` }, body });
        const answer = (await response.json()) as { rejections?: unknown[]; detail?: string };
        expect({ status: response.status, detail: answer.detail, firstRejection: answer.rejections?.[0] }).toEqual({ status: 200, detail: undefined, firstRejection: undefined });
      }, { timeoutMs: 30_000, intervalMs: 500 });
    }
    // Everything counted: the week's and April's last figures of every category.
    const counters = async (query: string) =>
      Object.fromEntries(((await (await fetch(`${kpiUrl}/v1/kpi?region=54&groupBy=category&${query}`, { headers: bearer })).json()) as { rows: { id: string; counters: Record<string, number> }[] }).rows.map((r) => [r.id, r.counters]));
    await expectEventually(
      async () => {
        const week = await counters('week=2023-W19');
        expect([week['general']?.['registered_users'], week['general']?.['teachers_1_call'], week['spo']?.['teachers_3_messages'], week['mouo']?.['teachers_10_messages']]).toEqual([116_288, 66, 26, 1]);
        expect((await counters('month=2023-04'))['general']?.['active_teachers']).toBe(2_655);
        // And the onboarding's events, the last sent: the administrators and the staff chats.
        const funnel = (await (await fetch(`${kpiUrl}/v1/funnel?region=54&groupBy=category&week=2023-W19`, { headers: bearer })).json()) as { rows: { id: string; completed: number; steps: { atStep: number }[] }[] };
        const additional = funnel.rows.find((r) => r.id === 'additional');
        expect([additional?.completed, additional?.steps[3]?.atStep]).toEqual([5, 2]);
      },
      { timeoutMs: 110_000, intervalMs: 1_000 },
    );
    const response = await fetch(`${kpiUrl}/v1/report.xlsx?region=54&week=2023-W19`, { headers: bearer });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="sferum-report-54-2023-W19.xlsx"');
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
  }, 180_000);

  afterAll(async () => {
    aggregator?.kill('SIGTERM');
    ingest?.kill('SIGTERM');
    await kpi?.close();
    const client = new KafkaClient({ brokers: stackEnv().kafkaBrokers, clientId: 'weekly-report-int-spec' });
    await (await client.connectedAdmin()).deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await client.close();
    const ch = new ClickHouse({ url: stackEnv().clickhouseUrl, database: chDatabase });
    await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
    await ch.close();
    await ds?.destroy();
    await pg?.drop();
  });

  describe('GET /v1/report.xlsx, read back', () => {
    it('a sheet per category present in the region, in Russian, each headed by the region, the week and the month', () => {
      expect(workbook.worksheets.map((s) => s.name)).toEqual(SHEETS.map(([, name]) => name));
      const rows = rowsOf(workbook.getWorksheet('Общее образование')!);
      expect(rows.slice(0, 3).map((r) => r.values)).toEqual([
        ['Новосибирская область — Общее образование (школы и их филиалы)'],
        ['Неделя 2023-W19: с 08.05.2023 по 14.05.2023, часовой пояс Asia/Novosibirsk'],
        ['Активность за месяц: апрель 2023'],
      ]);
      // TEST_NOW, 2026-11-25 12:00 UTC, in Novosibirsk.
      expect(rows.at(-1)?.values).toEqual(['Показатели «Сферума» · сформировано 25.11.2026 19:00 (Asia/Novosibirsk)']);
    });

    it("general education: the slide's blocks, the federal targets and the banded indicators, exactly", () => {
      const rows = rowsOf(workbook.getWorksheet('Общее образование')!);
      expect(after(rows, 'Основные показатели').map((r) => r.values[0])).toEqual(BLOCKS.general.counters);
      expect(after(rows, `Федеральные цели (${pct('100')})`).map((r) => r.values[0])).toEqual(BLOCKS.general.targets);
      const indicators = after(rows, 'Федеральные показатели с оценкой');
      expect(indicators.map((r) => r.values[0])).toEqual(BLOCKS.general.indicators);
      expect(indicators.map((r) => r.fills[0])).toEqual([FILLS['хороший'], FILLS['ниже нормы'], FILLS['ниже нормы']]);
    });

    it('vocational colleges, additional education and the education authorities: their blocks', () => {
      const spo = rowsOf(workbook.getWorksheet('СПО')!);
      expect(after(spo, 'Основные показатели').map((r) => r.values[0])).toEqual(BLOCKS.spo.counters);
      expect(after(spo, `Федеральные цели (${pct('100')})`).map((r) => r.values[0])).toEqual(BLOCKS.spo.targets);
      expect(after(spo, 'Федеральные показатели с оценкой').map((r) => r.values[0])).toEqual(BLOCKS.spo.indicators);
      expect(after(rowsOf(workbook.getWorksheet('Доп. образование детей')!), 'Основные показатели').map((r) => r.values[0])).toEqual(BLOCKS.additional.counters);
      expect(after(rowsOf(workbook.getWorksheet('МОУО')!), 'Основные показатели').map((r) => r.values[0])).toEqual(BLOCKS.mouo.counters);
    });

    it.each(SHEETS)('%s: the municipalities traffic-light table, a fill per band, small cells in grey', (category, name) => {
      const rows = rowsOf(workbook.getWorksheet(name)!);
      const table = after(rows, 'Муниципальные образования');
      expect(table[0]?.values.slice(0, 3)).toEqual(['Муниципальное образование', 'Организации', category === 'general' ? 'Зарегистрированные учителя' : 'Зарегистрированные педагоги']);
      const lines = table.slice(1);
      expect(lines.map((r) => r.values)).toEqual(TABLES[category]);
      expect(lines.map((r) => r.fills.slice(3))).toEqual(TABLES[category]!.map((r) => r.slice(3).map((cell) => FILLS[bandWord(String(cell))])));
    });
  });

  describe('the onboarding funnel of each category, in the workbook', () => {
    it.each(SHEETS)('%s: its totals, the week end, and per step reached, at the step and stuck, exactly', (category, name) => {
      const rows = rowsOf(workbook.getWorksheet(name)!);
      const { totals, steps } = FUNNEL[category];
      const [organizations, notStarted, completed] = totals.map((n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, _));
      expect(after(rows, 'Воронка подключения').map((r) => r.values)).toEqual([
        [`Организаций – ${organizations}; не начинали подключение – ${notStarted}; прошли все 8 шагов – ${completed}`],
        ['На 15.05.2023 00:00 (Asia/Novosibirsk), конец недели'],
        ['Шаг подключения', 'Дошли до шага', 'На шаге', 'На шаге более 14 дней'],
        ...STEPS.map((step, i) => [step, ...steps[i]!]),
      ]);
    });

    it('the organizations stuck at their step, longest first: all ten of additional education, every one of the others', () => {
      const stuckOf = (name: string, count: number) => {
        const table = after(rowsOf(workbook.getWorksheet(name)!), `Организации на шаге более 14 дней – ${String(count).replace(/\B(?=(\d{3})+(?!\d))/g, _)}`);
        expect(table[0]?.values).toEqual(STUCK_HEADER);
        return table.slice(1).map((r) => r.values);
      };
      expect(stuckOf('Доп. образование детей', FUNNEL.additional.stuck)).toEqual(ADDITIONAL_STUCK);
      const general = stuckOf('Общее образование', FUNNEL.general.stuck);
      expect(general).toHaveLength(944);
      expect(general.slice(0, 10)).toEqual(GENERAL_STUCK_FIRST);
      expect(general.at(-1)).toEqual(['SCH nsk-city 781', 24, '20.04.2023', STEPS[6], 'г. Новосибирск', 'sch-nsk-city-0781']);
      expect(stuckOf('СПО', FUNNEL.spo.stuck).map((r) => r[5])).toEqual([
        ...Array.from({ length: 7 }, (_, i) => `col-berdsk-000${i}`),
        ...Array.from({ length: 15 }, (_, i) => `col-nsk-city-${String(i).padStart(4, '0')}`),
      ]);
      expect(stuckOf('МОУО', FUNNEL.mouo.stuck)[0]).toEqual(['MOUO kyshtovka 0', 55, '20.03.2023', STEPS[5], 'Кыштовский район', 'mouo-kyshtovka-0000']);
    });
  });

  describe('GET /report/weekly, the printable page', () => {
    const page = async (query: string, headers: Record<string, string> = { Authorization: `Basic ${Buffer.from(`coordinator:${readerKey}`).toString('base64')}` }) =>
      fetch(`${kpiUrl}/report/weekly?${query}`, { headers });

    it('a browser without a key is asked for one (Basic), then gets the page with the key as the password', async () => {
      const challenged = await fetch(`${kpiUrl}/report/weekly?region=54&week=2023-W19`);
      expect(challenged.status).toBe(401);
      expect(challenged.headers.get('www-authenticate')).toBe(BROWSER_CHALLENGE);
      const xlsx = await fetch(`${kpiUrl}/v1/report.xlsx?region=54&week=2023-W19`);
      expect({ status: xlsx.status, challenge: xlsx.headers.get('www-authenticate') }).toEqual({ status: 401, challenge: BROWSER_CHALLENGE });
      const response = await page('region=54&week=2023-W19');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-language')).toBe('ru');
      const html = await response.text();
      expect(html).toMatch(/^<!doctype html>\n<html lang="ru">/);
      expect(html).toContain('@page { size: A4 portrait; margin: 12mm; }');
      expect(html).toContain('<h1>Новосибирская область: отчёт «Сферума» за неделю 2023-W19</h1>');
      expect(html).toContain('<a href="/v1/report.xlsx?region=54&amp;week=2023-W19" download>Скачать XLSX</a>');
    });

    it('says what the workbook says: every block and every table row of every category', async () => {
      const html = await (await page('region=54&week=2023-W19')).text();
      expect([...html.matchAll(/<section class="sheet" data-category="(\w+)">/g)].map((m) => m[1])).toEqual(SHEETS.map(([category]) => category));
      const general = pageOf(html, 'general');
      expect(general.sections).toEqual(BLOCKS.general);
      expect(pageOf(html, 'spo').sections).toEqual(BLOCKS.spo);
      expect(pageOf(html, 'additional').sections['counters']).toEqual(BLOCKS.additional.counters);
      expect(pageOf(html, 'mouo').sections['counters']).toEqual(BLOCKS.mouo.counters);
      // The page writes the counts as text: 15 456.
      const asText = (cell: string | number) => (typeof cell === 'number' ? String(cell).replace(/\B(?=(\d{3})+(?!\d))/g, _) : cell);
      for (const [category] of SHEETS) expect(pageOf(html, category).table).toEqual(TABLES[category]!.map((row) => row.map(asText)));
      // The funnel as in the workbook; of the stuck, the first 50 and how many more the workbook lists.
      for (const [category] of SHEETS) {
        const { steps, totals } = FUNNEL[category];
        const { funnel } = pageOf(html, category);
        expect(funnel.lines[0]).toBe(`Организаций – ${asText(totals[0])}; не начинали подключение – ${asText(totals[1])}; прошли все 8 шагов – ${asText(totals[2])}`);
        expect(funnel.steps).toEqual(STEPS.map((step, i) => [step, ...steps[i]!.map(asText)]));
        expect(funnel.stuckHeading).toBe(`Организации на шаге более 14 дней – ${asText(FUNNEL[category].stuck)}`);
      }
      expect(pageOf(html, 'additional').funnel).toMatchObject({ stuck: ADDITIONAL_STUCK.map((row) => row.map(asText)), more: null });
      const generalFunnel = pageOf(html, 'general').funnel;
      expect(generalFunnel.stuck).toHaveLength(50);
      expect(generalFunnel.stuck.slice(0, 10)).toEqual(GENERAL_STUCK_FIRST.map((row) => row.map(asText)));
      expect(generalFunnel.more).toBe('и ещё 894 организации; полный список — в XLSX');
      expect(html).toContain(`<td class="num band-below_norm" data-tone="below_norm">${pct('45,00')} – ниже нормы</td>`);
      expect(html).toContain(`<td class="num suppressed" data-tone="withheld">${SMALL}</td>`);
    });

    it('in English with lang=en, the workbook too', async () => {
      const html = await (await page('region=54&week=2023-W19&lang=en')).text();
      expect(pageOf(html, 'general').sections['counters']).toEqual([
        'Active schools (2 or more users) – 94%',
        'Registered users – 116,288',
        'Registered teachers – 16,010 (74%)',
        'Students – 100,278',
        'Teachers active in April – 2,655',
        'Teachers who wrote at least 3 messages in the week – 109',
        'Teachers who wrote at least 10 messages in the week – 52',
        'Teachers who made at least 1 call in the week – 66',
      ]);
      const response = await fetch(`${kpiUrl}/v1/report.xlsx?region=54&week=2023-W19&lang=en`, { headers: bearer });
      const english = new ExcelJS.Workbook();
      await english.xlsx.load(await response.arrayBuffer());
      expect(english.worksheets.map((s) => s.name)).toEqual(['General education', 'Vocational (SPO)', 'Additional education', 'Education authorities']);
      expect(after(rowsOf(english.getWorksheet('Additional education')!), 'Onboarding funnel').map((r) => r.values).slice(0, 4)).toEqual([
        ['Organizations – 23; not started – 2; all 8 steps done – 5'],
        ["As at 2023-05-14T17:00:00.000Z, the week's end"],
        ['Onboarding step', 'Reached the step', 'At the step', 'At it for more than 14 days'],
        ["1. List collected, administrators' contacts gathered", 21, 3, 2],
      ]);
      expect(after(rowsOf(english.getWorksheet('Vocational (SPO)')!), 'Key figures').map((r) => r.values[0])).toEqual([
        'Active organizations (2 or more users) – 73%',
        'Registered users – 1,229',
        'Registered teachers – 405 (75%)',
        'Students – 824',
        'Teachers active in April – 120',
        'Teachers who wrote at least 3 messages in the week – 26',
        'Teachers who wrote at least 10 messages in the week – 13',
        'Teachers who made at least 1 call in the week – 5',
      ]);
    });
  });

  it.each([
    ['region=99&week=2023-W19', 'region: unknown region code "99"'],
    ['week=2023-W19', 'region: required'],
    ['region=54&week=2023-W53', 'week must be 01..52'],
    ['region=54&week=2023-W19&lang=fr', 'lang: expected one of ru, en (default ru)'],
    ['region=54&week=2023-W19&groupBy=municipality', 'unknown parameter(s): groupBy; the weekly report takes region, week and lang'],
    ['region=54&period=month&month=2023-04', 'unknown parameter(s): period, month; the weekly report takes region, week and lang'],
  ])('?%s answers 400 with a reason, the workbook and the page alike', async (query, reason) => {
    for (const path of ['/v1/report.xlsx', '/report/weekly']) {
      const response = await fetch(`${kpiUrl}${path}?${query}`, { headers: bearer });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(((await response.json()) as { detail: string }).detail).toContain(reason);
    }
  });
});
