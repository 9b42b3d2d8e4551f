-- The members the chat of ru.sferum.chat.created was created with (0 for
-- every other type and for the rows written before it). An ALTER a
-- migration (migration-runner.ts).
ALTER TABLE activity_events ADD COLUMN member_count UInt32 DEFAULT 0;
