-- Staff scoped to units (issue 16): a staff account may be confined to one
-- township (乡镇/街道). NULL is county-wide, as every account was before. A
-- township clerk changes only that township's rosters, leave of the people
-- who serve only there, visits and sweep reports (service layer checks it).
ALTER TABLE users ADD COLUMN unit_id TEXT REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED;
