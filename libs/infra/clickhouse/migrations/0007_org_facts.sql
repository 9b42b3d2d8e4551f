-- What happened to organizations, one row per event id: connected
-- (ru.sferum.org.connected), its journal linked (ru.sferum.org.journal_linked,
-- `detail` the journal system) and the "government organization" label
-- granted (ru.sferum.org.gov_label_granted). The KPIs read, per
-- organization, whether each happened before a period's end
-- (kpi-counters.ts, orgFactsSql), and place the organization by the
-- mirrored registry then, like any other fact. It takes over from 0002's
-- org_connection_facts, which held the connections only.
CREATE TABLE IF NOT EXISTS org_facts
(
    org_id String,
    fact String,
    time DateTime('UTC'),
    time_ms UInt16,
    detail String,
    event_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (org_id, fact, time, time_ms, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS org_facts_mv TO org_facts AS
SELECT
    org_id,
    multiIf(type = 'ru.sferum.org.connected', 'connected', type = 'ru.sferum.org.journal_linked', 'journal_linked', 'gov_label') AS fact,
    time,
    time_ms,
    journal_system AS detail,
    event_id
FROM activity_events
WHERE type IN ('ru.sferum.org.connected', 'ru.sferum.org.journal_linked', 'ru.sferum.org.gov_label_granted');

-- The old view stops once the new one runs: a connection inserted in
-- between reaches both, and the copies below collapse with the view's rows
-- by their key. org_connection_facts stays, written by nobody, as the
-- source of the connections only it holds (0003's conversion of 0001's
-- tables); `npm run rebuild` converts them again and runs this migration's
-- copies after it.
DROP TABLE IF EXISTS org_connection_facts_mv;

INSERT INTO org_facts (org_id, fact, time, time_ms, detail, event_id)
SELECT
    org_id,
    multiIf(type = 'ru.sferum.org.connected', 'connected', type = 'ru.sferum.org.journal_linked', 'journal_linked', 'gov_label') AS fact,
    time,
    time_ms,
    journal_system AS detail,
    event_id
FROM activity_events
WHERE type IN ('ru.sferum.org.connected', 'ru.sferum.org.journal_linked', 'ru.sferum.org.gov_label_granted');

-- The converted connections (no milliseconds were kept before 0002), but
-- not those activity_events holds, copied above with theirs.
INSERT INTO org_facts (org_id, fact, time, time_ms, detail, event_id)
SELECT org_id, 'connected', time, 0, '', event_id
FROM org_connection_facts
WHERE event_id NOT IN (SELECT event_id FROM activity_events WHERE type = 'ru.sferum.org.connected');
