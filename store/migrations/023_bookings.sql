-- Issue 15: public booking (预约接访). A booking holds a place at a duty
-- day's 开门接访: the roster and date (the session opens on the day), the
-- leader booked then (booked_leader, '' for whoever is on duty) and a seat.
-- The visitor's name, ID number, phone and representatives are sealed
-- (store/privacy.go); *_idx are keyed blind indexes for the per-person
-- limits, repeats and the lookup by phone.
CREATE TABLE bookings (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    roster_id         TEXT NOT NULL,
    date              TEXT NOT NULL,
    -- seat is the place held, 1..capacity; its slot follows from it. Two
    -- active bookings never hold one seat (bookings_seat), so capacity holds
    -- under any concurrency.
    seat              INTEGER NOT NULL CHECK (seat >= 1),
    slot_start        TEXT NOT NULL,
    slot_end          TEXT NOT NULL,
    booked_leader     TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    township          TEXT NOT NULL,
    group_size        INTEGER NOT NULL DEFAULT 1,
    representatives   TEXT NOT NULL DEFAULT '',
    visitor_name      TEXT NOT NULL,
    visitor_id_number TEXT NOT NULL,
    visitor_phone     TEXT NOT NULL,
    name_idx          TEXT NOT NULL DEFAULT '',
    id_number_idx     TEXT NOT NULL DEFAULT '',
    phone_idx         TEXT NOT NULL DEFAULT '',
    consent_at        TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('booked', 'cancelled')),
    -- The duty's leader changed after booking: the office is to phone the visitor.
    call_visitor      INTEGER NOT NULL DEFAULT 0,
    call_reason       TEXT NOT NULL DEFAULT '',
    created_on        TEXT NOT NULL,
    cancelled_at      TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX bookings_seat ON bookings(roster_id, date, seat) WHERE state = 'booked';
CREATE INDEX bookings_day ON bookings(date, roster_id);
CREATE INDEX bookings_id_number ON bookings(id_number_idx, created_on);
CREATE INDEX bookings_phone ON bookings(phone_idx, created_on);

-- 分管: the categories of matters a person's portfolio covers (county file
-- people[].categories). A person with none takes any matter.
CREATE TABLE person_categories (
    person_id TEXT NOT NULL REFERENCES people(id),
    category  TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (person_id, category)
);
