-- The journal named by ru.sferum.org.journal_linked ("fgis-moya-shkola",
-- ...): what happened, stored with the fact like every other field ('' for
-- every other type and for the rows written before it). A migration of its
-- own: 18.16 has no ADD COLUMN IF NOT EXISTS, so this ALTER is the one
-- statement to run again if it was interrupted (migration-runner.ts).
ALTER TABLE activity_events ADD COLUMN journal_system String DEFAULT '';
