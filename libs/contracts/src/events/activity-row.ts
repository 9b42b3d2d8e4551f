/**
 * A row of ClickHouse's activity_ingest table: the normalized record with
 * snake_case names, empty strings for absent values and DateTime text in
 * UTC ("2023-05-14 16:59:59"). The storage side of sferum.activity.v1.
 */
export interface ActivityIngestRow {
  readonly event_id: string;
  readonly type: string;
  readonly time: string;
  readonly week: string;
  readonly time_zone: string;
  readonly region: string;
  readonly municipality: string;
  readonly org_id: string;
  readonly category: string;
  readonly unassigned: 0 | 1;
  readonly source: string;
  readonly ingested_at: string;
  readonly user_id: string;
  readonly role: string;
  readonly chat_id: string;
  readonly chat_kind: string;
  readonly message_kind: string;
  readonly call_id: string;
  readonly initiator: 0 | 1;
}
