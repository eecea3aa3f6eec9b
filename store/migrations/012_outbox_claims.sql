-- Outbox claims: a process delivers a row only after claiming it (owner and
-- lease_until are set by the claiming UPDATE), so any number of `serve` and
-- `jobs run` processes send each message once; a lease that ran out (its
-- process died) makes the row claimable again. next_at is when a failed row
-- may be retried ('' for a pending row: now; for a failed row: given up).
-- Times in these columns are fixed-width UTC so they compare as text.
ALTER TABLE notification_deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_deliveries ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_deliveries ADD COLUMN next_at TEXT NOT NULL DEFAULT '';
UPDATE notification_deliveries SET next_at = COALESCE(strftime('%Y-%m-%dT%H:%M:%S.000000000Z', updated_at), '')
    WHERE status = 'failed' AND notification_id IN
        (SELECT id FROM notifications WHERE created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day'));
CREATE INDEX notification_deliveries_due ON notification_deliveries(status, next_at);
