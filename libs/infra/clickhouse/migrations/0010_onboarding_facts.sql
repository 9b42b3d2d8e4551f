-- What the onboarding funnel reads of the events (kpi-counters.ts,
-- onboardingEvidenceAt; the steps in libs/contracts/src/onboarding.ts):
-- registrations (registrations_by_org, 0004), connections (org_facts,
-- 0007), and the two below.
--
-- Chats created, as organization facts: fact 'chat_created', `detail` whom
-- the chat is for (staff, class, other). A view of its own beside 0007's
-- (which stays as it is): an insert runs both, each writing its own types.
CREATE MATERIALIZED VIEW IF NOT EXISTS org_chat_facts_mv TO org_facts AS
SELECT org_id, 'chat_created' AS fact, time, time_ms, chat_audience AS detail, event_id
FROM activity_events
WHERE type = 'ru.sferum.chat.created';

-- Any chat creation stored before the view ran (none unless this
-- migration was interrupted): copied, collapsing with the view's rows by
-- their key.
INSERT INTO org_facts (org_id, fact, time, time_ms, detail, event_id)
SELECT org_id, 'chat_created', time, time_ms, chat_audience, event_id
FROM activity_events
WHERE type = 'ru.sferum.chat.created';

-- Each person's first message or call naming an organization, to the
-- second: the funnel's step 7 (staff use the messenger) is the first such
-- instant of a person registered there as teacher or admin. Small granules
-- keyed by organization, as 0004's tables, so that a region reads its own.
CREATE TABLE IF NOT EXISTS first_activity_by_org
(
    org_id String,
    user_id String,
    first_time AggregateFunction(min, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
PRIMARY KEY org_id
ORDER BY (org_id, user_id)
SETTINGS index_granularity = 128;

CREATE MATERIALIZED VIEW IF NOT EXISTS first_activity_by_org_mv TO first_activity_by_org AS
SELECT org_id, user_id, minState(time) AS first_time
FROM activity_events
WHERE org_id != '' AND user_id != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY org_id, user_id;

-- The activity stored before (every event naming an organization is in
-- activity_events: the history 0003 converted from 0001 names none): a
-- minimum merges with the view's to the same. The GROUP BY holds one
-- state per person and organization (tens of bytes each: a few hundred MB
-- for the country's 28 million users).
INSERT INTO first_activity_by_org (org_id, user_id, first_time)
SELECT org_id, user_id, minState(time)
FROM activity_events
WHERE org_id != '' AND user_id != '' AND type IN ('ru.sferum.message.sent', 'ru.sferum.call.joined')
GROUP BY org_id, user_id;
