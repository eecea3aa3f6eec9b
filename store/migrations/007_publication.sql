-- Publication of a roster month (issue 7). Each publication keeps a snapshot
-- of the assignments as published, so the public side can show later edits
-- as 调整 with the person first announced. Publishing again adds a new row;
-- the latest publication of a month is the one in force.
CREATE TABLE publications (
    id           INTEGER PRIMARY KEY,
    roster_id    TEXT NOT NULL,
    month        TEXT NOT NULL, -- YYYY-MM
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE INDEX publications_month ON publications(roster_id, month, id);

CREATE TABLE published_assignments (
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    roster_id      TEXT NOT NULL,
    date           TEXT NOT NULL,
    role           TEXT NOT NULL,
    person_id      TEXT NOT NULL,
    PRIMARY KEY (publication_id, date, role)
);
CREATE INDEX published_assignments_date ON published_assignments(date);
