/**
 * Ingest throughput: events/s answered 2xx for batches of 1, 100 and 1,000
 * (8 requests in flight, the load generator a process of its own), p50 and
 * p99 latency; CPU seconds of the ingest per million events. Baseline:
 * Kafka's own producer performance tool (same jars as the broker, acks=all,
 * the size of a normalized record), to the same broker.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaClient } from '@sferum/infra-kafka';
import { type BenchContext } from './context';
import { sampleProcess } from './proc';
import { round } from './stats';

const run = promisify(execFile);

export interface IngestResult {
  readonly batches: {
    readonly batch: number;
    readonly eventsPerSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly requests: number;
    readonly statuses: Record<string, number>;
    readonly ingestCpuSecondsPerMillion: number | null;
  }[];
  /**
   * Single events at a steady 1,000 events/s (the load generator paces
   * them; up to 8 in flight): the latency an upstream pushing events one
   * by one sees, not the most the ingest can take. Absent in results
   * written before it was measured.
   */
  readonly paced?: { readonly rate: number; readonly eventsPerSecond: number; readonly p50Ms: number; readonly p99Ms: number; readonly ingestCpuSecondsPerMillion: number | null };
  readonly baseline: { readonly tool: string; readonly records: number; readonly recordBytes: number; readonly recordsPerSecond: number; readonly p50Ms: number; readonly p99Ms: number };
  readonly ratioBatch1000ToBaseline: number;
}

/** The size of a normalized record on sferum.activity.v2 for a message (what the producer tool should send). */
export const ACTIVITY_RECORD_BYTES = Buffer.byteLength(
  JSON.stringify({
    schema: 'sferum.activity.v2',
    eventId: '0123456789abcdef0123456789abcdef',
    type: 'ru.sferum.message.sent',
    time: '2026-11-18T03:12:45.123Z',
    orgId: '54-general-0001',
    source: 'demo',
    ingestedAt: '2026-11-18T03:12:45.456Z',
    userId: '0123456789abcdef0123456789abcdef',
    role: null,
    chatId: '0123456789abcdef0123456789abcdef',
    chatKind: 'group',
    messageKind: 'text',
    callId: null,
    initiator: null,
    journalSystem: null,
    chatAudience: null,
    memberCount: null,
  }),
);

/** Runs the load generator as a process of its own; resolves with its JSON result. */
export function loadGenerator(ctx: BenchContext, batch: number, concurrency: number, seconds: number, rate = 0): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const orgs = Array.from({ length: 200 }, (_, i) => `54-general-${String(i + 1).padStart(4, '0')}`).join(',');
    const child = spawn(process.execPath, [join(__dirname, 'ingest-load.js'), ctx.urls.ingest, ctx.env['DEMO_SOURCE_KEY']!, String(batch), String(concurrency), String(seconds), String(rate), orgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`load generator exited ${code}`))));
  });
}


/** One load: its rate, latency and the ingest's CPU per million events accepted. */
async function measuredLoad(ctx: BenchContext, batch: number, seconds: number, rate = 0) {
  const before = ctx.pids.ingest === undefined ? undefined : sampleProcess(ctx.pids.ingest);
  const r = await loadGenerator(ctx, batch, 8, seconds, rate);
  const after = ctx.pids.ingest === undefined ? undefined : sampleProcess(ctx.pids.ingest);
  const accepted = r['acceptedEvents'] as number;
  const latency = r['latencyMs'] as { p50: number; p99: number };
  return {
    eventsPerSecond: round(r['eventsPerSecond'] as number, 0),
    p50Ms: round(latency.p50, 1),
    p99Ms: round(latency.p99, 1),
    requests: r['requests'] as number,
    statuses: r['statuses'] as Record<string, number>,
    ingestCpuSecondsPerMillion: before !== undefined && after !== undefined && accepted > 0 ? round(((after.cpuSeconds - before.cpuSeconds) / accepted) * 1e6, 1) : null,
  };
}

/** The steady rate of single events whose latency the ingest cost issue bounds (p99 ≤ 10 ms). */
export const PACED_EVENTS_PER_SECOND = 1_000;

export async function benchIngest(ctx: BenchContext): Promise<IngestResult> {
  const seconds = ctx.quick ? 5 : 15;
  const batches: IngestResult['batches'][number][] = [];
  for (const batch of [1, 100, 1000]) {
    ctx.log(`ingest: batches of ${batch}, 8 in flight, ${seconds} s`);
    batches.push({ batch, ...(await measuredLoad(ctx, batch, seconds)) });
    const b = batches[batches.length - 1]!;
    ctx.log(`  ${b.eventsPerSecond} events/s, p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms`);
  }
  ctx.log(`ingest: single events paced at ${PACED_EVENTS_PER_SECOND} events/s, ${seconds} s`);
  const { requests: _requests, statuses: _statuses, ...pacedLoad } = await measuredLoad(ctx, 1, seconds, PACED_EVENTS_PER_SECOND);
  const paced = { rate: PACED_EVENTS_PER_SECOND, ...pacedLoad };
  ctx.log(`  ${paced.eventsPerSecond} events/s, p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);

  // Baseline: kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) from the broker's jars.
  const topic = `bench.producer-perf.${Date.now()}`;
  const kafka = new KafkaClient({ brokers: ctx.kafkaBrokers, clientId: 'bench' });
  const admin = await kafka.connectedAdmin();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
  const records = ctx.quick ? 200_000 : 1_000_000;
  ctx.log(`ingest baseline: ProducerPerformance, ${records} records of ${ACTIVITY_RECORD_BYTES} bytes, acks=all`);
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j2.configurationFile=${join(ctx.root, 'deploy/kafka/log4j2.xml')}`,
      '-cp',
      `${ctx.kafkaLibs}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(ACTIVITY_RECORD_BYTES),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${ctx.kafkaBrokers.join(',')}`,
      'acks=all',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await kafka.close();
  const summary = stdout.trim().split('\n').reverse().find((l) => l.includes('records sent'));
  const m = summary === undefined ? null : /records sent, ([\d.]+) records\/sec.*?, ([\d.]+) ms 50th, [\d.]+ ms 95th, ([\d.]+) ms 99th/.exec(summary);
  if (m === null) throw new Error(`cannot read ProducerPerformance's output:\n${stdout.slice(-2000)}`);
  const baseline = { tool: 'kafka ProducerPerformance (kafka-tools 4.4.0)', records, recordBytes: ACTIVITY_RECORD_BYTES, recordsPerSecond: round(Number(m[1]), 0), p50Ms: Number(m[2]), p99Ms: Number(m[3]) };
  ctx.log(`  ${baseline.recordsPerSecond} records/s, p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms`);
  return { batches, paced, baseline, ratioBatch1000ToBaseline: round(batches[2]!.eventsPerSecond / baseline.recordsPerSecond, 2) };
}
