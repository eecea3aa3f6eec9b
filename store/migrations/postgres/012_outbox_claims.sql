-- PostgreSQL's 012: the claim columns (no rows from before them to convert).
ALTER TABLE notification_deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_deliveries ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_deliveries ADD COLUMN next_at TEXT NOT NULL DEFAULT '';
CREATE INDEX notification_deliveries_due ON notification_deliveries(status, next_at);
