-- A leader's private e-mail, from the county file: duty reminders are sent
-- to it. Like the phone it is never published.
ALTER TABLE people ADD COLUMN email TEXT NOT NULL DEFAULT '';
