-- 交办单 (issue 13, item 3): a case handed to a responsible unit (a county
-- department or a township from the county file) with a due date; the unit's
-- decline within 5 working days (art. 23 ¶3) or its 办结报告. The report text
-- is private: never on a public page, a log line or an audit summary.
CREATE TABLE handovers (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    unit_id        TEXT NOT NULL REFERENCES units(id),
    handed_on      TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('handed', 'declined', 'reported', 'withdrawn')),
    declined_on    TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    reported_on    TEXT NOT NULL DEFAULT '',
    report         TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX handovers_case ON handovers(case_id);
CREATE INDEX handovers_unit ON handovers(unit_id, state);
-- At most one live hand-over per case; the use case checks it first, this backs it.
CREATE UNIQUE INDEX handovers_live ON handovers(case_id) WHERE state = 'handed';
