-- PostgreSQL's 008: assigned_at kept by a BEFORE trigger (a database made by
-- this binary has no rows older than the column to back-fill).
ALTER TABLE assignments ADD COLUMN assigned_at TEXT NOT NULL DEFAULT '';

CREATE FUNCTION assignments_assigned_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.assigned_at = '' THEN
        NEW.assigned_at := NEW.updated_at;
    ELSIF TG_OP = 'UPDATE' AND OLD.person_id <> NEW.person_id THEN
        NEW.assigned_at := NEW.updated_at;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER assignments_assigned BEFORE INSERT OR UPDATE OF person_id ON assignments
FOR EACH ROW EXECUTE FUNCTION assignments_assigned_at();
