import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_TYPES, type ActivityRecord, type EventRejection, type IngestResult } from '@sferum/contracts';
import {
  activityRecordHeaders,
  REPEATED_ACTIVITY_HEADERS,
  createPseudonymizer,
  EventValidator,
  normalizeEvent,
  TokenBuckets,
  type Clock,
  type NormalizationContext,
  type Pseudonymizer,
  type SourceIdentity,
} from '@sferum/domain';
import { CLOCK, ProblemException, servingProcesses, tooManyRequests } from '@sferum/infra-http';
import { DurableProducer, KafkaClient, KafkaUnavailableError } from '@sferum/infra-kafka';
import { type IngestConfig } from '../ingest.config';
import { INGEST_CONFIG } from '../ingest.tokens';
import { IngestMetrics } from './ingest.metrics';
import { RegistryLookupProvider } from './registry-lookup.provider';

/** Seconds a client should wait before retrying when Kafka is unavailable. */
const KAFKA_RETRY_AFTER_SECONDS = 5;
/** Seconds a client should wait while the registry is not loaded yet (at start). */
const REGISTRY_RETRY_AFTER_SECONDS = 2;

/**
 * The ingest path: rate limit, validate and normalize each event, make the
 * valid ones durable in Kafka (acks=all), answer per event. Nothing is
 * reported accepted unless Kafka acknowledged it.
 */
@Injectable()
export class EventsService implements OnApplicationShutdown {
  private readonly validator = new EventValidator();
  private readonly pseudonymize: Pseudonymizer;
  private readonly buckets: TokenBuckets;
  private readonly producer: DurableProducer;

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(KafkaClient) kafka: KafkaClient,
    @Inject(RegistryLookupProvider) private readonly registry: RegistryLookupProvider,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.pseudonymize = createPseudonymizer(config.PSEUDONYM_KEY);
    // This process's share of the source's rate (INGEST_WORKERS share the connections evenly).
    const processes = servingProcesses(config.INGEST_WORKERS);
    this.buckets = new TokenBuckets({ ratePerSecond: config.RATE_LIMIT_EVENTS_PER_SECOND / processes, burst: config.RATE_LIMIT_BURST / processes });
    this.producer = new DurableProducer(kafka, {
      repeatedHeaders: REPEATED_ACTIVITY_HEADERS,
      lingerMs: config.PRODUCE_LINGER_MS,
      onSend: (records, seconds, ok) => {
        metrics.produceSeconds.observe({ outcome: ok ? 'ok' : 'failed' }, seconds);
        metrics.produceRecords.observe(records);
      },
    });
  }

  async ingest(source: SourceIdentity, events: readonly unknown[]): Promise<IngestResult> {
    if (!this.registry.lookup.isLoaded) {
      // Scopes cannot be checked yet: accepting now would let a source send for regions it may not.
      throw new ProblemException(503, 'the ingest has not loaded the registry yet; retry shortly', {}, { 'Retry-After': String(REGISTRY_RETRY_AFTER_SECONDS) });
    }
    if (events.length === 0) throw new ProblemException(400, 'the batch is empty: send at least one event');
    if (events.length > this.config.MAX_BATCH_EVENTS) {
      throw new ProblemException(413, `at most ${this.config.MAX_BATCH_EVENTS} events a request; this one has ${events.length}`);
    }
    this.metrics.batchSize.observe(events.length);
    const allowance = this.buckets.take(source.name, events.length);
    if (!allowance.ok) {
      throw tooManyRequests(`source ${source.name} is over its rate of ${this.config.RATE_LIMIT_EVENTS_PER_SECOND} events/s`, allowance.retryAfterSeconds);
    }

    const context: NormalizationContext = {
      source,
      nowMs: this.clock.now(),
      maxAgeDays: this.config.EVENT_MAX_AGE_DAYS,
      maxAheadDays: this.config.EVENT_MAX_AHEAD_DAYS,
      regionOfOrganization: (orgId) => this.registry.lookup.organization(orgId)?.regionCode,
      pseudonymize: this.pseudonymize,
    };
    const accepted: ActivityRecord[] = [];
    const keys: string[] = [];
    const rejections: EventRejection[] = [];
    events.forEach((event, index) => {
      const valid = this.validator.validate(event);
      const normalized = valid.ok ? normalizeEvent(valid.event, context) : valid;
      if (normalized.ok) {
        accepted.push(normalized.record);
        keys.push(normalized.key);
      } else {
        rejections.push({ index, id: idOf(event), reason: normalized.rejection.reason });
        this.metrics.rejections.inc({ source: source.name, code: normalized.rejection.code });
        this.metrics.events.inc({ source: source.name, type: typeOf(event), outcome: 'rejected' });
      }
    });

    if (accepted.length > 0) {
      try {
        await this.producer.send(
          this.config.ACTIVITY_TOPIC,
          accepted.map((record, i) => ({
            key: keys[i]!,
            value: JSON.stringify(record),
            headers: activityRecordHeaders(record),
          })),
        );
      } catch (error) {
        if (!(error instanceof KafkaUnavailableError)) throw error;
        for (const record of accepted) this.metrics.events.inc({ source: source.name, type: record.type, outcome: 'unavailable' });
        throw new ProblemException(
          503,
          'Kafka did not acknowledge every event of this request, so it is not accepted. Retry the whole request: events are deduplicated by id, so any of them stored already count once.',
          {},
          { 'Retry-After': String(KAFKA_RETRY_AFTER_SECONDS) },
        );
      }
      for (const record of accepted) this.metrics.events.inc({ source: source.name, type: record.type, outcome: 'accepted' });
    }
    return { accepted: accepted.length, rejected: rejections.length, rejections };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}

function idOf(event: unknown): string | null {
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 128) : null;
}

function typeOf(event: unknown): string {
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type) ? type : 'unknown';
}
