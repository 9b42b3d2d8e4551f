import { ACTIVITY_SCHEMA, type ActivityRecord } from '@sferum/contracts';

/**
 * The CloudEvents Kafka protocol binding 1.0.2, binary content mode, for the
 * records ingest writes to the activity topic: the attributes are `ce_*`
 * headers and `content-type`, the value stays the normalized record (JSON),
 * so the aggregator and every reader of the value are unchanged and a
 * CloudEvents-aware consumer decodes a record into a CloudEvent whose data
 * is that record.
 *
 * Each record is a new event, produced by ingest, not the upstream one
 * forwarded: its data is the normalized, pseudonymized record, so
 * - `ce_id` is the record's eventId (a hash of registered source, upstream
 *   source and upstream id): the same upstream event always gives the same
 *   id, so (ce_source, ce_id) is the deduplication key, as the CloudEvents
 *   spec means it;
 * - `ce_source` is ingest, one URN for all records;
 * - `ce_type` is the event type, the same word as upstream's (one name per
 *   concept); `ce_dataschema` says the data is the normalized record;
 * - `ce_time` is when the activity happened (UTC).
 * The upstream `id` and `source` are never copied: they are the sender's
 * free text and may hold anything, and headers are not pseudonymized.
 */
export const INGEST_EVENT_SOURCE = 'urn:sferum:ingest';

/** What `ce_dataschema` names: the ActivityRecord of `libs/contracts`. */
export const ACTIVITY_DATA_SCHEMA = `urn:sferum:schema:${ACTIVITY_SCHEMA}`;

/**
 * The headers of activityRecordHeaders whose values repeat from record to
 * record (constants and event types): a producer may encode them once.
 */
export const REPEATED_ACTIVITY_HEADERS: readonly string[] = ['schema', 'type', 'content-type', 'ce_specversion', 'ce_source', 'ce_type', 'ce_dataschema'];

/** The headers of one record of the activity topic. */
export function activityRecordHeaders(record: ActivityRecord): Record<string, string> {
  return {
    // The headers records carried before the binding; kept for their readers.
    schema: record.schema,
    type: record.type,
    'content-type': 'application/json',
    ce_specversion: '1.0',
    ce_id: record.eventId,
    ce_source: INGEST_EVENT_SOURCE,
    ce_type: record.type,
    ce_time: record.time,
    ce_dataschema: ACTIVITY_DATA_SCHEMA,
  };
}
