-- The activity store: everything the KPI service needs to answer any week,
-- any region, any level. Runs on ClickHouse 18.16 and current releases.
--
-- Exactness: the aggregator inserts normalized records (sferum.activity.v1)
-- into activity_ingest; materialized views keep only idempotent forms of
-- them: uniqExact states of event ids (and call ids), argMax-able event
-- rows keyed by event id. A record delivered twice, redelivered after a
-- crash, or replayed from the start of the topic changes no answer.

-- Intake. Null engine: nothing is stored here, the views below see every insert.
CREATE TABLE IF NOT EXISTS activity_ingest
(
    event_id String,
    type String,
    time DateTime('UTC'),
    week String,
    time_zone String,
    region String,
    municipality String,
    org_id String,
    category String,
    unassigned UInt8,
    source String,
    ingested_at DateTime('UTC'),
    user_id String,
    role String,
    chat_id String,
    chat_kind String,
    message_kind String,
    call_id String,
    initiator UInt8
)
ENGINE = Null;

-- Weekly per-user activity: one row per (ISO week, pseudonymous user,
-- activity). activity is "<chatKind>:<messageKind>" for messages
-- ("group:text", "direct:sticker", ...), "call" for every call taken part
-- in, "call_initiated" for calls the user started. events holds the distinct
-- event ids (call ids for calls): its uniqExactMerge is the exact count.
CREATE TABLE IF NOT EXISTS weekly_user_activity
(
    week String,
    user_id String,
    activity String,
    events AggregateFunction(uniqExact, String),
    last_time AggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY substring(week, 1, 4)
ORDER BY (week, user_id, activity);

CREATE MATERIALIZED VIEW IF NOT EXISTS weekly_user_activity_mv TO weekly_user_activity AS
SELECT
    week,
    user_id,
    activity,
    uniqExactState(if(type = 'ru.sferum.call.joined', call_id, event_id)) AS events,
    maxState(time) AS last_time
FROM activity_ingest
ARRAY JOIN if(type = 'ru.sferum.call.joined',
              if(initiator = 1, ['call', 'call_initiated'], ['call']),
              [concat(chat_kind, ':', message_kind)]) AS activity
WHERE user_id != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY week, user_id, activity;

-- Registrations: every user.registered / user.left event, one row per
-- event id. Who is registered with which role in which organization at any
-- instant T is argMax(registered, (time, registered)) over the rows with
-- time < T, per (org_id, user_id, role): duplicates do not change it.
CREATE TABLE IF NOT EXISTS registration_events
(
    region String,
    municipality String,
    org_id String,
    category String,
    user_id String,
    role String,
    time DateTime('UTC'),
    registered UInt8,
    event_id String,
    unassigned UInt8
)
ENGINE = ReplacingMergeTree
ORDER BY (region, org_id, user_id, role, time, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS registration_events_mv TO registration_events AS
SELECT region, municipality, org_id, category, user_id, role, time,
       toUInt8(type = 'ru.sferum.user.registered') AS registered, event_id, unassigned
FROM activity_ingest
WHERE type IN ('ru.sferum.user.registered', 'ru.sferum.user.left');

-- Organization connections (ru.sferum.org.connected), one row per event id.
CREATE TABLE IF NOT EXISTS org_connections
(
    region String,
    org_id String,
    time DateTime('UTC'),
    event_id String,
    unassigned UInt8
)
ENGINE = ReplacingMergeTree
ORDER BY (region, org_id, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS org_connections_mv TO org_connections AS
SELECT region, org_id, time, event_id, unassigned
FROM activity_ingest
WHERE type = 'ru.sferum.org.connected';

-- Events of organizations unknown to the registry (attributed to the
-- source's home region): kept and counted exactly, never dropped.
CREATE TABLE IF NOT EXISTS weekly_unassigned_events
(
    region String,
    week String,
    type String,
    org_id String,
    events AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY substring(week, 1, 4)
ORDER BY (region, week, type, org_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS weekly_unassigned_events_mv TO weekly_unassigned_events AS
SELECT region, week, type, org_id, uniqExactState(event_id) AS events
FROM activity_ingest
WHERE unassigned = 1
GROUP BY region, week, type, org_id;

-- When each region last had an event: for "events stopped arriving" alerts.
CREATE TABLE IF NOT EXISTS region_last_event
(
    region String,
    last_time AggregateFunction(max, DateTime('UTC')),
    last_ingested_at AggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY region;

CREATE MATERIALIZED VIEW IF NOT EXISTS region_last_event_mv TO region_last_event AS
SELECT region, maxState(time) AS last_time, maxState(ingested_at) AS last_ingested_at
FROM activity_ingest
GROUP BY region;
