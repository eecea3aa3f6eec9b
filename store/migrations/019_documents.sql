-- Official documents (issue 13, item 4): each kind numbers its documents per
-- year (the 文号 临信受〔2027〕12号 is kind 受, year 2027, seq 12). A subject
-- (a case, a registration, a session) gets each kind once, so issuing again
-- returns the same number; the unique keys make two issues never share one.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, year, seq),
    UNIQUE (kind, subject_id)
);
CREATE INDEX documents_subject ON documents(subject_id);
