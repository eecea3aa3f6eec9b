-- Scheduler: an outbox of notifications written in the job's transaction, and
-- one delivery row per notification and channel (log, webhook, email), so a
-- crash after commit still delivers and a failure is recorded, never lost.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    job        TEXT NOT NULL DEFAULT '',
    period     TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '[]',
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_job ON notifications(job, period);

CREATE TABLE notification_deliveries (
    notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
CREATE INDEX notification_deliveries_status ON notification_deliveries(status);
