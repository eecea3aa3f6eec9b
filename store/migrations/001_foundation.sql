-- Foundation: the county, its people and rosters, the calendar, the job ledger and the audit log.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('county', 'township', 'department', 'village')),
    parent TEXT REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    title     TEXT NOT NULL,
    rank      TEXT NOT NULL CHECK (rank IN ('county', 'department')),
    portfolio TEXT NOT NULL DEFAULT '',
    phone     TEXT NOT NULL DEFAULT '',
    active    INTEGER NOT NULL DEFAULT 1,
    position  INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- 四个一: one township, enterprise, project and village per leader.
CREATE TABLE person_links (
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('township', 'enterprise', 'project', 'village')),
    value     TEXT NOT NULL,
    PRIMARY KEY (person_id, kind)
);

CREATE TABLE pools (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE pool_members (
    pool_id   TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, person_id)
);

CREATE TABLE rosters (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    days         TEXT NOT NULL,
    start_time   TEXT NOT NULL,
    end_time     TEXT NOT NULL,
    place        TEXT NOT NULL,
    min_gap_days INTEGER NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE roster_slots (
    roster_id TEXT NOT NULL REFERENCES rosters(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    role      TEXT NOT NULL,
    pool_id   TEXT NOT NULL REFERENCES pools(id),
    PRIMARY KEY (roster_id, role)
);

CREATE TABLE absences (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL CHECK (kind IN ('leave', 'trip', 'meeting')),
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (to_date >= from_date),
    UNIQUE (person_id, from_date, to_date, kind)
);

CREATE TABLE assignments (
    id         INTEGER PRIMARY KEY,
    roster_id  TEXT NOT NULL REFERENCES rosters(id),
    date       TEXT NOT NULL,
    role       TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES people(id),
    source     TEXT NOT NULL CHECK (source IN ('generated', 'manual')),
    pinned     INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (roster_id, date, role)
);
CREATE INDEX assignments_date ON assignments(date);
CREATE INDEX assignments_person ON assignments(person_id, date);

-- Staff overrides of the built-in official calendar, and which years staff confirmed.
CREATE TABLE holidays (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE holiday_years (
    year         INTEGER PRIMARY KEY,
    confirmed_at TEXT NOT NULL,
    confirmed_by TEXT NOT NULL
);

CREATE TABLE reception (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    name    TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE reception_windows (
    no         INTEGER PRIMARY KEY,
    department TEXT NOT NULL
);

-- One row per job and period; a second run of the same period is a no-op.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 1,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, period)
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
