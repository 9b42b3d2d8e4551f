import { type ActivityFactRow } from '@sferum/contracts';

/**
 * A maker of facts as the aggregator writes them into activity_events, for
 * fixtures built by hand: each call gives the next event id (hexadecimal
 * sequence numbers after `prefix`, 32 characters), the instant's second
 * (`YYYY-MM-DD hh:mm:ss`, UTC) and whatever `extra` sets; the rest empty.
 */
export function factRows(prefix = ''): (type: string, user: string, time: string, extra?: Partial<ActivityFactRow>) => ActivityFactRow {
  let seq = 0;
  return (type, user, time, extra = {}) => {
    seq += 1;
    return {
      event_id: `${prefix}${seq.toString(16).padStart(32 - prefix.length, '0')}`,
      type,
      time,
      time_ms: 0,
      source: 'test',
      ingested_at: time,
      user_id: user,
      org_id: '',
      role: '',
      chat_kind: '',
      message_kind: '',
      call_id: '',
      initiator: 0,
      journal_system: '',
      chat_audience: '',
      member_count: 0,
      ...extra,
    };
  };
}
