-- PostgreSQL's 015: the key from two random UUIDs (244 random bits), as
-- randomblob is SQLite's; the rest as migrations/015.
-- Case lists page by (received_on, id) and search petitioners by a keyed
-- blind index, so a name or phone is found without being readable in an index
-- (and still once issue 13 encrypts the columns themselves).
CREATE TABLE store_keys (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
INSERT INTO store_keys (name, value) VALUES ('case_search', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

ALTER TABLE cases ADD COLUMN petitioner_name_idx TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN petitioner_phone_idx TEXT NOT NULL DEFAULT '';

CREATE INDEX cases_received ON cases(received_on, id);
CREATE INDEX cases_township_received ON cases(township, received_on, id);
CREATE INDEX cases_leader_received ON cases(leader_id, received_on, id);
CREATE INDEX cases_state_received ON cases(state, received_on, id);
CREATE INDEX cases_name_idx ON cases(petitioner_name_idx);
CREATE INDEX cases_phone_idx ON cases(petitioner_phone_idx);
