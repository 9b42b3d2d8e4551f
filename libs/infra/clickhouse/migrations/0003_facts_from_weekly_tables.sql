-- Existing data moves over from the tables of 0001 (placement and week
-- stamped at ingest) to the facts of 0002. Idempotent by construction, so
-- `npm run rebuild` runs it again after refilling the derived tables:
-- uniqExact states merge to the same sets, ReplacingMergeTree keeps one
-- row per key. The old tables stay (read-only) as the source of this
-- history: activity_events holds no events from before 0002, and Kafka
-- keeps only 7 days.
--
-- Registrations and connections were kept per event: they move exactly
-- (their milliseconds were not kept: 0), and those of organizations that
-- were unknown at ingest now count once the registry knows them.
INSERT INTO registration_facts (org_id, user_id, role, time, time_ms, registered, event_id)
SELECT org_id, user_id, role, time, 0, registered, event_id FROM registration_events;

INSERT INTO org_connection_facts (org_id, time, event_id)
SELECT org_id, time, event_id FROM org_connections;

-- Weekly activity was kept per (ISO week, user), without organization or
-- hour. It moves to the Wednesday 12:00 UTC of its week, with no
-- organization: that hour lies inside the same ISO week in every zone from
-- UTC+2 to UTC+12, and activity without an organization counts for the
-- user's registered organizations, which is what the old tables counted.
INSERT INTO user_activity_hourly (org_id, hour, user_id, activity, events)
SELECT
    '' AS org_id,
    toDateTime(concat(toString(addDays(toMonday(toDate(concat(substring(week, 1, 4), '-01-04'))),
                                        (toUInt32(substring(week, 7, 2)) - 1) * 7 + 2)), ' 12:00:00'), 'UTC') AS hour,
    user_id,
    activity,
    events
FROM weekly_user_activity;

-- Events of organizations unknown at ingest, per type: into the summary of
-- what each organization id sent (source and exact times were not kept).
INSERT INTO org_event_summary (org_id, source, type, events, first_time, last_time, last_ingested_at)
SELECT org_id, 'before-0002' AS source, type,
       uniqExactMergeState(events) AS events,
       minState(hour) AS first_time,
       maxState(hour) AS last_time,
       maxState(hour) AS last_ingested_at
FROM
(
    SELECT org_id, type, events,
           toDateTime(concat(toString(addDays(toMonday(toDate(concat(substring(week, 1, 4), '-01-04'))),
                                               (toUInt32(substring(week, 7, 2)) - 1) * 7 + 2)), ' 12:00:00'), 'UTC') AS hour
    FROM weekly_unassigned_events
)
GROUP BY org_id, type;
