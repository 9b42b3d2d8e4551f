import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@sferum/infra-observability';
import { Counter, Histogram } from 'prom-client';

/** What ingest reports to Prometheus. Labels are bounded: sources, event types, outcomes, rejection codes. */
@Injectable()
export class IngestMetrics {
  readonly events: Counter<'source' | 'type' | 'outcome'>;
  readonly rejections: Counter<'source' | 'code'>;
  readonly requests: Histogram<'status'>;
  readonly batchSize: Histogram;
  readonly produceSeconds: Histogram<'outcome'>;
  readonly produceRecords: Histogram;

  constructor(@Inject(MetricsRegistry) registry: MetricsRegistry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'ingest_events_total',
      help: 'Events received, by source, type and outcome (accepted: durably in Kafka; rejected: invalid; unavailable: Kafka did not acknowledge)',
      labelNames: ['source', 'type', 'outcome'],
      registers,
    });
    this.rejections = new Counter({
      name: 'ingest_rejections_total',
      help: 'Rejected events by source and reason code',
      labelNames: ['source', 'code'],
      registers,
    });
    this.requests = new Histogram({
      name: 'ingest_request_duration_seconds',
      help: 'POST /v1/events latency by HTTP status',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'ingest_request_events',
      help: 'Events per request',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000],
      registers,
    });
    this.produceSeconds = new Histogram({
      name: 'ingest_produce_duration_seconds',
      help: 'Time for Kafka to acknowledge a send (acks=all)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 10],
      registers,
    });
    this.produceRecords = new Histogram({
      name: 'ingest_produce_records',
      help: 'Records per Kafka send (concurrent requests share one send)',
      buckets: [1, 10, 100, 1000, 5000, 10000, 50000],
      registers,
    });
  }
}
