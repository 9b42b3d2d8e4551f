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
  'ru.sferum.org.journal_linked',
  'ru.sferum.org.gov_label_granted',
  'ru.sferum.chat.created',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHAT_KINDS = ['group', 'direct', 'channel'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

/**
 * Whom a chat created in an organization is for: its whole staff, one class
 * (or group of students), or anyone else. The onboarding funnel's last step
 * is the whole-staff chat (onboarding.ts).
 */
export const CHAT_AUDIENCES = ['staff', 'class', 'other'] as const;
export type ChatAudience = (typeof CHAT_AUDIENCES)[number];

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

/**
 * A general-education school's electronic journal and diary were linked to
 * the platform: `journalSystem` names the journal (an identifier of the
 * upstream's choosing, such as "fgis-moya-shkola" for the federal journal).
 */
export interface OrgJournalLinkedData {
  readonly orgId: string;
  readonly journalSystem: string;
}

/** The organization's community page received the "government organization" label. */
export interface OrgGovLabelGrantedData {
  readonly orgId: string;
}

/**
 * What can have happened to an organization, by the event type that says
 * so (no person: their Kafka key is the orgId): the `fact` of ClickHouse's
 * org_facts, and of the registry's columns of the same names.
 */
export const ORG_FACT_OF_TYPE = {
  'ru.sferum.org.connected': 'connected',
  'ru.sferum.org.journal_linked': 'journal_linked',
  'ru.sferum.org.gov_label_granted': 'gov_label',
} as const;
export type OrgFactType = keyof typeof ORG_FACT_OF_TYPE;
export type OrgFact = (typeof ORG_FACT_OF_TYPE)[OrgFactType];
export const ORG_FACTS: readonly OrgFact[] = Object.values(ORG_FACT_OF_TYPE);

/**
 * A chat was created in an organization: its kind (as a message's), whom
 * it is for and how many members it was created with. No name, no text.
 */
export interface ChatCreatedData {
  readonly orgId: string;
  readonly chatId: string;
  readonly chatKind: ChatKind;
  readonly audience: ChatAudience;
  readonly memberCount: number;
}

export interface EventDataByType {
  'ru.sferum.user.registered': UserEventData;
  'ru.sferum.user.left': UserEventData;
  'ru.sferum.message.sent': MessageSentData;
  'ru.sferum.call.joined': CallJoinedData;
  'ru.sferum.org.connected': OrgConnectedData;
  'ru.sferum.org.journal_linked': OrgJournalLinkedData;
  'ru.sferum.org.gov_label_granted': OrgGovLabelGrantedData;
  'ru.sferum.chat.created': ChatCreatedData;
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
 * message; key = userId, or orgId for the organization facts): what happened, with
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
  /** The journal of ru.sferum.org.journal_linked; null for every other type. */
  readonly journalSystem: string | null;
  /** Whom the chat of ru.sferum.chat.created is for; null for every other type. */
  readonly chatAudience: ChatAudience | null;
  /** The members the chat of ru.sferum.chat.created was created with; null for every other type. */
  readonly memberCount: number | null;
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
