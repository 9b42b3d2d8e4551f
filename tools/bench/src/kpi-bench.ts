/**
 * KPI queries on a national week: 89 regions, 45,000 organizations (2,492
 * municipalities), 2 million teachers and 2 million students registered,
 * 20 million group and direct messages and 200,000 call joins in one week.
 * The week is synthesized inside ClickHouse (INSERT ... SELECT FROM
 * numbers(), through the same intake table and materialized views the
 * aggregator writes to: pushing 22 million events through the ingest would
 * take this machine most of an hour), the registry is imported into a
 * PostgreSQL database of its own, and a KPI service process answers from
 * them. Latency of a region request and of a grouping by municipality,
 * cold (ClickHouse's mark and uncompressed caches dropped, first request of
 * the region) and warm.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FEDERAL_SUBJECTS, validateOrganizationCsv } from '@sferum/domain';
import { ClickHouse, CLICKHOUSE_MIGRATIONS_DIR, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { createDataSource, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { Client } from 'pg';
import { type BenchContext } from './context';
import { percentile, round } from './stats';

export interface KpiBenchResult {
  readonly organizations: number;
  readonly municipalities: number;
  readonly teachers: number;
  readonly messages: number;
  readonly synthesisSeconds: number;
  readonly regionsMeasured: string[];
  readonly region: { readonly coldMs: number; readonly warmP50Ms: number; readonly warmP95Ms: number };
  readonly byMunicipality: { readonly coldMs: number; readonly warmP50Ms: number; readonly warmP95Ms: number };
}

const WEEK = '2026-W47';
const ORGS = 45_000;
const MUNICIPALITIES_PER_REGION = 28;

export async function benchKpi(ctx: BenchContext, freePort: () => Promise<number>): Promise<KpiBenchResult> {
  const teachers = ctx.quick ? 200_000 : 2_000_000;
  const messages = ctx.quick ? 2_000_000 : 20_000_000;
  const orgs = ctx.quick ? 4_500 : ORGS;
  const stamp = Date.now().toString(36);
  const chDatabase = `bench_national_${stamp}`;
  const pgDatabase = `sferum_bench_${stamp}`;
  const codes = FEDERAL_SUBJECTS.map((s) => s.code);
  const codesLiteral = `[${codes.map((c) => `'${c}'`).join(',')}]`;

  // The registry: org k is in region codes[k % 89], municipality (k / 89) % 28.
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
    lines.push(`nat-${code}-${k},Школа ${k},${k % 20 === 0 ? 'spo' : 'general'},nat-${code}-m${m},Муниципалитет ${m},${code},50`);
  }
  const { records, problems } = validateOrganizationCsv(lines.join('\n'), { knownRegions: await regionCodes(ds) });
  if (problems.length > 0) throw new Error(`registry: ${JSON.stringify(problems.slice(0, 3))}`);
  await importOrganizations(ds, records);
  await ds.destroy();

  // The week, inside ClickHouse, through the intake table's views.
  await runClickHouseMigrations({ url: ctx.clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
  const ch = new ClickHouse({ url: ctx.clickhouseUrl, database: chDatabase });
  const synthesisStarted = Date.now();
  const columns = '(event_id, type, time, week, time_zone, region, municipality, org_id, category, unassigned, source, ingested_at, user_id, role, chat_id, chat_kind, message_kind, call_id, initiator)';
  const person = (role: string, n: string) => `hex(MD5(concat('${role}-', toString(${n}))))`;
  const orgOf = (k: string) => `concat('nat-', ${codesLiteral}[${k} % 89 + 1], '-', toString(${k}))`;
  ctx.log(`  registrations: ${teachers.toLocaleString('en')} teachers and as many students`);
  for (const role of ['teacher', 'student']) {
    await ch.command(
      `INSERT INTO activity_ingest ${columns}
       SELECT hex(MD5(concat('reg-${role}-', toString(number)))), 'ru.sferum.user.registered', toDateTime('2026-11-02 03:00:00', 'UTC'), '2026-W45', '',
              ${codesLiteral}[number % ${orgs} % 89 + 1], '', ${orgOf(`number % ${orgs}`)}, 'general', 0, 'bench', now(),
              ${person(role, 'number')}, '${role}', '', '', '', '', 0
       FROM numbers(${teachers})`,
    );
  }
  ctx.log(`  activity: ${messages.toLocaleString('en')} messages (heavy-tailed over the teachers) and ${(messages / 100).toLocaleString('en')} call joins`);
  // Teacher t = teachers * u^3 for u uniform in [0, 1): a few write a lot, most little.
  const skewed = `toUInt64(${teachers} * pow((intHash64(number) % 1000000) / 1000000, 3))`;
  const chunk = 5_000_000;
  for (let offset = 0; offset < messages; offset += chunk) {
    await ch.command(
      `INSERT INTO activity_ingest ${columns}
       SELECT hex(MD5(concat('msg-', toString(number)))), 'ru.sferum.message.sent', toDateTime('2026-11-18 05:00:00', 'UTC'), '${WEEK}', '', '', '', '', '', 0, 'bench', now(),
              ${person('teacher', skewed)}, '', 'chat', if(number % 10 = 0, 'direct', 'group'), 'text', '', 0
       FROM numbers(${offset}, ${Math.min(chunk, messages - offset)})`,
    );
  }
  await ch.command(
    `INSERT INTO activity_ingest ${columns}
     SELECT hex(MD5(concat('call-', toString(number)))), 'ru.sferum.call.joined', toDateTime('2026-11-18 06:00:00', 'UTC'), '${WEEK}', '', '', '', '', '', 0, 'bench', now(),
            ${person('teacher', `(intHash64(number) % ${teachers})`)}, '', '', '', '', hex(MD5(toString(number % 50000))), number % 3 = 0
     FROM numbers(${messages / 100})`,
  );
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
    if (i > 300) throw new Error('the benchmark KPI service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const timed = async (path: string) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`);
    const body = (await response.json()) as { rows?: unknown[] };
    if (response.status !== 200 || body.rows === undefined) throw new Error(`${path}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - t0;
  };
  const regions = ['77', '54', '25'];
  const cold = { region: [] as number[], municipality: [] as number[] };
  for (const region of regions) {
    for (const kind of ['region', 'municipality'] as const) {
      await ch.command('SYSTEM DROP MARK CACHE');
      await ch.command('SYSTEM DROP UNCOMPRESSED CACHE');
      cold[kind].push(await timed(`/v1/kpi?region=${region}&week=${WEEK}${kind === 'municipality' ? '&groupBy=municipality' : ''}`));
    }
  }
  const warm = { region: [] as number[], municipality: [] as number[] };
  const rounds = ctx.quick ? 10 : 30;
  for (let i = 0; i < rounds; i++) {
    warm.region.push(await timed(`/v1/kpi?region=54&week=${WEEK}`));
    warm.municipality.push(await timed(`/v1/kpi?region=54&week=${WEEK}&groupBy=municipality`));
  }
  kpi.kill('SIGTERM');
  await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
  await ch.close();
  const drop = new Client({ connectionString: ctx.databaseUrl });
  await drop.connect();
  await new Promise((r) => setTimeout(r, 1000));
  await drop.query(`DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
  await drop.end();

  const summary = (c: number[], w: number[]) => ({ coldMs: round(percentile(c, 50), 0), warmP50Ms: round(percentile(w, 50), 0), warmP95Ms: round(percentile(w, 95), 0) });
  const result = {
    organizations: orgs,
    municipalities: Math.min(orgs, 89 * MUNICIPALITIES_PER_REGION),
    teachers,
    messages,
    synthesisSeconds: round(synthesisSeconds, 0),
    regionsMeasured: regions,
    region: summary(cold.region, warm.region),
    byMunicipality: summary(cold.municipality, warm.municipality),
  };
  ctx.log(`  region: cold ${result.region.coldMs} ms, warm p50 ${result.region.warmP50Ms} / p95 ${result.region.warmP95Ms} ms`);
  ctx.log(`  by municipality: cold ${result.byMunicipality.coldMs} ms, warm p50 ${result.byMunicipality.warmP50Ms} / p95 ${result.byMunicipality.warmP95Ms} ms`);
  return result;
}
