-- Cases with their statutory clocks, the four visits, the monthly dispute sweep, and follow-up flags.
CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    category            TEXT NOT NULL,
    township            TEXT NOT NULL,
    received_on         TEXT NOT NULL,
    channel             TEXT NOT NULL,
    -- Private: never on a public page, feed, log line or error message.
    petitioner_name     TEXT NOT NULL,
    petitioner_phone    TEXT NOT NULL DEFAULT '',
    petitioner_address  TEXT NOT NULL DEFAULT '',
    content             TEXT NOT NULL DEFAULT '',
    group_size          INTEGER NOT NULL DEFAULT 1,
    representatives     INTEGER NOT NULL DEFAULT 0,
    leader_id           TEXT REFERENCES people(id),
    leader_reason       TEXT NOT NULL DEFAULT '',
    unit                TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL,
    key_case            INTEGER NOT NULL DEFAULT 0,
    from_finding        INTEGER,
    accepted_on         TEXT NOT NULL DEFAULT '',
    replied_on          TEXT NOT NULL DEFAULT '',
    extension_days      INTEGER NOT NULL DEFAULT 0,
    extension_reason    TEXT NOT NULL DEFAULT '',
    extended_on         TEXT NOT NULL DEFAULT '',
    review_asked_on     TEXT NOT NULL DEFAULT '',
    reviewed_on         TEXT NOT NULL DEFAULT '',
    recheck_asked_on    TEXT NOT NULL DEFAULT '',
    rechecked_on        TEXT NOT NULL DEFAULT '',
    reopened_on         TEXT NOT NULL DEFAULT '',
    closed_on           TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX cases_township ON cases(township, state);
CREATE INDEX cases_leader ON cases(leader_id, state);

CREATE TABLE case_milestones (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    duty    TEXT NOT NULL CHECK (duty IN ('investigate', 'handle', 'close', 'stabilise', 'cease')),
    done_on TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, duty)
);

CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('open', 'invite', 'carry', 'return')),
    leader_id    TEXT NOT NULL REFERENCES people(id),
    date         TEXT NOT NULL,
    start_time   TEXT NOT NULL,
    end_time     TEXT NOT NULL,
    place        TEXT NOT NULL,
    township     TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('planned', 'confirmed', 'done', 'cancelled', 'no_show')),
    notes        TEXT NOT NULL DEFAULT '',
    satisfaction TEXT NOT NULL DEFAULT '',
    walk_ins     INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX visits_date ON visits(date, leader_id);
CREATE INDEX visits_kind ON visits(kind, township, date);

CREATE TABLE visit_cases (
    visit_id INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (visit_id, case_id)
);

-- Every reschedule, kept.
CREATE TABLE visit_moves (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    from_date  TEXT NOT NULL,
    from_start TEXT NOT NULL,
    from_end   TEXT NOT NULL,
    to_date    TEXT NOT NULL,
    to_start   TEXT NOT NULL,
    to_end     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    moved_by   TEXT NOT NULL,
    moved_at   TEXT NOT NULL
);

CREATE TABLE sweeps (
    month     TEXT PRIMARY KEY,
    opened_on TEXT NOT NULL,
    due_on    TEXT NOT NULL
);

CREATE TABLE sweep_tasks (
    id         INTEGER PRIMARY KEY,
    month      TEXT NOT NULL REFERENCES sweeps(month),
    township   TEXT NOT NULL,
    leader_id  TEXT REFERENCES people(id),
    due_on     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'filed', 'nil')),
    filed_on   TEXT NOT NULL DEFAULT '',
    filed_by   TEXT NOT NULL DEFAULT '',
    flagged_on TEXT NOT NULL DEFAULT '',
    UNIQUE (month, township)
);

CREATE TABLE sweep_findings (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES sweep_tasks(id),
    summary     TEXT NOT NULL,
    category    TEXT NOT NULL,
    village     TEXT NOT NULL DEFAULT '',
    parties     INTEGER NOT NULL,
    risk        TEXT NOT NULL CHECK (risk IN ('高', '中', '低')),
    case_id     INTEGER REFERENCES cases(id),
    resolved    INTEGER NOT NULL DEFAULT 0,
    rolled_from INTEGER REFERENCES sweep_findings(id),
    created_at  TEXT NOT NULL,
    UNIQUE (task_id, rolled_from)
);

-- Follow-up flags (75%/90%/overdue, missing reports, unassigned findings); one per subject and level.
CREATE TABLE flags (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    level      TEXT NOT NULL DEFAULT '',
    on_date    TEXT NOT NULL,
    message    TEXT NOT NULL,
    leader_id  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (kind, entity, entity_id, level)
);
