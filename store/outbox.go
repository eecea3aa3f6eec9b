package store

import (
	"context"
	"fmt"
	"time"
)

// Notification is one outbox message; Recipients is JSON the store does not read.
type Notification struct {
	ID         int64     `json:"id"`
	Job        string    `json:"job,omitempty"`
	Period     string    `json:"period,omitempty"`
	Recipients string    `json:"recipients"`
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// Delivery is a notification's state on one channel.
type Delivery struct {
	Notification
	Channel   string    `json:"channel"`
	Status    string    `json:"status"` // pending | sent | failed
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EnqueueNotification adds n with a pending delivery per channel, in the caller's transaction.
func (s *Store) EnqueueNotification(ctx context.Context, n Notification, channels []string) (int64, error) {
	var id int64
	err := s.WithTx(ctx, func(tx *Store) error {
		now := stamp(s.Now())
		var err error
		id, err = insertID(ctx, tx.q, `INSERT INTO notifications (job, period, recipients, subject, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, n.Job, n.Period, n.Recipients, n.Subject, n.Body, now)
		if err != nil {
			return fmt.Errorf("store: enqueue notification: %w", err)
		}
		for _, c := range channels {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO notification_deliveries (notification_id, channel, status, attempts, updated_at)
				VALUES (?, ?, 'pending', 0, ?)`, id, c, now); err != nil {
				return fmt.Errorf("store: enqueue notification %d/%s: %w", id, c, err)
			}
		}
		return nil
	})
	return id, err
}

// DeliveryFilter narrows Deliveries; empty fields match everything.
type DeliveryFilter struct {
	Job, Period, Status string
	Owner               string    // rows claimed by this owner
	Since               time.Time // notifications created at or after, if set
	Limit               int
	NewestFirst         bool
}

// Deliveries returns delivery rows oldest first (NewestFirst: last updated first): the delivery log.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	var c conditions
	c.eq("n.job", f.Job)
	c.eq("n.period", f.Period)
	c.eq("d.status", f.Status)
	c.eq("d.owner", f.Owner)
	if !f.Since.IsZero() {
		c.add("n.created_at >= ?", stamp(f.Since))
	}
	order := ` ORDER BY n.id, d.channel`
	if f.NewestFirst {
		order = ` ORDER BY d.updated_at DESC, n.id DESC, d.channel`
	}
	q := `SELECT n.id, n.job, n.period, n.recipients, n.subject, n.body, n.created_at, d.channel, d.status, d.attempts,
		d.error, d.updated_at FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id ` +
		c.where() + order
	args := c.args
	if f.Limit > 0 {
		q, args = q+` LIMIT ?`, append(args, f.Limit)
	}
	return queryAll(ctx, s.q, "deliveries", scanDelivery, q, args...)
}

func scanDelivery(sc scanner) (Delivery, error) {
	var d Delivery
	var created, updated string
	err := sc.Scan(&d.ID, &d.Job, &d.Period, &d.Recipients, &d.Subject, &d.Body, &created,
		&d.Channel, &d.Status, &d.Attempts, &d.Error, &updated)
	d.CreatedAt, d.UpdatedAt = parseStamp(created), parseStamp(updated)
	return d, err
}

// leaseStamp writes the claim columns fixed-width, so that text order is time
// order (stamp drops trailing zeros: "…05Z" would sort after "…05.5Z").
func leaseStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// claimSQL takes due rows nobody holds, or whose holder's lease ran out, in
// one statement, so two processes never claim one row. The %s is the
// dialect's row lock for the inner SELECT: empty for SQLite, which runs the
// statement under its single write lock; PostgreSQL adds FOR UPDATE SKIP LOCKED
// so concurrent claimers pass over each other's rows instead of waiting.
const claimSQL = `UPDATE notification_deliveries SET owner = ?, lease_until = ?
	WHERE (notification_id, channel) IN (
		SELECT notification_id, channel FROM notification_deliveries
		WHERE (status = 'pending' OR (status = 'failed' AND next_at <> '' AND next_at <= ?))
			AND (owner = '' OR lease_until < ?)
		ORDER BY notification_id, channel LIMIT ? %s)
	RETURNING notification_id, channel`

// ClaimDeliveries claims up to limit deliveries due by due for owner, until
// wall+lease, and returns them. Leases run on the wall clock (wall is the
// real now) whatever clock a job runs by: a `jobs run --now` in the past
// must not hand out leases that another process sees as expired. Only the
// owner may then finish them (FinishDelivery); a row whose lease runs out
// unfinished is claimable again, so a process that died mid-delivery delays a
// message rather than losing it.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, due, wall time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	if owner == "" {
		return nil, fmt.Errorf("store: claim deliveries: no owner")
	}
	var out []Delivery
	err := s.WithTx(ctx, func(tx *Store) error {
		lock := ""
		if s.pg {
			lock = "FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.q.QueryContext(ctx, fmt.Sprintf(claimSQL, lock), owner, leaseStamp(wall.Add(lease)), leaseStamp(due), leaseStamp(wall), limit)
		if err != nil {
			return fmt.Errorf("store: claim deliveries: %w", err)
		}
		type key struct {
			id      int64
			channel string
		}
		claimed := map[key]bool{}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.id, &k.channel); err != nil {
				rows.Close()
				return fmt.Errorf("store: claim deliveries: %w", err)
			}
			claimed[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: claim deliveries: %w", err)
		}
		if len(claimed) == 0 {
			return nil
		}
		// Only this claim's rows: one the owner could not record stays held, and must not go out twice.
		mine, err := tx.Deliveries(ctx, DeliveryFilter{Owner: owner})
		for _, d := range mine {
			if claimed[key{d.ID, d.Channel}] {
				out = append(out, d)
			}
		}
		return err
	})
	return out, err
}

// FinishDelivery records the outcome of a claimed delivery and releases the
// claim; next is when a failure may be retried (zero: never). A claim owner
// no longer holds (its lease ran out and another took the row) is
// ErrConflict: the other owner's outcome stands.
func (s *Store) FinishDelivery(ctx context.Context, owner string, id int64, channel, status string, attempts int, errMsg string, next time.Time) error {
	nextAt := ""
	if !next.IsZero() {
		nextAt = leaseStamp(next)
	}
	r, err := s.q.ExecContext(ctx, `UPDATE notification_deliveries SET status = ?, attempts = attempts + ?, error = ?,
		updated_at = ?, next_at = ?, owner = '', lease_until = ''
		WHERE notification_id = ? AND channel = ? AND owner = ?`,
		status, attempts, errMsg, stamp(s.Now()), nextAt, id, channel, owner)
	if err != nil {
		return fmt.Errorf("store: record delivery %d/%s: %w", id, channel, err)
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("store: record delivery %d/%s: claim lost: %w", id, channel, ErrConflict)
	}
	return nil
}

// ReleaseDeliveries gives back owner's unfinished claims (a pass that ran out of time).
func (s *Store) ReleaseDeliveries(ctx context.Context, owner string) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE notification_deliveries SET owner = '', lease_until = '' WHERE owner = ?`, owner); err != nil {
		return fmt.Errorf("store: release deliveries of %s: %w", owner, err)
	}
	return nil
}
