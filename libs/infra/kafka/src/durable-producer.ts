import { compatibilityPartitioner, Producer, ProduceAcks, type MessageToProduce } from '@platformatic/kafka';
import { type KafkaClient } from './kafka-client';
import { errorMessage } from '@sferum/util';

export class KafkaUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`Kafka did not acknowledge the records: ${errorMessage(cause)}`);
    this.name = 'KafkaUnavailableError';
  }
}

/** One record to produce: key and value as text or bytes, headers as text. */
export interface OutgoingRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DurableProducerOptions {
  /** How long one send may wait for acknowledgements, ms. */
  readonly ackTimeoutMs?: number;
  /** Most records one broker request carries; more wait for the next. */
  readonly maxBatchRecords?: number;
  /**
   * How long a send that finds the producer idle waits for others to join
   * it, ms (0: none). Sends arriving while a send is under way always wait
   * for it and go together next. A broker request costs about as much CPU
   * for one record as for a hundred (the socket writes and reads dominate),
   * so under many small requests a millisecond or two of waiting makes a
   * fraction of the requests.
   */
  readonly lingerMs?: number;
  /** Called after each send with its size and duration (metrics). */
  readonly onSend?: (records: number, seconds: number, ok: boolean) => void;
  /**
   * Headers whose values repeat from record to record (constants, types):
   * their bytes are made once, not for every record. Header names always are.
   */
  readonly repeatedHeaders?: readonly string[];
}

interface Pending {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
  resolve(): void;
  reject(error: KafkaUnavailableError): void;
}

type Bytes = Buffer | undefined;

/**
 * An idempotent producer whose `send` resolves only once every record is
 * acknowledged by all in-sync replicas (acks=all); any other outcome is a
 * KafkaUnavailableError, so a caller never claims durability it lacks.
 *
 * Records are produced with @platformatic/kafka, whose record encoding costs
 * a fraction of kafkajs's (kafkajs allocates a zero-filled 512-byte buffer per
 * header; our records carry nine): docs/benchmarks.md has the figures. Keys
 * go to partitions as kafkajs and the Java client place them (murmur2 of the
 * key, positive, modulo the partition count), so a key stays on its partition
 * whichever client produced it.
 *
 * Sends are single-flight: callers that arrive while a send is under way
 * queue up, and the next send carries all of them at once. This keeps the
 * idempotent producer's sequence numbers in order and makes few, large
 * requests under load; `lingerMs` makes a send that finds the producer idle
 * wait that long for company.
 *
 * After a failed send the producer is replaced: a new producer id starts its
 * sequences afresh, and no broken connection or stale metadata (a deleted
 * topic, a moved leader) outlives the failure.
 */
