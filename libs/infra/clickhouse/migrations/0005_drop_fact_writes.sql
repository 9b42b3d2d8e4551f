-- Migration 0004's fact_writes counted the rows each month of activity and
-- the registrations received, as the version of the figures the KPI service
-- keeps. They are versioned by ClickHouse's active parts of the facts now
-- (fact-writes.ts): an INSERT runs its materialized views one after
-- another, fact_writes_mv before the facts' views, so a count could be seen
-- before the rows it counted. Nothing reads the table; the view went on
-- writing it on every insert. Both go. `npm run rebuild` runs 0004 again and
-- then this migration, so a rebuild does not bring them back.
DROP TABLE IF EXISTS fact_writes_mv;

DROP TABLE IF EXISTS fact_writes;
