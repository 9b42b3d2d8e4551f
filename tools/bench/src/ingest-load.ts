/**
 * The ingest load generator, run as a process of its own by the benchmark
 * (so that it does not share an event loop with what it measures):
 *
 *   node ingest-load.js URL KEY BATCH CONCURRENCY SECONDS [RATE] [ORG,ORG,...]
 *
 * Posts message.sent events in batches, `concurrency` requests in flight,
 * for `seconds` (at most RATE events/s when given), and prints one JSON
 * line: requests, events answered 2xx, statuses, latencies.
 */
import { errorMessage } from '@sferum/util';
import { percentile } from './stats';

interface LoadResult {
  readonly batch: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requests: number;
  readonly acceptedEvents: number;
  readonly eventsPerSecond: number;
  readonly statuses: Record<string, number>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly bytesPerEvent: number;
}

async function main(): Promise<void> {
  const [url, key, batchText, concurrencyText, secondsText, rateText, orgsText] = process.argv.slice(2);
  if (url === undefined || key === undefined || batchText === undefined || concurrencyText === undefined || secondsText === undefined) {
    throw new Error('usage: ingest-load URL KEY BATCH CONCURRENCY SECONDS [RATE] [ORGS]');
  }
  const batch = Number(batchText);
  const concurrency = Number(concurrencyText);
  const seconds = Number(secondsText);
  const rate = Number(rateText ?? '0');
  const orgs = (orgsText ?? '').split(',').filter((o) => o.length > 0);
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let n = 0;
  const now = Date.now();
  const eventJson = () => {
    n++;
    const org = orgs.length === 0 ? '' : `,"orgId":"${orgs[n % orgs.length]}"`;
    const time = new Date(now - (n % 3_600_000)).toISOString();
    return `{"specversion":"1.0","id":"load-${run}-${n}","source":"urn:bench:load","type":"ru.sferum.message.sent","time":"${time}","data":{"userId":"bench-u${n % 50_000}","chatId":"bench-c${n % 5_000}","chatKind":"group","messageKind":"text"${org}}}`;
  };
  const bodyOf = () => {
    const parts: string[] = [];
    for (let i = 0; i < batch; i++) parts.push(eventJson());
    return `[${parts.join(',')}]`;
  };
  const sampleBytes = Buffer.byteLength(bodyOf()) / batch;
  n = 0;

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0;
  let requests = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      if (rate > 0) {
        const due = started + ((requests + 1) * batch * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (Date.now() >= deadline) break;
      }
      const body = bodyOf();
      requests++;
      const t0 = performance.now();
      let status = 0;
      try {
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/cloudevents-batch+json', Authorization: `Bearer ${key}` },
          body,
        });
        status = response.status;
        const result = (await response.json()) as { accepted?: number };
        if (status === 200) accepted += result.accepted ?? 0;
      } catch {
        status = 0;
      }
      latencies.push(performance.now() - t0);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - started) / 1000;
  const result: LoadResult = {
    batch,
    concurrency,
    seconds: elapsed,
    requests,
    acceptedEvents: accepted,
    eventsPerSecond: accepted / elapsed,
    statuses,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    bytesPerEvent: sampleBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(errorMessage(error));
  process.exit(1);
});
