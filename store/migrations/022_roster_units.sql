-- Township rosters (issue 16): a roster may belong to a unit, a township
-- (乡镇/街道) keeping its own leader duty roster at its 群众工作站. NULL is
-- the county's own roster. The county file checks the unit is a township.
ALTER TABLE rosters ADD COLUMN unit_id TEXT REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX rosters_unit ON rosters(unit_id);
