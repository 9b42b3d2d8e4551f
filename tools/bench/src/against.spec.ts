import { compare, renderComparison } from './against';
import { type BenchResults } from './results';

/** A run's result with only what the comparison reads. */
function run(startedAt: string, eventsPerSecond: number, cpu: number | null, recordsPerSecond: number | undefined): BenchResults {
  return {
    startedAt,
    seconds: 1,
    quick: false,
    machine: {},
    services: {},
    errors: {},
    ingest: {
      batches: [1, 100, 1000].map((batch) => ({ batch, eventsPerSecond: eventsPerSecond * batch, p50Ms: 1, p99Ms: 2, requests: 10, statuses: { '202': 10 }, ingestCpuSecondsPerMillion: cpu })),
      baseline: { tool: 'producer', records: 1, recordBytes: 1, recordsPerSecond: 1, p50Ms: 1, p99Ms: 1 },
      ratioBatch1000ToBaseline: 1,
    },
    ...(recordsPerSecond === undefined
      ? {}
      : {
          aggregation: {
            records: 1,
            distinctRecords: 1,
            fillSeconds: 1,
            ours: { seconds: 1, recordsPerSecond, steadyRecordsPerSecond: recordsPerSecond, peakRssMiB: 1, cpuSecondsPerMillion: 10 },
            kafkaEngine: { error: 'not run' },
            directInsert: { seconds: 1, rowsPerSecond: 1 },
            countersEqual: true,
            ratioOursToKafkaEngine: null,
          },
        }),
  };
}

describe('bench against a revision', () => {
  it('compares the medians of the rounds and judges rates within 10% of the revision', () => {
    const ours = [run('a1', 95, 20, 900), run('a2', 80, 22, 1000), run('a3', 91, 21, 950)];
    const theirs = [run('b1', 100, 30, 1000), run('b2', 99, 31, 1100), run('b3', 101, 29, 1050)];
    const byName = new Map(compare(ours, theirs).map((c) => [c.metric.name, c]));
    const ingest = byName.get('ingest, batches of 100')!;
    expect(ingest.oursMedian).toBe(9_100);
    expect(ingest.baselineMedian).toBe(10_000);
    expect(ingest.ratio).toBeCloseTo(0.91, 5);
    expect(ingest.met).toBe(true);
    const aggregation = byName.get('aggregation, whole drain')!;
    expect(aggregation.ratio).toBeCloseTo(950 / 1050, 5); // 0.905
    expect(aggregation.met).toBe(true);
    expect(byName.get('ingest CPU, batches of 1')!.met).toBeNull(); // CPU is shown, not judged
    expect(byName.get('ingest CPU, batches of 1')!.ratio).toBeCloseTo(21 / 30, 5);
  });

  it('a rate more than 10% below is not met; a measure a run lacks is left out', () => {
    const ours = [run('a1', 85, null, undefined)];
    const theirs = [run('b1', 100, null, 1000)];
    const comparisons = compare(ours, theirs);
    expect(comparisons.map((c) => c.metric.name)).toEqual(['ingest, batches of 1', 'ingest, batches of 100', 'ingest, batches of 1000']);
    expect(comparisons.every((c) => c.met === false)).toBe(true);
    const markdown = renderComparison('abc1234', comparisons, ours, theirs);
    expect(markdown).toContain('| ingest, batches of 1 | events/s | 85 (85) | 100 (100) | 0.85× | **not met** |');
    expect(markdown).toContain('- round 1: this tree a1, abc1234 b1');
  });
});
