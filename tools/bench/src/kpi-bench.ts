/**
 * KPI queries on a national week: 89 regions, 45,000 organizations (2,492
 * municipalities), 2 million teachers and 2 million students registered,
 * 20 million group and direct messages and 200,000 call joins in one week.
 *
 * The week is synthesized inside ClickHouse (INSERT ... SELECT FROM
 * numbers() into activity_events, the facts the aggregator writes, so that
 * the same materialized views fill user_activity_spans and
 * registrations_by_org: pushing 22 million events through the ingest would
 * take this machine most of an hour). The eleven weeks before it get the
 * same activity: 0002's hourly view runs beside them during the synthesis,
 * and migration 0004's own copy of hourly rows into spans is run on those
 * rows shifted by whole weeks (220 million more facts would not fit this
 * machine's time). So a request's previous week and a 12-week history read
 * as much as the week itself. The registry is imported into a PostgreSQL
 * database of its own; a KPI service process mirrors it into ClickHouse and
 * answers from them.
 *
 * Organization ids are not ordered by region (org k is "nat-<k>", in region
 * k mod 89): a region's organizations are spread over the whole key range
 * of the tables ordered by org_id, as arbitrary registry ids would be.
 * `--kpi-org-ids by-region` names them "nat-<region>-<k>" instead (ids that
 * begin with the region, adjacent in those tables).
 *
 * Measured: a region request and a grouping by municipality, cold
 * (ClickHouse's mark and uncompressed caches dropped, first request of the
 * region; the OS page cache is not dropped) and warm; a 12-week history of
 * one indicator, warm; and the rows and bytes ClickHouse reads for one
 * region-week, against the week's rows of the whole country.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { callActivity, countedMessageActivities, FEDERAL_SUBJECTS, parseIsoWeek, validateOrganizationCsv, weekBounds } from '@sferum/domain';
import {
  ClickHouse,
  CLICKHOUSE_MIGRATIONS_DIR,
  loadMigrations,
  mirroredRegistryVersion,
  regionFigures,
  runClickHouseMigrations,
  sqlDateTime,
} from '@sferum/infra-clickhouse';
import { createDataSource, createKey, DEFAULT_KPI_SETTINGS, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { Client } from 'pg';
import { type BenchContext } from './context';
import { percentile, round } from './stats';

export interface LatencySummary {
  readonly coldMs: number;
  readonly warmP50Ms: number;
  readonly warmP95Ms: number;
}

/** What ClickHouse read for one region-week (the query of a region request, and of one grouped by municipality), and the week's rows in the whole country. */
export interface RegionWeekReads {
  readonly region: string;
  readonly queries: { readonly name: string; readonly rowsRead: number; readonly bytesRead: number; readonly elapsedMs: number }[];
  /** The country's rows of the week per hour (user_activity_hourly, 0002) and per span (user_activity_spans, merged: what the KPIs read). */
  readonly weekHourlyRows: number;
  readonly weekSpanRows: number;
  readonly registrationRows: number;
}

export interface KpiBenchResult {
  readonly organizations: number;
  /** How organization ids relate to regions (--kpi-org-ids). */
  readonly orgIds: 'scattered' | 'by-region';
  readonly municipalities: number;
  readonly teachers: number;
  readonly messages: number;
  readonly historyWeeks: number;
  readonly synthesisSeconds: number;
  readonly regionsMeasured: string[];
  /** The regions whose first request was the grouping by municipality (cold). */
  readonly municipalityRegionsMeasured: string[];
  readonly region: LatencySummary;
  readonly byMunicipality: LatencySummary;
  /** A region request right after a write to its week (the figures computed again, ClickHouse's caches warm). */
  readonly afterWrite: { readonly p50Ms: number; readonly maxMs: number; readonly requests: number };
  readonly history: { readonly weeks: number; readonly firstMs: number; readonly warmP50Ms: number; readonly warmP95Ms: number };
  readonly reads: RegionWeekReads;
}

const WEEK = '2026-W47';
/** Monday of WEEK, 00:00 UTC. */
const WEEK_MONDAY_UTC = '2026-11-16 00:00:00';
const HISTORY_WEEKS = 12;
const HISTORY_FROM = '2026-W36';
const ORGS = 45_000;
const MUNICIPALITIES_PER_REGION = 28;
const WEEK_SECONDS = 7 * 86_400;

/** A ClickHouse client that keeps what each query read (FORMAT JSON's statistics). */
class ReadCountingClickHouse extends ClickHouse {
  readonly reads: { rowsRead: number; bytesRead: number; elapsedMs: number }[] = [];

