-- Who owns an absence. 'file': the county file lists it, and a re-import that
-- no longer lists it deletes it. 'staff': entered in the web UI or an Excel
-- sheet; the county import never deletes it. Rows from before this column
-- cannot be told apart, so they start as 'staff' and become 'file' when an
-- import lists them.
ALTER TABLE absences ADD COLUMN source TEXT NOT NULL DEFAULT 'staff' CHECK (source IN ('file', 'staff'));
