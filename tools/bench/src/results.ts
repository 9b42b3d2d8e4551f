/** One benchmark run, as written to bench/results/<timestamp>.json. */
import { type AggregationResult } from './aggregation-bench';
import { type FreshnessResult } from './freshness-bench';
import { type IngestResult } from './ingest-bench';
import { type KpiBenchResult } from './kpi-bench';

export interface BenchResults {
  readonly startedAt: string;
  readonly seconds: number;
  readonly quick: boolean;
  readonly machine: Record<string, string | number>;
  readonly ingest?: IngestResult;
  readonly aggregation?: AggregationResult;
  readonly freshness?: FreshnessResult;
  readonly kpi?: KpiBenchResult;
  readonly services: Record<string, { readonly peakRssMiB: number; readonly cpuSeconds: number } | null>;
  readonly errors: Record<string, string>;
}
