-- Issue 13: the reception desk. One row per visit (批次) registered at a
-- 开门接访 session. The visitor's phone and ID number are sealed (secret's
-- AES-GCM); *_idx are keyed blind indexes that find a repeat without
-- making the values readable.
CREATE TABLE desk_visits (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES visits(id),
    date              TEXT NOT NULL,
    number            INTEGER NOT NULL,
    visitor_name      TEXT NOT NULL,
    visitor_id_number TEXT NOT NULL DEFAULT '',
    visitor_phone     TEXT NOT NULL DEFAULT '',
    visitor_address   TEXT NOT NULL DEFAULT '',
    name_idx          TEXT NOT NULL DEFAULT '',
    id_number_idx     TEXT NOT NULL DEFAULT '',
    phone_idx         TEXT NOT NULL DEFAULT '',
    township          TEXT NOT NULL,
    group_size        INTEGER NOT NULL DEFAULT 1,
    representatives   TEXT NOT NULL DEFAULT '',
    matter            TEXT NOT NULL,
    category          TEXT NOT NULL,
    skipped_level     INTEGER NOT NULL DEFAULT 0,
    received_by       TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL CHECK (state IN ('waiting', 'receiving', 'done')),
    outcome           TEXT NOT NULL DEFAULT '',
    outcome_note      TEXT NOT NULL DEFAULT '',
    case_id           INTEGER REFERENCES cases(id),
    repeat_visit      INTEGER NOT NULL DEFAULT 0,
    arrived_at        TEXT NOT NULL,
    started_at        TEXT NOT NULL DEFAULT '',
    finished_at       TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (session_id, number)
);
CREATE INDEX desk_visits_date ON desk_visits(date, id);
CREATE INDEX desk_visits_id_number ON desk_visits(id_number_idx);
CREATE INDEX desk_visits_phone ON desk_visits(phone_idx);
CREATE INDEX desk_visits_case ON desk_visits(case_id);
CREATE INDEX desk_visits_matter ON desk_visits(township, category, date);
