-- The per-account lockout became a delay per account and address (issue 11):
-- counters are now "ip:ADDR" and "pair:HASH"; the old "user:NAME" rows are
-- dead. last_at is indexed so forgotten counters are pruned cheaply.
DELETE FROM login_failures WHERE key LIKE 'user:%';
CREATE INDEX login_failures_last_at ON login_failures(last_at);
