/**
 * A row of ClickHouse's activity_events table (migrations/0002): what
 * happened, nothing derived from the registry. snake_case names, empty
 * strings for absent values, the instant as DateTime text in UTC
 * ("2023-05-14 16:59:59") plus its milliseconds.
 */
export interface ActivityFactRow {
  readonly event_id: string;
  readonly type: string;
  readonly time: string;
  readonly time_ms: number;
  readonly source: string;
  readonly ingested_at: string;
  readonly user_id: string;
  /** The organization as the event named it; '' when it named none. */
  readonly org_id: string;
  readonly role: string;
  readonly chat_kind: string;
  readonly message_kind: string;
  readonly call_id: string;
  readonly initiator: 0 | 1;
  /** The journal of ru.sferum.org.journal_linked (migrations/0006); '' for every other type. */
  readonly journal_system: string;
  /** Whom the chat of ru.sferum.chat.created is for (migrations/0008); '' for every other type. */
  readonly chat_audience: string;
  /** The members the chat of ru.sferum.chat.created was created with (migrations/0009); 0 for every other type. */
  readonly member_count: number;
}
