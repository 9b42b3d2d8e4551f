-- Read-time placement. The stored facts are what happened, nothing derived
-- from the registry: event id, type, instant (milliseconds), pseudonymous
-- user, organization id as sent ('' when none), role, chat and message
-- kind, call id, initiator. Region, municipality, category and the week
-- are derived when a KPI is read, from the registry mirrored below as it is
-- then. The same events and registry give the same answers whatever order
-- they arrived in.
--
-- Exactness: activity_events is deduplicated by event id
-- (ReplacingMergeTree, one partition per month of the event's time, so the
-- same event always lands in the same partition); the derived tables below
-- keep only idempotent forms (uniqExact states of event and call ids,
-- argMax-able registration rows keyed by event id). A record delivered
-- twice, redelivered after a crash or replayed changes no answer, and every
-- derived table can be rebuilt from activity_events (npm run rebuild).

CREATE TABLE IF NOT EXISTS activity_events
(
    event_id String,
    type String,
    time DateTime('UTC'),
    time_ms UInt16,
    source String,
    ingested_at DateTime('UTC'),
    user_id String,
    org_id String,
    role String,
    chat_kind String,
    message_kind String,
    call_id String,
    initiator UInt8
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY event_id;

-- Per-user activity in UTC hours, per organization as sent ('' for events
-- without orgId). Every zone of Russia is a whole-hour offset from UTC
-- without daylight saving since 2014, so a region's local week is a whole
-- number of these hours: any region's ISO week is answered exactly. activity
-- is "<chatKind>:<messageKind>" for messages, "call" for every call taken
-- part in, "call_initiated" for calls the user started; events holds the
-- distinct event ids (call ids for calls). Ordered by organization first, so
-- that a region reads about its own share of a week.
CREATE TABLE IF NOT EXISTS user_activity_hourly
(
    org_id String,
    hour DateTime('UTC'),
    user_id String,
    activity String,
    events AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (org_id, hour, user_id, activity);

CREATE MATERIALIZED VIEW IF NOT EXISTS user_activity_hourly_mv TO user_activity_hourly AS
SELECT
    org_id,
    toStartOfHour(time) AS hour,
    user_id,
    activity,
    uniqExactState(if(type = 'ru.sferum.call.joined', call_id, event_id)) AS events
FROM activity_events
ARRAY JOIN if(type = 'ru.sferum.call.joined',
              if(initiator = 1, ['call', 'call_initiated'], ['call']),
              [concat(chat_kind, ':', message_kind)]) AS activity
WHERE user_id != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY org_id, hour, user_id, activity;

-- Registrations: every user.registered / user.left, one row per event id.
-- Who is registered with which role in which organization at an instant T
-- is argMax(registered, (time, time_ms, registered)) over the rows before T,
-- per (org_id, user_id, role): a join and a leave in the same second are
-- ordered by their milliseconds; at the very same millisecond the join wins.
CREATE TABLE IF NOT EXISTS registration_facts
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
ORDER BY (org_id, user_id, role, time, time_ms, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS registration_facts_mv TO registration_facts AS
SELECT org_id, user_id, role, time, time_ms, toUInt8(type = 'ru.sferum.user.registered') AS registered, event_id
FROM activity_events
WHERE type IN ('ru.sferum.user.registered', 'ru.sferum.user.left');

-- Organization connections (ru.sferum.org.connected), one row per event id.
CREATE TABLE IF NOT EXISTS org_connection_facts
(
    org_id String,
    time DateTime('UTC'),
    event_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (org_id, time, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS org_connection_facts_mv TO org_connection_facts AS
SELECT org_id, time, event_id
FROM activity_events
WHERE type = 'ru.sferum.org.connected';

-- What each organization id sent, per source and type: the list of
-- organizations the registry does not know (with their first and last
-- event), and when a region last had an event (silence alerts).
CREATE TABLE IF NOT EXISTS org_event_summary
(
    org_id String,
    source String,
    type String,
    events AggregateFunction(uniqExact, String),
    first_time AggregateFunction(min, DateTime('UTC')),
    last_time AggregateFunction(max, DateTime('UTC')),
    last_ingested_at AggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (org_id, source, type);

CREATE MATERIALIZED VIEW IF NOT EXISTS org_event_summary_mv TO org_event_summary AS
SELECT org_id, source, type,
       uniqExactState(event_id) AS events,
       minState(time) AS first_time,
       maxState(time) AS last_time,
       maxState(ingested_at) AS last_ingested_at
FROM activity_events
WHERE org_id != ''
GROUP BY org_id, source, type;

-- The registry where the queries run: PostgreSQL's placement of every
-- organization, mirrored on every import or change. Rows of a version are
-- written first, then the version is committed in registry_versions; a
-- query reads the highest committed version only, so it sees one registry.
CREATE TABLE IF NOT EXISTS registry_organizations
(
    version UInt64,
    org_id String,
    municipality_id String,
    region_code String,
    category String,
    headcount UInt32,
    has_headcount UInt8
)
ENGINE = MergeTree
PARTITION BY version
ORDER BY (region_code, org_id);

CREATE TABLE IF NOT EXISTS registry_versions
(
    version UInt64,
    organizations UInt64,
    mirrored_at DateTime('UTC')
)
ENGINE = MergeTree
ORDER BY version;
