import { type ActivityFactRow } from '@sferum/contracts';
import { insertActivityFacts } from '../src/activity-store';
import { type ClickHouse } from '../src/clickhouse-client';
import { spanStartMs } from '../src/kpi-counters';
import { loadMigrations } from '../src/migration-runner';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/migrations-dir';
import { closeChdb } from './chdb-engine';
import { CLICKHOUSE_18_16, CLICKHOUSE_CURRENT, OnBothVersions } from './versions';

/**
 * migrations/0004 on both versions: the span ClickHouse computes for each
 * hour (its view and its copy of the hourly activity) is the one
 * kpi-counters.ts computes (spanStartMs, by which it checks a period),
 * around week and month edges, once the migration's copies run again;
 * registrations_by_org keeps every registration.
 */
const HOUR_MS = 3_600_000;
/** Every hour of 2026-11-28 to 2026-12-03 (a week's edge and a month's start on a Tuesday) and of 2026-02-27 to 2026-03-03. */
const HOURS = [Date.parse('2026-11-28T00:00:00Z'), Date.parse('2026-02-27T00:00:00Z')].flatMap((from) => Array.from({ length: 6 * 24 }, (_, i) => from + i * HOUR_MS));

function facts(): ActivityFactRow[] {
  return HOURS.flatMap((hour, i) => {
    const at = (ms: number) => new Date(hour + ms).toISOString().slice(0, 19).replace('T', ' ');
    const base = { source: 'test', ingested_at: at(0), org_id: i % 3 === 0 ? '' : `org-${i % 5}`, chat_kind: '', message_kind: '', call_id: '', initiator: 0 as const, role: '', journal_system: '', chat_audience: '', member_count: 0 };
    const user = i.toString(16).padStart(32, '0');
    return [
      { ...base, event_id: `a${user.slice(1)}`, type: 'ru.sferum.message.sent', time: at(59 * 60_000), time_ms: 999, user_id: user, chat_kind: 'group', message_kind: 'text' },
      { ...base, event_id: `b${user.slice(1)}`, type: 'ru.sferum.user.registered', time: at(0), time_ms: 5, user_id: user, org_id: `org-${i % 5}`, role: 'teacher' },
    ];
  });
}

describe(`Spans (migrations/0004): ${CLICKHOUSE_CURRENT.label} and ${CLICKHOUSE_18_16.label} as kpi-counters.ts`, () => {
  let both: OnBothVersions;

  beforeAll(async () => {
    both = await OnBothVersions.create('test_versions_spans', async (db) => {
      await insertActivityFacts(db, facts());
      // the migration's copies into these two tables again, as `npm run rebuild` runs them: states merge, rows collapse,
      // nothing counts twice (its copies into fact_writes do not apply: 0005 dropped that table)
      const copies = loadMigrations(CLICKHOUSE_MIGRATIONS_DIR)
        .find((m) => m.version === 4)!
        .statements.filter((s) => s.startsWith('INSERT INTO user_activity_spans') || s.startsWith('INSERT INTO registrations_by_org'));
      expect(copies).toHaveLength(2);
      for (const statement of copies) await db.command(statement);
    });
  });

  afterAll(async () => {
    await (both as OnBothVersions | undefined)?.close(); // undefined when beforeAll failed
    await closeChdb();
  });

  const spans = (db: ClickHouse) =>
    db.query<{ user_id: string; span: string | number; n: string | number }>(
      'SELECT user_id, toUInt32(span) AS span, uniqExactMerge(events) AS n FROM user_activity_spans GROUP BY user_id, span ORDER BY user_id, span',
    );

  it('put every hour in the span spanStartMs gives, once', async () => {
    const { legacy, current } = await both.ask(spans);
    const expected = HOURS.map((hour, i) => ({ user_id: i.toString(16).padStart(32, '0'), span: spanStartMs(hour) / 1000, n: 1 }));
    const normalize = (rows: Awaited<ReturnType<typeof spans>>) => rows.map((r) => ({ user_id: r.user_id, span: Number(r.span), n: Number(r.n) }));
    expect(normalize(legacy)).toEqual(expected);
    expect(normalize(current)).toEqual(expected);
    expect(new Set(expected.map((e) => e.span)).size).toBeLessThan(HOURS.length / 2); // spans, not hours
  });

  it('keep every registration in registrations_by_org, once', async () => {
    const rows = (db: ClickHouse) =>
      db.query<{ org_id: string; user_id: string; t: number; time_ms: number; event_id: string }>(
        `SELECT DISTINCT org_id, user_id, toUInt32(time) AS t, time_ms, event_id FROM registrations_by_org WHERE registered = 1 AND role = 'teacher' ORDER BY event_id`,
      );
    const expected = facts()
      .filter((f) => f.type === 'ru.sferum.user.registered')
      .map((f) => ({ org_id: f.org_id, user_id: f.user_id, t: Date.parse(`${f.time.replace(' ', 'T')}Z`) / 1000, time_ms: f.time_ms, event_id: f.event_id }))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    const { legacy, current } = await both.ask(rows);
    expect(legacy).toEqual(expected);
    expect(current).toEqual(expected);
  });
});
