-- 到岗签到 (issue 13, item 5): who actually came to a duty of a roster that
-- receives the public. Keyed by the person too and not tied to assignments,
-- so a reassignment after the sign-in keeps the record of who came.
CREATE TABLE attendance (
    roster_id TEXT NOT NULL,
    date TEXT NOT NULL,
    role TEXT NOT NULL,
    person_id TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    how TEXT NOT NULL CHECK (how IN ('link', 'staff')),
    signed_by TEXT NOT NULL,
    PRIMARY KEY (roster_id, date, role, person_id)
);
CREATE INDEX attendance_date ON attendance(date);
