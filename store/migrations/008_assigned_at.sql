-- When the current person was put on each slot. A duty event's UID is the
-- row and the person, so this is the event's DTSTAMP and LAST-MODIFIED:
-- pinning, unpinning or re-saving the same person moves updated_at and the
-- row's version but not this, and subscribers see no change.
ALTER TABLE assignments ADD COLUMN assigned_at TEXT NOT NULL DEFAULT '';

-- Existing rows: the last reassignment of the row (its tombstone carries the
-- new person's updated_at), else the row's last update — the best record kept.
UPDATE assignments SET assigned_at = COALESCE(
    (SELECT MAX(c.cancelled_at) FROM cancelled_assignments c
     WHERE c.assignment_id = assignments.id AND c.cancelled_at <= assignments.updated_at),
    updated_at);

-- Triggers, like the tombstones of 004, so every writer of assignments keeps
-- the stamp without knowing about feeds.
CREATE TRIGGER assignments_assigned_insert AFTER INSERT ON assignments
WHEN new.assigned_at = ''
BEGIN
    UPDATE assignments SET assigned_at = new.updated_at WHERE id = new.id;
END;

CREATE TRIGGER assignments_assigned_person AFTER UPDATE OF person_id ON assignments
WHEN old.person_id <> new.person_id
BEGIN
    UPDATE assignments SET assigned_at = new.updated_at WHERE id = new.id;
END;
