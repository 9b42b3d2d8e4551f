/**
 * node dist/tools/bench/src/against.js --revision <commit> --ours a.json,b.json --baseline c.json,d.json
 *
 * The comparison that tools/bench/against.sh ends with: the ingest and
 * aggregation rates of this tree's rounds against an earlier revision's,
 * taken in turns in one run; medians of the rounds, their ratio, and
 * whether each rate stays within 10% of the revision's. Writes
 * bench/results/<timestamp>-against-<commit>.md and prints it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@sferum/util';
import { ROOT } from './context';
import { type BenchResults } from './results';
import { median, round } from './stats';

/** A rate may fall by this much against the revision's (issue 14's criterion). */
export const ALLOWED_FALL = 0.1;

interface Metric {
  readonly name: string;
  readonly unit: string;
  /** Higher is better (a rate), or lower (CPU per event). */
  readonly better: 'higher' | 'lower';
  readonly of: (r: BenchResults) => number | null | undefined;
}

const BATCHES = [1, 100, 1000] as const;

export const METRICS: readonly Metric[] = [
  ...BATCHES.map(
    (batch): Metric => ({ name: `ingest, batches of ${batch}`, unit: 'events/s', better: 'higher', of: (r) => r.ingest?.batches.find((b) => b.batch === batch)?.eventsPerSecond }),
  ),
  ...BATCHES.map(
    (batch): Metric => ({
      name: `ingest CPU, batches of ${batch}`,
      unit: 'CPU s per million events',
      better: 'lower',
      of: (r) => r.ingest?.batches.find((b) => b.batch === batch)?.ingestCpuSecondsPerMillion,
    }),
  ),
  { name: 'aggregation, whole drain', unit: 'records/s', better: 'higher', of: (r) => r.aggregation?.ours.recordsPerSecond },
  { name: 'aggregation, steady', unit: 'records/s', better: 'higher', of: (r) => r.aggregation?.ours.steadyRecordsPerSecond },
  { name: 'aggregation CPU', unit: 'CPU s per million records', better: 'lower', of: (r) => r.aggregation?.ours.cpuSecondsPerMillion },
];

export interface Comparison {
  readonly metric: Metric;
  readonly ours: readonly number[];
  readonly baseline: readonly number[];
  readonly oursMedian: number;
  readonly baselineMedian: number;
  /** Ours over the baseline's median. */
  readonly ratio: number;
  /** Only rates are judged: within ALLOWED_FALL of the baseline's. CPU per event is shown. */
  readonly met: boolean | null;
}

function values(runs: readonly BenchResults[], metric: Metric): number[] {
  return runs.map((r) => metric.of(r)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function compare(ours: readonly BenchResults[], baseline: readonly BenchResults[]): Comparison[] {
  return METRICS.flatMap((metric) => {
    const a = values(ours, metric);
    const b = values(baseline, metric);
    if (a.length === 0 || b.length === 0) return [];
    const oursMedian = median(a);
    const baselineMedian = median(b);
    const ratio = oursMedian / baselineMedian;
    return [{ metric, ours: a, baseline: b, oursMedian, baselineMedian, ratio, met: metric.better === 'higher' ? ratio >= 1 - ALLOWED_FALL : null }];
  });
}

const n = (v: number) => v.toLocaleString('en', { maximumFractionDigits: 1 });

export function renderComparison(revision: string, comparisons: readonly Comparison[], ours: readonly BenchResults[], baseline: readonly BenchResults[]): string {
  const out = [
    `# Ingest and aggregation: this tree against ${revision}`,
    '',
    `${ours.length} rounds each, taken in turns on the same servers (tools/bench/against.sh); medians of the rounds.`,
    `A rate may fall by at most ${ALLOWED_FALL * 100}% against ${revision}'s.`,
    '',
    `| measure | unit | this tree | ${revision} | ratio | verdict |`,
    '|---|---|---|---|---|---|',
  ];
  for (const c of comparisons) {
    const verdict = c.met === null ? '—' : c.met ? 'met' : '**not met**';
    out.push(`| ${c.metric.name} | ${c.metric.unit} | ${n(c.oursMedian)} (${c.ours.map(n).join(', ')}) | ${n(c.baselineMedian)} (${c.baseline.map(n).join(', ')}) | ${round(c.ratio, 2)}× | ${verdict} |`);
  }
  out.push('', 'Rounds (JSON results):', '');
  ours.forEach((r, i) => out.push(`- round ${i + 1}: this tree ${r.startedAt}, ${revision} ${baseline[i]?.startedAt ?? '—'}`));
  return `${out.join('\n')}\n`;
}

function main(): void {
  const { values: args } = parseArgs({ options: { revision: { type: 'string' }, ours: { type: 'string' }, baseline: { type: 'string' } }, strict: true });
  if (args.revision === undefined || args.ours === undefined || args.baseline === undefined) throw new Error('usage: --revision <commit> --ours a.json,... --baseline b.json,...');
  const read = (files: string) => files.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchResults);
  const ours = read(args.ours);
  const baseline = read(args.baseline);
  const markdown = renderComparison(args.revision, compare(ours, baseline), ours, baseline);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-against-${args.revision}.md`);
  writeFileSync(file, markdown);
  console.log(markdown);
  console.error(`written: ${file}`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`bench against: ${errorMessage(error)}`);
    process.exit(1);
  }
}
