import { type ClickHouseFailure } from '@sferum/infra-clickhouse';

/** Where a record was read: what its dead letter carries back. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface DeadLetter {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

export type ClickHouseRefusal = Extract<ClickHouseFailure, { kind: 'refused' }>;

/**
 * The dead-letter record of a record the aggregator cannot count: the record
 * as it came (key and value untouched, so it can be produced again once
 * fixed), why in `reason`, where from in the origin-* headers.
 */
export function deadLetter(origin: RecordOrigin, reason: string, at: Date, extraHeaders: Record<string, string> = {}): DeadLetter {
  return {
    key: origin.key,
    value: origin.value,
    headers: {
      reason,
      'origin-topic': origin.topic,
      'origin-partition': String(origin.partition),
      'origin-offset': origin.offset,
      'dead-lettered-at': at.toISOString(),
      ...extraHeaders,
    },
  };
}

/** The dead letter of a row ClickHouse refused: its reason, and its exception code and name apart for filtering. */
export function refusedRowDeadLetter(origin: RecordOrigin, refusal: ClickHouseRefusal, at: Date): DeadLetter {
  return deadLetter(origin, `ClickHouse refused the row: ${refusal.message}`, at, {
    'clickhouse-code': String(refusal.code),
    'clickhouse-error': refusal.name,
  });
}
