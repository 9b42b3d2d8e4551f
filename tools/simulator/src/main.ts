/**
 * npm run simulate -- --profile tiny|small|edges|region|national [options]
 *
 * Generates a region (or several, or the country) with a seed, imports its
 * registry into the KPI service (before, during or after the events: see
 * --registry-at), pushes its events through the ingest API and writes the
 * reference answers (expected.json). See README, "Simulator".
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readEnvFile } from '@sferum/config';
import { parseRfc3339 } from '@sferum/domain';
import { KpiClient } from './kpi-client';
import { bandCounts, municipalityTable } from './municipality-table';
import { PROFILE_NAMES, profileOf, type ProfileName } from './profiles';
import { parseMoves, type RegistryMove, RegistryMoveError } from './registry-csv';
import { compareAnswer, compareFunnel, compareUnknownOrganizations, REGISTRY_AT, type RegistryAt, runSimulation, UNIT_KEY, type Expected } from './simulation';
import { isIsoWeek, isMonth, lastEndedWeek, shiftWeek, weeksOfMonth } from './zones';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const USAGE = `usage: npm run simulate -- --profile tiny|small|edges|region|national [options]

  --profile NAME        tiny (tests), small (alert tests), edges (week and registration edges in
                        UTC+2, +3, +7, +12), region (like Novosibirsk oblast), national (89 regions)
  --weeks N             complete weeks to simulate, ending with --until-week (tiny: 3; edges: 2;
                        small, region: 4; national: 1)
  --seed N              the same seed gives the same registry, events and answers (default 7)
  --until-week W        last simulated week, e.g. 2026-W47 (default: the last complete week before --now)
  --month M             simulate the weeks holding every day of calendar month M, e.g. 2026-10 (its
                        first to its last ISO week, 4 to 6 weeks); instead of --weeks and --until-week
  --now INSTANT         the simulator's "now", RFC 3339 (default $CLOCK_START, else the machine's clock):
                        with a fixed --now the same seed gives the same weeks on any day
  --out DIR             where registry.csv and expected.json go (default .stack/simulator/PROFILE-SEED)
  --ingest-url URL      ingest service (default $INGEST_URL or http://127.0.0.1:3001)
  --kpi-url URL         KPI service (default $KPI_URL or http://127.0.0.1:3003)
  --kpi-key KEY         the reader key the KPI service is read with (default $READER_KEY, else $ADMIN_KEY)
  --no-push             only write the files (no registry import, no events pushed); with --kpi-url,
                        the reference follows that service's settings and thresholds
  --registry-at WHEN    when the registry is imported: first (before the first event, the default),
                        middle (after half of the event parts), last (after the last event)
  --move ORG=MUN,...    the registry places ORG in municipality MUN instead: one of the profile, or a
                        new one RR-<suffix> of federal subject RR (named after its id); the events stay
                        those of the run without --move, registry.csv and expected.json follow the move
  --rate N              events per second at most (default: as fast as the ingest acknowledges)
  --batch N             events per request (default 1000)
  --concurrency N       requests in flight (default 4)
  --events-file FILE    also write the events as NDJSON
  --wait                wait until the KPI service answers what expected.json says for every region and
                        week and month (GET /v1/kpi, and the region's onboarding funnel of the periods over,
                        GET /v1/funnel), and lists its unknown organizations (GET /v1/registry/unknown-organizations)
  --wait-timeout S      seconds to wait at most (default 300)
  --if-empty            do nothing when the last week already has activity in the KPI service
  --table               print the last week by municipality with coloured bands
  --hold-back M1,M2     a drop: send none of the messages and calls of these municipalities' users in the last week
  --deliver-held        a recovery: send exactly the events a run with the same --hold-back held back
  --boost M1,M2         a rise: every teacher of these municipalities writes 10 group messages and starts a call in
                        the last week, naming their organization there (not held back by --hold-back)

Keys: SOURCE_KEY (or DEMO_SOURCE_KEY) pushes events, ADMIN_KEY imports the registry, READER_KEY
(or --kpi-key) reads the KPI service; read from the environment, else from .stack/dev.env (written by
npm run up).`;

class UsageError extends Error {}


function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
  return n;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        profile: { type: 'string' },
        weeks: { type: 'string' },
        seed: { type: 'string' },
        'until-week': { type: 'string' },
        month: { type: 'string' },
        now: { type: 'string' },
        out: { type: 'string' },
        'ingest-url': { type: 'string' },
        'kpi-url': { type: 'string' },
        'kpi-key': { type: 'string' },
        'no-push': { type: 'boolean' },
        rate: { type: 'string' },
        batch: { type: 'string' },
        concurrency: { type: 'string' },
        'events-file': { type: 'string' },
        wait: { type: 'boolean' },
        'wait-timeout': { type: 'string' },
        'if-empty': { type: 'boolean' },
        table: { type: 'boolean' },
        'hold-back': { type: 'string' },
        boost: { type: 'string' },
        'deliver-held': { type: 'boolean' },
        'registry-at': { type: 'string' },
        move: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (args.help === true) {
    console.log(USAGE);
    return 0;
  }
  const name = args.profile;
  if (name === undefined || !(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--profile: expected one of ${PROFILE_NAMES.join(', ')}${name === undefined ? '' : `, got "${name}"`}`);
  }
  const profile = profileOf(name as ProfileName);
  const seed = positiveInt('seed', args.seed, 7, true);
  if (args.month !== undefined && (args.weeks !== undefined || args['until-week'] !== undefined)) throw new UsageError('--month: give either --month or --weeks and --until-week');
  if (args.month !== undefined && !isMonth(args.month)) throw new UsageError(`--month: expected a calendar month like 2026-10, got "${args.month}"`);
  const monthWeeks = args.month === undefined ? undefined : weeksOfMonth(args.month);
  const weekCount = monthWeeks?.length ?? positiveInt('weeks', args.weeks, profile.defaultWeeks);
  if (profile.fixedWeeks !== undefined && weekCount !== profile.fixedWeeks) {
    throw new UsageError(`--${monthWeeks === undefined ? 'weeks' : 'month'}: the ${name} profile simulates exactly ${profile.fixedWeeks} weeks`);
  }
  if (weekCount > 40) throw new UsageError('--weeks: at most 40 (the ingest refuses events older than its EVENT_MAX_AGE_DAYS)');
  // The westernmost zone of the profile decides which week has ended everywhere.
  const zone = profile.regions.some((r) => r.zone === 'Europe/Kaliningrad') ? 'Europe/Kaliningrad' : profile.regions[0]!.zone;
  const nowText = args.now ?? nonEmpty(process.env['CLOCK_START']);
  const nowMs = nowText === undefined ? Date.now() : parseRfc3339(nowText);
  if (nowMs === undefined) throw new UsageError(`--now: expected an RFC 3339 instant with an offset, for example 2026-11-25T12:00:00Z, got "${nowText}"`);
  const until = monthWeeks?.[monthWeeks.length - 1] ?? args['until-week'] ?? lastEndedWeek(nowMs, zone);
  if (!isIsoWeek(until)) throw new UsageError(`--until-week: expected an ISO week like 2026-W47, got "${until}"`);
  if (until >= shiftWeek(lastEndedWeek(nowMs, zone), 1)) throw new UsageError(`--${monthWeeks === undefined ? 'until-week' : 'month'}: ${until} has not ended yet`);
  const weeks = Array.from({ length: weekCount }, (_, i) => shiftWeek(until, i - weekCount + 1));

  const env = { ...readEnvFile(join(ROOT, '.stack', 'dev.env')), ...process.env };
  const push = args['no-push'] !== true;
  const kpiUrl = (args['kpi-url'] ?? env['KPI_URL'] ?? 'http://127.0.0.1:3003').replace(/\/$/, '');
  const ingestUrl = (args['ingest-url'] ?? env['INGEST_URL'] ?? 'http://127.0.0.1:3001').replace(/\/$/, '');
  const adminKey = env['ADMIN_KEY'];
  const sourceKey = env['SOURCE_KEY'] ?? env['DEMO_SOURCE_KEY'];
  if (push && (adminKey === undefined || sourceKey === undefined)) {
    throw new UsageError('pushing needs ADMIN_KEY and SOURCE_KEY (or DEMO_SOURCE_KEY) in the environment or in .stack/dev.env (run npm run up), or --no-push');
  }
  // Without pushing, the KPI service is asked only for settings and thresholds, and only when named.
  const readKey = args['kpi-key'] ?? env['READER_KEY'];
  const kpi = push || args['kpi-url'] !== undefined ? new KpiClient(kpiUrl, { read: readKey, admin: adminKey }) : undefined;
  const outDir = resolve(args.out ?? join(ROOT, '.stack', 'simulator', `${name}-${seed}`));
  const log = (line: string) => console.error(`[simulate] ${line}`);
  const tty = process.stderr.isTTY === true;
  let lastProgress = 0;
  const progress = (line: string) => {
    if (tty) process.stderr.write(`\r\x1b[K[simulate] ${line}`);
    else if (Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      log(line);
    }
  };
  const lastWeek = weeks[weeks.length - 1]!;

  if (args['if-empty'] === true && kpi !== undefined) {
    const home = profile.regions[0]!.code;
    const answer = await kpi.kpi(home, lastWeek).catch(() => undefined);
    const active = answer?.rows[0]?.counters['active_teachers'] ?? 0;
    if (active > 0) {
      log(`region ${home} already has data for ${lastWeek} (${active} active teachers): nothing loaded`);
      if (args.table === true) printTable(await kpi.kpi(home, lastWeek, 'municipality'));
      return 0;
    }
  }

  const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  const scenario = { holdBack: list(args['hold-back']), boost: list(args.boost), deliverHeld: args['deliver-held'] === true };
  if (scenario.deliverHeld && scenario.holdBack.length === 0) throw new UsageError('--deliver-held: name the municipalities with --hold-back, as in the run that held them');
  const registryAt = args['registry-at'] ?? 'first';
  if (!(REGISTRY_AT as readonly string[]).includes(registryAt)) throw new UsageError(`--registry-at: expected one of ${REGISTRY_AT.join(', ')}, got "${registryAt}"`);
  let moves: RegistryMove[] = [];
  if (args.move !== undefined) {
    try {
      moves = parseMoves(args.move);
    } catch (error) {
      if (error instanceof RegistryMoveError) throw new UsageError(`--move: ${error.message}`);
      throw error;
    }
  }

  log(`profile ${name}, seed ${seed}, weeks ${weeks[0]}..${lastWeek}${push ? `, pushing to ${ingestUrl}, registry imported ${registryAt}` : ', files only'}`);
  const result = await runSimulation({
    profile,
    seed,
    weeks,
    now: nowMs,
    outDir,
    ...(kpi === undefined ? {} : { kpi }),
    importRegistry: push,
    registryAt: registryAt as RegistryAt,
    moves,
    scenario,
    ...(push
      ? {
          ingest: {
            url: ingestUrl,
            sourceKey: sourceKey!,
            batchSize: positiveInt('batch', args.batch, 1000),
            concurrency: positiveInt('concurrency', args.concurrency, 4),
            ratePerSecond: positiveInt('rate', args.rate, 0, true),
          },
        }
      : {}),
    ...(args['events-file'] === undefined ? {} : { eventsFile: resolve(args['events-file']) }),
    log,
    progress,
  });
  if (tty) process.stderr.write('\n');
  log(
    `${result.eventsSent.toLocaleString('en')} events ${push ? 'pushed' : 'generated'} in ${result.seconds.toFixed(1)} s` +
      (result.expected === null ? '' : ` (${result.expected.events.distinct.toLocaleString('en')} distinct, the rest exact duplicates)`) +
      (result.push !== null && result.push.retries > 0 ? `; ${result.push.retries} retried requests ${JSON.stringify(result.push.retriesBy)}` : ''),
  );

  if (args.wait === true && kpi !== undefined && result.expected !== null) {
    const ok = await waitForAnswers(kpi, result.expected, positiveInt('wait-timeout', args['wait-timeout'], 300) * 1000, log, progress, tty);
    if (!ok) return 1;
  }
  if (args.table === true && kpi !== undefined) printTable(await kpi.kpi(profile.regions[0]!.code, lastWeek, 'municipality'));
  return 0;
}

/** Polls the answer of every region and simulated week and month, and the unknown organizations, until they equal the reference. */
async function waitForAnswers(
  kpi: KpiClient,
  expected: Expected,
  timeoutMs: number,
  log: (line: string) => void,
  progress: (line: string) => void,
  tty: boolean,
): Promise<boolean> {
  const started = Date.now();
  let problems: string[] = [];
  for (;;) {
    problems = [];
    for (const [region, periods] of Object.entries(expected.regions)) {
      for (const [period, want] of Object.entries(periods)) {
        const answer = await kpi.kpi(region, period);
        problems.push(...compareAnswer(answer, want, UNIT_KEY).map((p) => `${region} ${period} ${p}`));
      }
    }
    // The region's funnel (its region row and stuck organizations), under every stuckDays of the reference (the first: the default).
    // Periods over only: one not over is taken at the hour of the service's clock, which may have moved on since the simulator's
    // now (the acceptance compares those too, with both clocks fixed).
    for (const [i, { stuckDays, regions }] of expected.funnel.entries()) {
      for (const [region, periods] of Object.entries(regions)) {
        for (const [period, want] of Object.entries(periods)) {
          if (want.partial) continue;
          const answer = await kpi.funnel(region, period, undefined, i === 0 ? undefined : stuckDays);
          problems.push(...compareFunnel(answer, want, UNIT_KEY).map((p) => `${region} ${period} stuckDays ${stuckDays} ${p}`));
        }
      }
    }
    problems.push(...compareUnknownOrganizations(await kpi.unknownOrganizations(1000), expected.unknownOrganizations));
    if (problems.length === 0) {
      if (tty) process.stderr.write('\n');
      log(`the KPI service agrees with the reference for every week, month, funnel and unknown organization (${((Date.now() - started) / 1000).toFixed(1)} s after the last event)`);
      return true;
    }
    if (Date.now() - started > timeoutMs) {
      if (tty) process.stderr.write('\n');
      log(`after ${Math.round(timeoutMs / 1000)} s the KPI service still differs from the reference:\n  ${problems.slice(0, 5).join('\n  ')}`);
      return false;
    }
    progress(`waiting for the aggregator: ${problems.length} difference(s), ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function printTable(answer: Awaited<ReturnType<KpiClient['kpi']>>): void {
  const colour = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
  console.log(`\n  Region ${answer.region}, week ${answer.week}${answer.partial ? ' (partial)' : ''}, by municipality:\n`);
  console.log(
    municipalityTable(answer, colour)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  const counts = bandCounts(answer, 'teachers_10_messages');
  console.log(`\n  teachers 10+ msgs: ${counts['good']} good, ${counts['average']} average, ${counts['below_norm']} below norm (federal bands of 17 March 2023)\n`);
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`simulate: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof RegistryMoveError) {
      console.error(`simulate: --move: ${error.message}`);
      process.exit(2);
    }
    console.error(`simulate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);


