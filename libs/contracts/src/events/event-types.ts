/**
 * Event contract v1: what upstream systems push to `POST /v1/events`
 * (CloudEvents 1.0, JSON), and the normalized record the ingest service
 * writes to Kafka. The same words name each concept everywhere: event type,
 * topic, ClickHouse column, API field.
 */
import { type MessageKind, type Role } from '../registry';

export const EVENT_TYPES = [
  'ru.sferum.user.registered',
  'ru.sferum.user.left',
  'ru.sferum.message.sent',
  'ru.sferum.call.joined',
  'ru.sferum.org.connected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHAT_KINDS = ['group', 'direct', 'channel'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

/** Fields of `data` that would carry message text: always rejected. */
export const FORBIDDEN_DATA_FIELDS = ['text', 'content', 'body'] as const;

export interface UserEventData {
  readonly userId: string;
  readonly orgId: string;
  readonly role: Role;
}

export interface MessageSentData {
  readonly userId: string;
  readonly chatId: string;
  readonly chatKind: ChatKind;
  readonly orgId?: string;
  readonly messageKind?: MessageKind;
}

export interface CallJoinedData {
  readonly userId: string;
  readonly callId: string;
  readonly initiator: boolean;
  readonly orgId?: string;
}

export interface OrgConnectedData {
  readonly orgId: string;
}

export interface EventDataByType {
  'ru.sferum.user.registered': UserEventData;
  'ru.sferum.user.left': UserEventData;
  'ru.sferum.message.sent': MessageSentData;
  'ru.sferum.call.joined': CallJoinedData;
  'ru.sferum.org.connected': OrgConnectedData;
}

/** A CloudEvent of contract v1 as upstream sends it. */
export interface CloudEventV1<T extends EventType = EventType> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: T;
  readonly time: string;
  readonly datacontenttype?: string;
  readonly data: EventDataByType[T];
}

/** Any event of contract v1, discriminated by `type`. */
export type AnyCloudEventV1 = { [T in EventType]: CloudEventV1<T> }[EventType];

/**
 * The version of the normalized record, in its `schema` field. The topics it
 * travels on are deployment settings, named once, with their defaults, in
 * the config: ACTIVITY_TOPIC (libs/config KAFKA_VARS) and ACTIVITY_DLQ_TOPIC
 * (the aggregator's config).
 */
/**
 * The schema of the records on the activity topic. v2 carries what
 * happened only; v1 records (written before read-time placement) also
 * carried a region, municipality, category and week stamped at ingest: the
 * aggregator still reads them (Kafka keeps 7 days) and ignores the stamp.
 */
export const ACTIVITY_SCHEMA = 'sferum.activity.v2';
export const ACTIVITY_SCHEMA_V1 = 'sferum.activity.v1';

/**
 * The normalized record on the activity topic (one JSON object a Kafka
 * message; key = userId, or orgId for org.connected): what happened, with
 * nothing derived from the registry (placement and weeks are derived when a
 * KPI is read). Person identifiers are pseudonyms: HMAC-SHA-256 under the
 * deployment's key, 32 hex digits.
 */
export interface ActivityRecord {
  readonly schema: typeof ACTIVITY_SCHEMA;
  /** 32 hex digits identifying the event: a hash of (registered source, CloudEvent source, CloudEvent id). */
  readonly eventId: string;
  readonly type: EventType;
  /** When the activity happened, UTC, ISO 8601 with milliseconds. */
  readonly time: string;
  /** The organization the event named, as sent (known to the registry or not); null when it named none. */
  readonly orgId: string | null;
  /** The registered source that pushed the event. */
  readonly source: string;
  /** When ingest accepted it, UTC ISO 8601. */
  readonly ingestedAt: string;
  readonly userId: string | null;
  readonly role: Role | null;
  readonly chatId: string | null;
  readonly chatKind: ChatKind | null;
  readonly messageKind: MessageKind | null;
  readonly callId: string | null;
  readonly initiator: boolean | null;
}

/** A rejected event of a batch, with a reason a person can act on. */
export interface EventRejection {
  readonly index: number;
  readonly id: string | null;
  readonly reason: string;
}

/** The answer of `POST /v1/events`. */
export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejections: EventRejection[];
}
