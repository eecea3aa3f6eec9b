-- Publishing: private feed tokens, and tombstones of duties that were
-- reassigned or removed, so feeds keep them as STATUS:CANCELLED.

-- A leader's private feed token, stored as the hex SHA-256 of the secret:
-- the secret itself is shown once and never stored.
CREATE TABLE feed_tokens (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX feed_tokens_person ON feed_tokens(person_id);

-- One row per person taken off a duty. assignment_id and person_id are the
-- identity the feed UID was built from; version is the row's version then.
CREATE TABLE cancelled_assignments (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL,
    roster_id     TEXT NOT NULL,
    date          TEXT NOT NULL,
    role          TEXT NOT NULL,
    person_id     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    cancelled_at  TEXT NOT NULL,
    UNIQUE (assignment_id, person_id, version)
);
CREATE INDEX cancelled_assignments_date ON cancelled_assignments(date);

-- Triggers rather than store methods, so every writer of assignments (the
-- engine, manual edits, imports) leaves a tombstone without knowing about feeds.
CREATE TRIGGER assignments_reassigned AFTER UPDATE OF person_id ON assignments
WHEN old.person_id <> new.person_id
BEGIN
    INSERT OR IGNORE INTO cancelled_assignments (assignment_id, roster_id, date, role, person_id, version, cancelled_at)
    VALUES (old.id, old.roster_id, old.date, old.role, old.person_id, old.version, new.updated_at);
END;

-- A deleted row has no new updated_at; the database clock stamps it.
CREATE TRIGGER assignments_removed AFTER DELETE ON assignments
BEGIN
    INSERT OR IGNORE INTO cancelled_assignments (assignment_id, roster_id, date, role, person_id, version, cancelled_at)
    VALUES (old.id, old.roster_id, old.date, old.role, old.person_id, old.version,
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
