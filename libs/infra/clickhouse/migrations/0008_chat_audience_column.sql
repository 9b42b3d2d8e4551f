-- Whom the chat of ru.sferum.chat.created is for (staff, class, other):
-- what happened, stored with the fact ('' for every other type and for the
-- rows written before it). chat.created keeps its chat kind in chat_kind,
-- as a message does. An ALTER a migration (migration-runner.ts).
ALTER TABLE activity_events ADD COLUMN chat_audience String DEFAULT '';
