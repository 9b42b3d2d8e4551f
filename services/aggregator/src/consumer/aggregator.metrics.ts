import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@sferum/infra-observability';
import { Counter, Gauge, Histogram } from 'prom-client';

/** What the aggregator reports to Prometheus. */
@Injectable()
export class AggregatorMetrics {
  readonly consumed: Counter;
  readonly written: Counter;
  readonly duplicates: Counter;
  readonly deadLetters: Counter;
  readonly refusedRows: Counter;
  readonly writeRetries: Counter;
  readonly flushSeconds: Histogram;
  readonly flushRows: Histogram;
  readonly ingestToStoredSeconds: Histogram;
  readonly lag: Gauge<'partition'>;
  readonly lastProgress: Gauge;

  constructor(@Inject(MetricsRegistry) registry: MetricsRegistry) {
    const registers = [registry];
    this.consumed = new Counter({ name: 'aggregator_records_consumed_total', help: 'Records read from the activity topic', registers });
    this.written = new Counter({ name: 'aggregator_rows_written_total', help: 'Rows written to ClickHouse', registers });
    this.duplicates = new Counter({
      name: 'aggregator_duplicates_total',
      help: 'Records dropped as duplicates of another in the same batch (duplicates across batches are absorbed by the exact counters)',
      registers,
    });
    this.deadLetters = new Counter({ name: 'aggregator_dead_letters_total', help: 'Records sent to the dead-letter topic', registers });
    this.refusedRows = new Counter({
      name: 'aggregator_refused_rows_total',
      help: 'Rows ClickHouse refused for their data, sent to the dead-letter topic (also counted in aggregator_dead_letters_total)',
      registers,
    });
    this.writeRetries = new Counter({ name: 'aggregator_write_retries_total', help: 'Failed ClickHouse writes that were retried', registers });
    this.flushSeconds = new Histogram({
      name: 'aggregator_flush_duration_seconds',
      help: 'Duration of one successful ClickHouse write',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.flushRows = new Histogram({
      name: 'aggregator_flush_rows',
      help: 'Rows per ClickHouse write',
      buckets: [1, 10, 100, 1000, 5000, 10000, 25000, 50000, 100000],
      registers,
    });
    this.ingestToStoredSeconds = new Histogram({
      name: 'aggregator_ingest_to_stored_seconds',
      help: 'From ingest accepting a record to its row being written',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.lag = new Gauge({ name: 'aggregator_consumer_lag', help: 'Records not yet committed, per partition', labelNames: ['partition'], registers });
    this.lastProgress = new Gauge({
      name: 'aggregator_last_progress_timestamp_seconds',
      help: 'When the consumer last committed a batch or was found caught up',
      registers,
    });
  }
}