export class DurableProducer {
  private producer: Producer<Bytes, Bytes, Bytes, Bytes> | undefined;
  private readonly queue: Pending[] = [];
  private flushing = false;
  private lingering: NodeJS.Timeout | undefined;
  private readonly headerBytes: HeaderBytes;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: DurableProducerOptions = {},
  ) {
    this.headerBytes = new HeaderBytes(options.repeatedHeaders ?? []);
  }

  send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, records, resolve, reject });
      if (this.flushing || this.lingering !== undefined) return;
      const linger = this.options.lingerMs ?? 0;
      if (linger <= 0) {
        void this.flush();
        return;
      }
      this.lingering = setTimeout(() => {
        this.lingering = undefined;
        void this.flush();
      }, linger);
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        const started = process.hrtime.bigint();
        const messages: MessageToProduce<Bytes, Bytes, Bytes, Bytes>[] = [];
        for (const p of batch) for (const r of p.records) messages.push(this.toMessage(p.topic, r));
        try {
          await this.sendInParts(messages);
          this.options.onSend?.(messages.length, seconds(started), true);
          for (const p of batch) p.resolve();
        } catch (error) {
          this.options.onSend?.(messages.length, seconds(started), false);
          await this.reset();
          const failure = new KafkaUnavailableError(error);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Sends the records; when the broker refuses them as too large (one
   * partition's batch over its message.max.bytes, 1 MB by default: a few
   * thousand records of one user, or many requests gathered into one send),
   * sends them again in halves, each acknowledged before the next, so that
   * a request of any allowed size is stored rather than answered 503 on
   * every retry. Records of other partitions that the refused request did
   * write are written again: duplicates with the same event id, which the
   * counters discard.
   */
  private async sendInParts(messages: readonly MessageToProduce<Bytes, Bytes, Bytes, Bytes>[]): Promise<void> {
    try {
      await this.connected().send({ messages: [...messages] });
    } catch (error) {
      if (messages.length < 2 || !isMessageTooLarge(error)) throw error;
      await this.reset();
      const half = Math.ceil(messages.length / 2);
      await this.sendInParts(messages.slice(0, half));
      await this.sendInParts(messages.slice(half));
    }
  }

  private takeBatch(): Pending[] {
    const max = this.options.maxBatchRecords ?? 50_000;
    const batch: Pending[] = [];
    let records = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && records + next.records.length > max) break;
      batch.push(this.queue.shift()!);
      records += next.records.length;
    }
    return batch;
  }

  private connected(): Producer<Bytes, Bytes, Bytes, Bytes> {
    this.producer ??= new Producer<Bytes, Bytes, Bytes, Bytes>({
      clientId: this.client.options.clientId,
      bootstrapBrokers: [...this.client.options.brokers],
      connectTimeout: this.client.options.connectionTimeoutMs ?? 3_000,
      // The broker's wait for the in-sync replicas, and the client's for the answer.
      timeout: this.options.ackTimeoutMs ?? 10_000,
      requestTimeout: (this.options.ackTimeoutMs ?? 10_000) + 2_000,
      // Bounded (about 5 s): long enough to ride over a leader election or
      // a partition not yet hosted, short enough that a request learns of
      // an outage within seconds (503). A record retried by the client
      // after a failure is a duplicate with the same event id, which the
      // counters discard.
      retries: 5,
      retryDelay: 500,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
    });
    return this.producer;
  }

  private toMessage(topic: string, record: OutgoingRecord): MessageToProduce<Bytes, Bytes, Bytes, Bytes> {
    const message: MessageToProduce<Bytes, Bytes, Bytes, Bytes> = { topic, key: bytes(record.key ?? null), value: bytes(record.value) };
    if (record.headers !== undefined) {
      const headers = new Map<Bytes, Bytes>();
      for (const name in record.headers) headers.set(this.headerBytes.name(name), this.headerBytes.value(name, record.headers[name]!));
      message.headers = headers;
    }
    return message;
  }

  async close(): Promise<void> {
    if (this.lingering !== undefined) {
      // The waiting sends go now rather than be dropped.
      clearTimeout(this.lingering);
      this.lingering = undefined;
      await this.flush();
    }
    await this.reset();
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    // Forced: requests still waiting on a broken connection fail now, not at their timeout.
    if (producer !== undefined) await new Promise<void>((resolve) => producer.close(true, () => resolve()));
  }
}

/**
 * The bytes of header names and of the values of repeated headers, made once
 * (Buffer.from of a short string costs about as much as encoding the record).
 * Bounded: past MAX_ENTRIES new texts are encoded each time, not kept.
 */
export class HeaderBytes {
  static readonly MAX_ENTRIES = 1024;
  private readonly names = new Map<string, Buffer>();
  private readonly values = new Map<string, Buffer>();
  private readonly repeated: ReadonlySet<string>;

  constructor(repeatedHeaders: readonly string[]) {
    this.repeated = new Set(repeatedHeaders);
  }

  name(name: string): Buffer {
    return cached(this.names, name);
  }

  value(name: string, value: string): Buffer {
    return this.repeated.has(name) ? cached(this.values, value) : Buffer.from(value);
  }
}

function cached(cache: Map<string, Buffer>, text: string): Buffer {
  let bytes = cache.get(text);
  if (bytes === undefined) {
    bytes = Buffer.from(text);
    if (cache.size < HeaderBytes.MAX_ENTRIES) cache.set(text, bytes);
  }
  return bytes;
}

function bytes(data: string | Buffer | null): Bytes {
  if (data === null) return undefined;
  return typeof data === 'string' ? Buffer.from(data) : data;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Kafka's MESSAGE_TOO_LARGE (error code 10) anywhere in a client error (its MultipleErrors and causes). */
export function isMessageTooLarge(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { apiCode?: unknown; apiId?: unknown; errors?: unknown; cause?: unknown };
  if (e.apiCode === 10 || e.apiId === 'MESSAGE_TOO_LARGE') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isMessageTooLarge(inner, depth + 1))) return true;
  return isMessageTooLarge(e.cause, depth + 1);
}
