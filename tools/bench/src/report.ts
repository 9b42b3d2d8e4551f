/** The markdown summary of a benchmark run: medians, ratios to the baselines, targets met or not. */
import { type BenchResults } from './results';

const n = (x: number | null | undefined, unit = '') => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${x.toLocaleString('en')}${unit}`);
const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? '**met**' : '**not met**');

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  out.push(`## Benchmark run of ${r.startedAt}${r.quick ? ' (quick: shortened, not for comparison)' : ''}`, '');
  out.push(`Machine: ${r.machine['cores']} cores (${r.machine['cpu']}), ${r.machine['memoryGiB']} GiB; Node ${r.machine['node']}; ${r.machine['java']}; Kafka ${r.machine['kafka']}; ClickHouse ${r.machine['clickhouse']}; ${r.machine['postgres']}. Every server, the services and the load generators share these cores. Run took ${r.seconds} s.`, '');

  out.push('### Targets', '', '| target | figure | verdict |', '|---|---|---|');
  const b1000 = r.ingest?.batches.find((b) => b.batch === 1000);
  out.push(`| ingest ≥ 50,000 events/s with batches of 1,000 | ${n(b1000?.eventsPerSecond, ' events/s')} | ${verdict(b1000 === undefined ? null : b1000.eventsPerSecond >= 50_000)} |`);
  const paced = r.ingest?.paced;
  out.push(`| ingest p99 ≤ 10 ms for single events at ${n(paced?.rate ?? 1000)} events/s | ${paced === undefined ? '—' : `${paced.p99Ms} ms (${n(paced.eventsPerSecond)} events/s)`} | ${verdict(paced === undefined ? null : paced.p99Ms <= 10)} |`);
  out.push(`| ingest ≥ half the producer tool's rate | ${r.ingest === undefined ? '—' : `${r.ingest.ratioBatch1000ToBaseline}× of ${n(r.ingest.baseline.recordsPerSecond, ' records/s')}`} | ${verdict(r.ingest === undefined ? null : r.ingest.ratioBatch1000ToBaseline >= 0.5)} |`);
  const engine = r.aggregation?.kafkaEngine;
  const engineRate = engine !== undefined && 'recordsPerSecond' in engine ? engine.recordsPerSecond : null;
  out.push(`| aggregation ≥ ClickHouse Kafka engine | ${r.aggregation === undefined ? '—' : `${n(r.aggregation.ours.recordsPerSecond, ' records/s')} vs ${engineRate === null ? `engine failed: ${engine !== undefined && 'error' in engine ? engine.error : '?'}` : n(engineRate, ' records/s')}`} | ${verdict(r.aggregation === undefined || engineRate === null ? null : r.aggregation.ours.recordsPerSecond >= engineRate)} |`);
  out.push(`| freshness p99 ≤ 2 s at 5,000 events/s | ${n(r.freshness?.p99Ms, ' ms')} | ${verdict(r.freshness === undefined ? null : r.freshness.p99Ms <= 2000)} |`);
  out.push(`| KPI p95 ≤ 100 ms warm (national week) | region ${n(r.kpi?.region.warmP95Ms, ' ms')}, by municipality ${n(r.kpi?.byMunicipality.warmP95Ms, ' ms')} | ${verdict(r.kpi === undefined ? null : Math.max(r.kpi.region.warmP95Ms, r.kpi.byMunicipality.warmP95Ms) <= 100)} |`);
  const history = r.kpi?.history;
  out.push(`| KPI history of 12 weeks p95 ≤ 300 ms warm | ${n(history?.warmP95Ms, ' ms')} | ${verdict(history === undefined ? null : history.warmP95Ms <= 300)} |`);
  out.push(`| KPI cold (caches dropped) ≤ 1 s | region ${n(r.kpi?.region.coldMs, ' ms')}, by municipality ${n(r.kpi?.byMunicipality.coldMs, ' ms')} | ${verdict(r.kpi === undefined ? null : Math.max(r.kpi.region.coldMs, r.kpi.byMunicipality.coldMs) <= 1000)} |`);
  out.push(`| aggregator RSS ≤ 300 MB draining a backlog | ${n(r.aggregation?.ours.peakRssMiB, ' MiB')} | ${verdict(r.aggregation === undefined ? null : r.aggregation.ours.peakRssMiB * 1.048576 <= 300)} |`, '');

  if (r.ingest !== undefined) {
    out.push('### Ingest (load generator in its own process, 8 requests in flight, acks=all)', '', '| batch | events/s (2xx) | p50 | p99 | requests | ingest CPU s per million events |', '|---|---|---|---|---|---|');
    for (const b of r.ingest.batches) out.push(`| ${b.batch} | ${n(b.eventsPerSecond)} | ${b.p50Ms} ms | ${b.p99Ms} ms | ${n(b.requests)} | ${n(b.ingestCpuSecondsPerMillion)} |`);
    const base = r.ingest.baseline;
    if (r.ingest.paced !== undefined) {
      const p = r.ingest.paced;
      out.push(`| 1, paced at ${n(p.rate)} events/s | ${n(p.eventsPerSecond)} | ${p.p50Ms} ms | ${p.p99Ms} ms | | ${n(p.ingestCpuSecondsPerMillion)} |`);
    }
    out.push(`| baseline: ${base.tool}, ${n(base.records)} records of ${base.recordBytes} B | ${n(base.recordsPerSecond)} | ${base.p50Ms} ms | ${base.p99Ms} ms | | |`, '');
  }
  if (r.aggregation !== undefined) {
    const a = r.aggregation;
    out.push(`### Aggregation (${n(a.records)} records, ${n(a.records - a.distinctRecords)} exact duplicates, pre-filled in ${a.fillSeconds} s)`, '', '| | seconds | records/s | ratio to ours |', '|---|---|---|---|');
    out.push(`| ours: aggregator process, start-up included (peak RSS ${a.ours.peakRssMiB} MiB, ${a.ours.cpuSecondsPerMillion} CPU s per million) | ${a.ours.seconds} | ${n(a.ours.recordsPerSecond)} | 1 |`);
    out.push(`| ours, from the first record read | | ${n(a.ours.steadyRecordsPerSecond)} | |`);
    out.push(`| baseline: ClickHouse Kafka engine + materialized view | ${'seconds' in a.kafkaEngine ? a.kafkaEngine.seconds : `failed: ${a.kafkaEngine.error}`} | ${'recordsPerSecond' in a.kafkaEngine ? n(a.kafkaEngine.recordsPerSecond) : '—'} | ${'recordsPerSecond' in a.kafkaEngine ? (a.kafkaEngine.recordsPerSecond / a.ours.recordsPerSecond).toFixed(2) : '—'} |`);
    out.push(`| ceiling: direct bulk insert of the same rows | ${a.directInsert.seconds} | ${n(a.directInsert.rowsPerSecond)} | ${(a.directInsert.rowsPerSecond / a.ours.recordsPerSecond).toFixed(2)} |`);
    out.push('', `Counters identical in the three databases: ${a.countersEqual ? 'yes' : '**no**'}.`, '');
  }
  if (r.freshness !== undefined) {
    const f = r.freshness;
    out.push('### Freshness (ingest 2xx to visible in the KPI counters)', '', `Load ${n(f.loadEventsPerSecond)} events/s (asked ${n(f.rate)}) for ${f.seconds} s; ${f.visible} of ${f.probes} probes seen: p50 ${n(f.p50Ms)} ms, p99 ${n(f.p99Ms)} ms, max ${n(f.maxMs)} ms.`, '');
  }
  if (r.kpi !== undefined) {
    const k = r.kpi;
    out.push(
      `### KPI queries (national week: ${n(k.organizations)} organizations, ${n(k.municipalities)} municipalities, ${n(k.teachers)} teachers, ${n(k.messages)} messages; ${k.historyWeeks} weeks of activity; synthesized in ${k.synthesisSeconds} s)`,
      '',
      k.orgIds === 'by-region'
        ? 'Organization ids begin with their region (`--kpi-org-ids by-region`): a region\'s organizations are adjacent in the tables ordered by org_id.'
        : 'Organization ids are not ordered by region: a region\'s organizations are spread over the whole key range of the tables ordered by org_id.',
      '',
      '| request | cold (median of 3 regions) | warm p50 | warm p95 |',
      '|---|---|---|---|',
      `| region (cold: ${k.regionsMeasured.join(', ')}; warm: 54) | ${k.region.coldMs} ms | ${k.region.warmP50Ms} ms | ${k.region.warmP95Ms} ms |`,
      `| grouped by municipality (cold: ${k.municipalityRegionsMeasured.join(', ')}; warm: 54) | ${k.byMunicipality.coldMs} ms | ${k.byMunicipality.warmP50Ms} ms | ${k.byMunicipality.warmP95Ms} ms |`,
      `| region right after a write to its week (${k.afterWrite.requests} requests: p50, max) | | ${k.afterWrite.p50Ms} ms | ${k.afterWrite.maxMs} ms (max) |`,
      `| history of ${k.history.weeks} weeks, one indicator (region 54; first request, not a median) | ${k.history.firstMs} ms | ${k.history.warmP50Ms} ms | ${k.history.warmP95Ms} ms |`,
      '',
      `What ClickHouse reads for one week of region ${k.reads.region} (warm; the country's week: ${n(k.reads.weekSpanRows)} rows of user_activity_spans, ${n(k.reads.weekHourlyRows)} of user_activity_hourly; ${n(k.reads.registrationRows)} registrations):`,
      '',
      '| query | rows read | MiB read | ClickHouse ms |',
      '|---|---|---|---|',
      ...k.reads.queries.map((q) => `| ${q.name} | ${n(q.rowsRead)} | ${(q.bytesRead / 2 ** 20).toFixed(1)} | ${q.elapsedMs} |`),
      '',
    );
  }
  out.push('### Services of the running system', '', '| service | peak RSS since start | CPU seconds since start |', '|---|---|---|');
  for (const [name, s] of Object.entries(r.services)) out.push(`| ${name} | ${s === null ? '—' : `${s.peakRssMiB} MiB`} | ${s === null ? '—' : s.cpuSeconds} |`);
  if (Object.keys(r.errors).length > 0) out.push('', '### Failed parts', '', ...Object.entries(r.errors).map(([p, e]) => `- ${p}: ${e}`));
  return `${out.join('\n')}\n`;
}
