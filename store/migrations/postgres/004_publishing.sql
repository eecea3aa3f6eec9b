-- PostgreSQL's 004: the same tables; the tombstone triggers in PL/pgSQL.
CREATE TABLE feed_tokens (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX feed_tokens_person ON feed_tokens(person_id);

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

CREATE FUNCTION assignments_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cancelled_assignments (assignment_id, roster_id, date, role, person_id, version, cancelled_at)
    VALUES (OLD.id, OLD.roster_id, OLD.date, OLD.role, OLD.person_id, OLD.version,
            CASE WHEN TG_OP = 'UPDATE' THEN NEW.updated_at
                 ELSE to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER assignments_reassigned AFTER UPDATE OF person_id ON assignments
FOR EACH ROW WHEN (OLD.person_id <> NEW.person_id) EXECUTE FUNCTION assignments_tombstone();

CREATE TRIGGER assignments_removed AFTER DELETE ON assignments
FOR EACH ROW EXECUTE FUNCTION assignments_tombstone();
