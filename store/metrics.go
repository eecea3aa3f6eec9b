package store

import (
	"context"
	"fmt"
	"time"
)

// OutboxBacklog counts deliveries not yet sent: pending ones (never tried or
// being tried) and failed ones with a retry scheduled. /metrics reads it.
func (s *Store) OutboxBacklog(ctx context.Context) (pending, retrying int, err error) {
	err = s.q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'failed' AND next_at <> '' THEN 1 ELSE 0 END), 0)
		FROM notification_deliveries`).Scan(&pending, &retrying)
	if err != nil {
		return 0, 0, fmt.Errorf("store: outbox backlog: %w", err)
	}
	return pending, retrying, nil
}

// LastJobSuccesses returns when each job last finished a period done, from
// the ledger, so /metrics counts runs of every process (replicas, the CLI).
func (s *Store) LastJobSuccesses(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := queryEach(ctx, s.q, "last job successes", func(sc scanner) error {
		var job, finished string
		if err := sc.Scan(&job, &finished); err != nil {
			return err
		}
		out[job] = parseStamp(finished)
		return nil
	}, `SELECT job, MAX(finished_at) FROM job_runs WHERE status = 'done' GROUP BY job`)
	return out, err
}
