-- Reads of one region that touch about that region's share of the data
-- (kpi-counters.ts). Two derived tables take over from two of 0002's, with
-- the same facts and nothing taken from the registry (placement stays a
-- join with the mirror when the KPIs are read):
--   user_activity_spans   instead of user_activity_hourly,
--   registrations_by_org  instead of registration_facts.
-- Their views replace the old ones, so an insert into activity_events runs
-- as many views as before (the aggregator's rate is the same). The old
-- tables stay, written by nobody, as the source of the history that only
-- they hold (0003's conversion); `npm run rebuild` converts it again and
-- copies it on by this migration's INSERTs.
--
-- Why: a region's organizations are not adjacent in org_id order (ids are
-- whatever the sources and the registry use), so in tables ordered by
-- org_id with ClickHouse's default granules of 8,192 rows a region's ~500
-- organizations touch nearly every granule: on the national week a region
-- read all 4 million registrations and 13 million hourly rows. Granules of
-- 128 rows keyed by organization let a region read a few granules per
-- organization, and activity kept per span instead of per hour has about a
-- fifth of the rows.
--
-- Spans. An hour of UTC time lies in the same ISO week and calendar month in
-- every zone from UTC+0 to UTC+12 (every zone of Russia, UTC+2 to UTC+12,
-- whole hours, no daylight saving; and UTC itself) except in the twelve
-- hours before a week's or a month's start in UTC. Those hours are kept one
-- by one (the span is the hour); every other hour is kept in the span of all
-- the consecutive hours that share their week and month in both UTC and
-- UTC+12 (the span is its first hour). Any local ISO week or calendar month
-- of those zones is therefore a whole number of spans, answered exactly;
-- kpi-counters.ts computes the same spans (spanStartMs) and refuses other
-- periods. (Every date function names UTC: on 18.16 `time + 43200` is a
-- DateTime of the server's zone.)
CREATE TABLE IF NOT EXISTS user_activity_spans
(
    org_id String,
    span DateTime('UTC'),
    user_id String,
    activity String,
    events AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(span)
PRIMARY KEY (org_id, span)
ORDER BY (org_id, span, user_id, activity)
SETTINGS index_granularity = 128;

-- The rows of 0002's user_activity_hourly_mv, per span instead of per hour.
CREATE MATERIALIZED VIEW IF NOT EXISTS user_activity_spans_mv TO user_activity_spans AS
SELECT
    org_id,
    if(toMonday(time, 'UTC') = toMonday(time + 43200, 'UTC') AND toStartOfMonth(time, 'UTC') = toStartOfMonth(time + 43200, 'UTC'),
       toDateTime(greatest(toMonday(time, 'UTC'), toStartOfMonth(time, 'UTC')), 'UTC'),
       toStartOfHour(time)) AS span,
    user_id,
    activity,
    uniqExactState(if(type = 'ru.sferum.call.joined', call_id, event_id)) AS events
FROM activity_events
ARRAY JOIN if(type = 'ru.sferum.call.joined',
              if(initiator = 1, ['call', 'call_initiated'], ['call']),
              [concat(chat_kind, ':', message_kind)]) AS activity
WHERE user_id != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY org_id, span, user_id, activity;

-- Registrations, as registration_facts, in granules of 128 rows keyed by
-- organization.
CREATE TABLE IF NOT EXISTS registrations_by_org
(
    org_id String,
    user_id String,
    role String,
    time DateTime('UTC'),
    time_ms UInt16,
    registered UInt8,
    event_id String
)
ENGINE = ReplacingMergeTree
PRIMARY KEY org_id
ORDER BY (org_id, user_id, role, time, time_ms, event_id)
SETTINGS index_granularity = 128;

CREATE MATERIALIZED VIEW IF NOT EXISTS registrations_by_org_mv TO registrations_by_org AS
SELECT org_id, user_id, role, time, time_ms, toUInt8(type = 'ru.sferum.user.registered') AS registered, event_id
FROM activity_events
WHERE type IN ('ru.sferum.user.registered', 'ru.sferum.user.left');

-- The old views stop once the new ones run: an insert in between is written
-- to both, and copied below once more (states merge to the same sets,
-- registrations collapse by their key), so nothing is missed or counted
-- twice.
DROP TABLE IF EXISTS user_activity_hourly_mv;

DROP TABLE IF EXISTS registration_facts_mv;

-- What the old tables hold (also the history 0003 converted, which exists
-- only there), copied as it is: no GROUP BY, so bounded memory on any
-- volume; ClickHouse merges the rows per span.
INSERT INTO user_activity_spans (org_id, span, user_id, activity, events)
SELECT
    org_id,
    if(toMonday(hour, 'UTC') = toMonday(hour + 43200, 'UTC') AND toStartOfMonth(hour, 'UTC') = toStartOfMonth(hour + 43200, 'UTC'),
       toDateTime(greatest(toMonday(hour, 'UTC'), toStartOfMonth(hour, 'UTC')), 'UTC'),
       hour) AS span,
    user_id,
    activity,
    events
FROM user_activity_hourly;

INSERT INTO registrations_by_org (org_id, user_id, role, time, time_ms, registered, event_id)
SELECT org_id, user_id, role, time, time_ms, registered, event_id FROM registration_facts;

-- How many rows each month of the facts the KPIs read has received (by
-- kind: activity, registration), so that the KPI service can keep the
-- figures it computed for a period until a write could change them
-- (fact-writes.ts). Counted per insert, duplicates too: a duplicate only
-- makes a cached figure be computed again, never kept when it should not.
CREATE TABLE IF NOT EXISTS fact_writes
(
    kind String,
    month UInt32,
    rows UInt64
)
ENGINE = SummingMergeTree
ORDER BY (kind, month);

CREATE MATERIALIZED VIEW IF NOT EXISTS fact_writes_mv TO fact_writes AS
SELECT
    if(type IN ('ru.sferum.user.registered', 'ru.sferum.user.left'), 'registration', 'activity') AS kind,
    toYYYYMM(time) AS month,
    count() AS rows
FROM activity_events
WHERE type IN ('ru.sferum.user.registered', 'ru.sferum.user.left', 'ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY kind, month;

-- The copies above wrote past the view: they count as writes too (again
-- when `npm run rebuild` runs them).
INSERT INTO fact_writes (kind, month, rows)
SELECT 'activity', toYYYYMM(span), count() FROM user_activity_spans GROUP BY toYYYYMM(span);

INSERT INTO fact_writes (kind, month, rows)
SELECT 'registration', toYYYYMM(time), count() FROM registrations_by_org GROUP BY toYYYYMM(time);
