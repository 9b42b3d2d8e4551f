/**
 * npm run bench [-- --only ingest,aggregation,freshness,kpi] [--quick] [--profile] [--keep] [--kpi-org-ids scattered|by-region]
 *
 * Benchmarks of the running system (start it with `npm run up`), each part
 * with its baseline measured in the same run. Writes
 * bench/results/<timestamp>.json and .md, and docs/benchmarks.md. With
 * --profile, the service processes it starts write CPU profiles to
 * bench/profiles/ (open them in Chrome DevTools). With --keep, the kpi
 * part leaves the ClickHouse and PostgreSQL databases of its national week
 * in place and prints their names (for profiling its queries).
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@sferum/util';
import { benchAggregation } from './aggregation-bench';
import { type BenchContext, pidOf, readDevEnv, ROOT } from './context';
import { benchFreshness } from './freshness-bench';
import { benchIngest } from './ingest-bench';
import { benchKpi } from './kpi-bench';
import { sampleProcess } from './proc';
import { renderMarkdown } from './report';
import { type BenchResults } from './results';

const PARTS = ['ingest', 'aggregation', 'freshness', 'kpi'] as const;
type Part = (typeof PARTS)[number];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The first line a command prints about its version (on stdout or, like java, on stderr). */
function version(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, profile: { type: 'boolean' }, keep: { type: 'boolean' }, 'kpi-org-ids': { type: 'string' } }, strict: true });
  const profileDir = join(ROOT, 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  const parts = (values.only ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[];
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; expected ${PARTS.join(', ')}`);
  const kpiOrgIds = values['kpi-org-ids'] ?? 'scattered';
  if (kpiOrgIds !== 'scattered' && kpiOrgIds !== 'by-region') throw new Error('--kpi-org-ids: expected scattered or by-region');
  const env = readDevEnv();
  const ctx: BenchContext = {
    root: ROOT,
    env,
    urls: { ingest: 'http://127.0.0.1:3001', aggregator: 'http://127.0.0.1:3002', kpi: 'http://127.0.0.1:3003' },
    kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    clickhouseUrl: process.env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123',
    databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sferum',
    kafkaLibs: join(ROOT, '.stack', 'kafka', 'libs'),
    pids: { ingest: pidOf('ingest'), aggregator: pidOf('aggregator'), kpi: pidOf('kpi') },
    quick: values.quick === true,
    keep: values.keep === true,
    kpiOrgIds,
    nodeProfileArgs: values.profile === true ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    log: (line) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`),
  };
  for (const [name, url] of Object.entries(ctx.urls)) {
    const ok = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
    if (!ok) throw new Error(`${name} is not ready at ${url}: run npm run up first`);
  }
  const started = Date.now();
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    java: version('java', ['-version']),
    kafka: /<kafka\.version>([^<]+)</.exec(readFileSync(join(ROOT, 'deploy/kafka/pom.xml'), 'utf8'))?.[1] ?? 'unknown',
    clickhouse: await fetch(`${ctx.clickhouseUrl}/?query=SELECT%20version()`).then((r) => r.text()).then((t) => t.trim(), () => 'unknown'),
    postgres: version('psql', ['--version']),
  };
  const results: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const runners: Record<Part, () => Promise<unknown>> = {
    ingest: () => benchIngest(ctx),
    aggregation: () => benchAggregation(ctx, freePort),
    freshness: () => benchFreshness(ctx),
    kpi: () => benchKpi(ctx, freePort),
  };
  for (const part of PARTS) {
    if (!parts.includes(part)) continue;
    try {
      results[part] = await runners[part]();
    } catch (error) {
      errors[part] = errorMessage(error);
      ctx.log(`${part} failed: ${errors[part]}`);
    }
  }
  const services = Object.fromEntries(
    (['ingest', 'aggregator', 'kpi'] as const).map((s) => {
      const pid = ctx.pids[s];
      const sample = pid === undefined ? undefined : sampleProcess(pid);
      return [s, sample === undefined ? null : { peakRssMiB: Math.round(sample.peakRssMiB), cpuSeconds: Math.round(sample.cpuSeconds) }];
    }),
  );
  const output: BenchResults = { startedAt: new Date(started).toISOString(), seconds: Math.round((Date.now() - started) / 1000), quick: ctx.quick, machine, ...results, services, errors };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = output.startedAt.replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(output, null, 2)}\n`);
  const markdown = renderMarkdown(output);
  writeFileSync(join(dir, `${name}.md`), markdown);
  if (!ctx.quick && Object.keys(errors).length === 0 && parts.length === PARTS.length) {
    const docs = readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
    const marker = '<!-- latest results -->';
    const head = docs.includes(marker) ? docs.slice(0, docs.indexOf(marker)) : `${docs.trimEnd()}\n\n`;
    writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), `${head}${marker}\n\n${markdown}`);
  }
  console.log(markdown);
  ctx.log(`results: bench/results/${name}.json and .md (${output.seconds} s)`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

// Exits when done: a part that failed may leave a client open (a Kafka
// connection, a timer), which would keep the process, and whoever waits for
// it (tools/bench/against.sh), waiting.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(`bench: ${errorMessage(error)}`);
    process.exit(1);
  },
);
