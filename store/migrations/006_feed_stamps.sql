-- Leaders' private feeds carry sweep tasks: a task needs a version for the
-- event's SEQUENCE and an update time for DTSTAMP and LAST-MODIFIED, like
-- visits and cases already have. Tasks stored before this migration keep an
-- empty updated_at; feeds fall back to the sweep's due date for them.
ALTER TABLE sweep_tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sweep_tasks ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
CREATE INDEX sweep_tasks_leader ON sweep_tasks(leader_id, due_on);
