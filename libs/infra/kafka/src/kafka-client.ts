import { Logger } from '@nestjs/common';
import { type Admin, Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Connection timeout per broker, ms. */
  readonly connectionTimeoutMs?: number;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config?: Readonly<Record<string, string>>;
}

const kafkaLogger = new Logger('kafkajs');

/**
 * kafkajs warns at every idempotent producer whose retries are bounded. The
 * bound is deliberate (a request must learn of an outage within seconds);
 * a retried record is a duplicate that the counters discard.
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer may invalidate EoS guarantees'];

function logCreator() {
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    if (EXPECTED_WARNINGS.includes(message)) return;
    const text = `${message} ${JSON.stringify(extra)}`;
    if (level === logLevel.ERROR) kafkaLogger.error(text);
    else if (level === logLevel.WARN) kafkaLogger.warn(text);
    else kafkaLogger.debug(text);
  };
}

/**
 * One kafkajs client per process, with an admin connection used for pings
 * and topic management. Framework-neutral: Nest wiring is in kafka.module.ts.
 */
export class KafkaClient {
  readonly kafka: Kafka;
  private admin: Admin | undefined;
  private adminConnecting: Promise<Admin> | undefined;

  constructor(readonly options: KafkaClientOptions) {
    process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: 10_000,
      logLevel: logLevel.WARN,
      logCreator,
      // Few quick retries: callers (producer paths, consumers) own their
      // own retry policy and must learn of an outage within seconds.
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }

  /** The connected admin, reconnecting after a failure. */
  async connectedAdmin(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    this.adminConnecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        this.admin = admin;
        return admin;
      } finally {
        this.adminConnecting = undefined;
      }
    })();
    return this.adminConnecting;
  }

  /** Resolves when a broker answers a metadata request. */
  async ping(): Promise<void> {
    const admin = await this.connectedAdmin();
    try {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('Kafka cluster has no live broker');
    } catch (error) {
      await this.dropAdmin();
      throw error;
    }
  }

  /** Creates the missing topics; existing ones are left as they are. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((s) => s.topic);
  }

  async close(): Promise<void> {
    await this.dropAdmin();
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin !== undefined) await admin.disconnect().catch(() => undefined);
  }
}