  override async query<T>(sql: string, settings: Record<string, string | number> = {}): Promise<T[]> {
    const result = await this.raw.query({ query: sql, format: 'JSON', clickhouse_settings: settings as never });
    const body = await result.json<T>();
    const stats = body.statistics;
    this.reads.push({ rowsRead: stats?.rows_read ?? NaN, bytesRead: stats?.bytes_read ?? NaN, elapsedMs: round((stats?.elapsed ?? NaN) * 1000, 1) });
    return body.data;
  }
}

export async function benchKpi(ctx: BenchContext, freePort: () => Promise<number>): Promise<KpiBenchResult> {
  const teachers = ctx.quick ? 200_000 : 2_000_000;
  const messages = ctx.quick ? 2_000_000 : 20_000_000;
  const orgs = ctx.quick ? 4_500 : ORGS;
  const stamp = Date.now().toString(36);
  const chDatabase = `bench_national_${stamp}`;
  const pgDatabase = `sferum_bench_${stamp}`;
  const codes = FEDERAL_SUBJECTS.map((s) => s.code);
  const codesLiteral = `[${codes.map((c) => `'${c}'`).join(',')}]`;

  // The registry: org k ("nat-<k>", or "nat-<region>-<k>") is in region codes[k % 89], municipality (k / 89) % 28.
  ctx.log(`kpi: registry of ${orgs.toLocaleString('en')} organizations in 89 regions`);
  const admin = new Client({ connectionString: ctx.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${pgDatabase}"`);
  await admin.end();
  const pgUrl = (() => {
    const u = new URL(ctx.databaseUrl);
    u.pathname = `/${pgDatabase}`;
    return u.toString();
  })();
  const ds = createDataSource({ url: pgUrl });
  await ds.initialize();
  await ds.runMigrations();
  const lines = ['org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount'];
  for (let k = 0; k < orgs; k++) {
    const code = codes[k % 89]!;
    const m = Math.floor(k / 89) % MUNICIPALITIES_PER_REGION;
    lines.push(`${ctx.kpiOrgIds === 'by-region' ? `nat-${code}-${k}` : `nat-${k}`},Школа ${k},${k % 20 === 0 ? 'spo' : 'general'},nat-${code}-m${m},Муниципалитет ${m},${code},50`);
  }
  const { records, problems } = validateOrganizationCsv(lines.join('\n'), { knownRegions: await regionCodes(ds) });
  if (problems.length > 0) throw new Error(`registry: ${JSON.stringify(problems.slice(0, 3))}`);
  await importOrganizations(ds, records);
  // Reads need a reader key; this database is the benchmark's own, so is the key.
  const readerKey = await createKey(ds, 'reader');
  await ds.destroy();

  // The week, inside ClickHouse, into the facts; the views fill the rest.
  await runClickHouseMigrations({ url: ctx.clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
  const ch = new ClickHouse({ url: ctx.clickhouseUrl, database: chDatabase, requestTimeoutMs: 1_800_000 });
  const migrations = loadMigrations(CLICKHOUSE_MIGRATIONS_DIR);
  const statement = (version: number, begins: string) => {
    const found = migrations.find((m) => m.version === version)?.statements.find((st) => st.startsWith(begins));
    if (found === undefined) throw new Error(`migration ${version} has no statement beginning "${begins}"`);
    return found;
  };
  // The hourly rows of the week, for the copies of the weeks before (below).
  await ch.command(statement(2, 'CREATE MATERIALIZED VIEW IF NOT EXISTS user_activity_hourly_mv'));
  const synthesisStarted = Date.now();
  const columns = '(event_id, type, time, time_ms, source, ingested_at, user_id, org_id, role, chat_kind, message_kind, call_id, initiator)';
  const person = (role: string, n: string) => `hex(MD5(concat('${role}-', toString(${n}))))`;
  const orgOf = (k: string) => (ctx.kpiOrgIds === 'by-region' ? `concat('nat-', ${codesLiteral}[${k} % 89 + 1], '-', toString(${k}))` : `concat('nat-', toString(${k}))`);
  /** A second of [from, from + seconds) and a millisecond, from a hash of `n` (different salts: independent). */
  const instant = (from: string, seconds: number, n: string) => `toDateTime('${from}', 'UTC') + (cityHash64(${n}, 1) % ${seconds})`;
  const millisecond = (n: string) => `toUInt16(cityHash64(${n}, 2) % 1000)`;
  ctx.log(`  registrations: ${teachers.toLocaleString('en')} teachers and as many students, in the week before ${HISTORY_FROM}; 1% of teachers leave before ${WEEK}`);
  for (const role of ['teacher', 'student']) {
    // Person n of a role is in organization n % orgs.
    await ch.command(
      `INSERT INTO activity_events ${columns}
       SELECT hex(MD5(concat('reg-${role}-', toString(number)))), 'ru.sferum.user.registered', ${instant('2026-08-24 00:00:00', WEEK_SECONDS, 'number')}, ${millisecond('number')},
              'bench', now(), ${person(role, 'number')}, ${orgOf(`number % ${orgs}`)}, '${role}', '', '', '', 0
       FROM numbers(${teachers})`,
    );
  }
  await ch.command(
    `INSERT INTO activity_events ${columns}
     SELECT hex(MD5(concat('left-teacher-', toString(number)))), 'ru.sferum.user.left', ${instant('2026-09-07 00:00:00', 9 * WEEK_SECONDS, 'number')}, ${millisecond('number')},
            'bench', now(), ${person('teacher', 'number')}, ${orgOf(`number % ${orgs}`)}, 'teacher', '', '', '', 0
     FROM numbers(${teachers}) WHERE number % 100 = 7`,
  );
  ctx.log(`  activity: ${messages.toLocaleString('en')} messages (heavy-tailed over the teachers) and ${(messages / 100).toLocaleString('en')} call joins, Monday to Friday 00:00-12:00 UTC`);
  // Teacher t = teachers * u^3 for u uniform in [0, 1): a few write a lot, most little.
  // Group messages (90%) name the teacher's organization, direct ones half of the time.
  const skewed = `toUInt64(${teachers} * pow((intHash64(number) % 1000000) / 1000000, 3))`;
  const schoolHours = (n: string) => `toDateTime('${WEEK_MONDAY_UTC}', 'UTC') + (cityHash64(${n}, 3) % 5) * 86400 + (cityHash64(${n}, 1) % 43200)`;
  const chunk = 5_000_000;
  for (let offset = 0; offset < messages; offset += chunk) {
    await ch.command(
      `INSERT INTO activity_events ${columns}
       SELECT hex(MD5(concat('msg-', toString(number)))), 'ru.sferum.message.sent', ${schoolHours('number')}, ${millisecond('number')}, 'bench', now(),
              ${person('teacher', skewed)}, if(number % 20 = 0, '', ${orgOf(`${skewed} % ${orgs}`)}), '',
              if(number % 10 = 0, 'direct', 'group'), 'text', '', 0
       FROM numbers(${offset}, ${Math.min(chunk, messages - offset)})`,
    );
  }
  const caller = `(intHash64(number) % ${teachers})`;
  await ch.command(
    `INSERT INTO activity_events ${columns}
     SELECT hex(MD5(concat('call-', toString(number)))), 'ru.sferum.call.joined', ${schoolHours('number')}, ${millisecond('number')}, 'bench', now(),
            ${person('teacher', caller)}, ${orgOf(`${caller} % ${orgs}`)}, '', '', '', hex(MD5(toString(number % 50000))), number % 3 = 0
     FROM numbers(${messages / 100})`,
  );
  await ch.command('DROP TABLE user_activity_hourly_mv');
  // The eleven weeks before: the week's hourly rows, whole weeks earlier,
  // copied into spans by migration 0004's statement (what a deployment runs
  // on its hourly history).
  const copy = statement(4, 'INSERT INTO user_activity_spans');
  if (!copy.endsWith('FROM user_activity_hourly')) throw new Error("migration 0004's copy into user_activity_spans no longer ends with FROM user_activity_hourly");
  const weekStart = `toDateTime('${WEEK_MONDAY_UTC}', 'UTC')`;
  const copyStarted = Date.now();
  for (let k = 1; k < HISTORY_WEEKS; k++) {
    await ch.command(
      copy.replace(
        /FROM user_activity_hourly$/,
        `FROM (SELECT org_id, toDateTime(shifted, 'UTC') AS hour, user_id, activity, events
               FROM (SELECT org_id, hour - ${k * WEEK_SECONDS} AS shifted, user_id, activity, events FROM user_activity_hourly
                     WHERE hour >= ${weekStart} AND hour < ${weekStart} + ${WEEK_SECONDS}))`,
      ),
    );
  }
  ctx.log(`  history: the week's activity copied to the ${HISTORY_WEEKS - 1} weeks before in ${((Date.now() - copyStarted) / 1000).toFixed(0)} s`);
  await settleMerges(ch, chDatabase, ctx);
  const synthesisSeconds = (Date.now() - synthesisStarted) / 1000;
  ctx.log(`  synthesized in ${synthesisSeconds.toFixed(0)} s`);

  // A KPI service on these databases.
  const port = await freePort();
  const kpi = spawn(process.execPath, [...ctx.nodeProfileArgs, join(ctx.root, 'dist/services/kpi/src/main.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: pgUrl, CLICKHOUSE_URL: ctx.clickhouseUrl, CLICKHOUSE_DATABASE: chDatabase, MONITOR_INTERVAL_SECONDS: '0', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) break;
    } catch {
      // starting
    }
    if (i > 600) throw new Error('the benchmark KPI service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const timed = async (path: string, expected: 'rows' | 'series') => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${readerKey}` } });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200 || !Array.isArray(body[expected])) throw new Error(`${path}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - t0;
  };
  const kpiPath = (region: string, grouped: boolean) => `/v1/kpi?region=${region}&week=${WEEK}${grouped ? '&groupBy=municipality' : ''}`;
  const historyPath = `/v1/kpi/history?region=54&kpi=teachers_10_messages&from=${HISTORY_FROM}&to=${WEEK}`;
  // Cold: the first request of a region (nothing of it kept by the KPI
  // service, week-figures.service.ts) with ClickHouse's caches dropped;
  // other regions for the grouping by municipality, whose figures a region
  // request would have left in the KPI service.
  const regions = { region: ['77', '54', '25'], municipality: ['50', '66', '23'] };
  const cold = { region: [] as number[], municipality: [] as number[] };
  for (let i = 0; i < regions.region.length; i++) {
    for (const kind of ['region', 'municipality'] as const) {
      await ch.command('SYSTEM DROP MARK CACHE');
      await ch.command('SYSTEM DROP UNCOMPRESSED CACHE');
      cold[kind].push(await timed(kpiPath(regions[kind][i]!, kind === 'municipality'), 'rows'));
    }
  }
  const warm = { region: [] as number[], municipality: [] as number[], history: [] as number[] };
  const rounds = ctx.quick ? 10 : 30;
  for (let i = 0; i < rounds; i++) {
    warm.region.push(await timed(kpiPath('54', false), 'rows'));
    warm.municipality.push(await timed(kpiPath('54', true), 'rows'));
  }
  const historyFirstMs = await timed(historyPath, 'series'); // the older weeks read for the first time
  for (let i = 0; i < (ctx.quick ? 5 : 15); i++) warm.history.push(await timed(historyPath, 'series'));
  // After a write: one message of the week written just before each
  // request, so the week's figures are computed again (ClickHouse's caches
  // warm): what a request costs while the week still receives events.
  const afterWrite: number[] = [];
  for (let i = 0; i < (ctx.quick ? 3 : 7); i++) {
    await ch.command(
      `INSERT INTO activity_events ${columns}
       SELECT hex(MD5(concat('late-', toString(number), '-${i}'))), 'ru.sferum.message.sent', toDateTime('${WEEK_MONDAY_UTC}', 'UTC') + 3600, 0, 'bench', now(),
              ${person('teacher', `number + ${i}`)}, '', '', 'group', 'text', '', 0
       FROM numbers(1)`,
    );
    afterWrite.push(await timed(kpiPath('54', false), 'rows'));
  }
  kpi.kill('SIGTERM');

  const reads = await regionWeekReads(ctx, chDatabase, '54');
  if (ctx.keep) {
    ctx.log(`  kept: ClickHouse database ${chDatabase}, PostgreSQL ${pgUrl}`);
    await ch.close();
  } else {
    await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
    await ch.close();
    const drop = new Client({ connectionString: ctx.databaseUrl });
    await drop.connect();
    await new Promise((r) => setTimeout(r, 1000));
    await drop.query(`DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
    await drop.end();
  }

  const summary = (c: number[], w: number[]) => ({ coldMs: round(percentile(c, 50), 0), warmP50Ms: round(percentile(w, 50), 0), warmP95Ms: round(percentile(w, 95), 0) });
  const result: KpiBenchResult = {
    organizations: orgs,
    orgIds: ctx.kpiOrgIds,
    municipalities: Math.min(orgs, 89 * MUNICIPALITIES_PER_REGION),
    teachers,
    messages,
    historyWeeks: HISTORY_WEEKS,
    synthesisSeconds: round(synthesisSeconds, 0),
    regionsMeasured: regions.region,
    municipalityRegionsMeasured: regions.municipality,
    region: summary(cold.region, warm.region),
    byMunicipality: summary(cold.municipality, warm.municipality),
    afterWrite: { p50Ms: round(percentile(afterWrite, 50), 0), maxMs: round(Math.max(...afterWrite), 0), requests: afterWrite.length },
    history: { weeks: HISTORY_WEEKS, firstMs: round(historyFirstMs, 0), warmP50Ms: round(percentile(warm.history, 50), 0), warmP95Ms: round(percentile(warm.history, 95), 0) },
    reads,
  };
  ctx.log(`  region: cold ${result.region.coldMs} ms, warm p50 ${result.region.warmP50Ms} / p95 ${result.region.warmP95Ms} ms`);
  ctx.log(`  by municipality: cold ${result.byMunicipality.coldMs} ms, warm p50 ${result.byMunicipality.warmP50Ms} / p95 ${result.byMunicipality.warmP95Ms} ms`);
  ctx.log(`  history of ${HISTORY_WEEKS} weeks: warm p50 ${result.history.warmP50Ms} / p95 ${result.history.warmP95Ms} ms`);
  for (const q of reads.queries) ctx.log(`  region-week ${q.name}: ${q.rowsRead.toLocaleString('en')} rows, ${(q.bytesRead / 2 ** 20).toFixed(1)} MiB, ${q.elapsedMs} ms`);
  return result;
}

/** Waits until ClickHouse has run no merge in the database for 10 s in a row (at most 15 minutes): measured on settled parts. */
async function settleMerges(ch: ClickHouse, database: string, ctx: BenchContext): Promise<void> {
  const started = Date.now();
  let quietSince = Date.now();
  for (;;) {
    const [row] = await ch.query<{ n: string }>(`SELECT count() AS n FROM system.merges WHERE database = '${database}'`);
    if (Number(row?.n ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 10_000) break;
    if (Date.now() - started > 900_000) {
      ctx.log('  merges still running after 15 minutes: measuring anyway');
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const parts = await ch.query<{ table: string; parts: string; rows: string }>(
    `SELECT table, count() AS parts, sum(rows) AS rows FROM system.parts WHERE database = '${database}' AND active GROUP BY table ORDER BY table`,
  );
  ctx.log(`  merges settled after ${((Date.now() - started) / 1000).toFixed(0)} s: ${parts.map((p) => `${p.table} ${Number(p.rows).toLocaleString('en')} rows in ${p.parts} parts`).join(', ')}`);
}

/**
 * The query of one region-week as the KPI service sends it for a region
 * request and for one grouped by municipality (default settings, the
 * mirrored registry version), with what ClickHouse read for each, and the
 * week's rows in the whole country for scale.
 */
async function regionWeekReads(ctx: BenchContext, database: string, region: string): Promise<RegionWeekReads> {
  const ch = new ReadCountingClickHouse({ url: ctx.clickhouseUrl, database });
  try {
    const registryVersion = await mirroredRegistryVersion(ch);
    const subject = FEDERAL_SUBJECTS.find((s) => s.code === region)!;
    const { startMs, endMs } = weekBounds(parseIsoWeek(WEEK), subject.timeZone);
    const settings = DEFAULT_KPI_SETTINGS;
    const figures = { region, registryVersion, startMs, endMs, countedActivities: countedMessageActivities(settings.countedMessageKinds), callActivity: callActivity(settings.callMode) } as const;
    // Warm: once to fill the caches, then counted. The region's units (a
    // region request), and its municipalities (grouped by municipality).
    for (let pass = 0; pass < 2; pass++) {
      ch.reads.length = 0;
      await regionFigures(ch, { ...figures, levels: ['region'] });
      await regionFigures(ch, { ...figures, levels: ['municipality'] });
    }
    const [regionReads, municipalityReads] = ch.reads;
    const [rows] = await ch.query<{ hourly: string; spans: string; registrations: string }>(
      `SELECT (SELECT count() FROM user_activity_hourly WHERE hour >= ${sqlDateTime(startMs)} AND hour < ${sqlDateTime(endMs)}) AS hourly,
              (SELECT count() FROM (SELECT 1 FROM user_activity_spans WHERE span >= ${sqlDateTime(startMs)} AND span < ${sqlDateTime(endMs)}
                                    GROUP BY org_id, span, user_id, activity)) AS spans,
              (SELECT count() FROM registrations_by_org) AS registrations`,
    );
    return {
      region,
      queries: [
        { name: 'regionFigures, the region', ...regionReads! },
        { name: 'regionFigures, its municipalities', ...municipalityReads! },
      ],
      weekHourlyRows: Number(rows?.hourly ?? NaN),
      weekSpanRows: Number(rows?.spans ?? NaN),
      registrationRows: Number(rows?.registrations ?? NaN),
    };
  } finally {
    await ch.close();
  }
}
